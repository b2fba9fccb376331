from django.urls import path

from recommendations import views

urlpatterns = [
    path("c/<slug:code>/recommandations/", views.recommendation_list, name="recommendation-list"),
    path(
        "c/<slug:code>/recommandations/nouvelle/",
        views.recommendation_create,
        name="recommendation-create",
    ),
    path(
        "c/<slug:code>/recommandations/<int:pk>/",
        views.recommendation_detail,
        name="recommendation-detail",
    ),
    path(
        "c/<slug:code>/recommandations/<int:pk>/modifier/",
        views.recommendation_edit,
        name="recommendation-edit",
    ),
    path(
        "c/<slug:code>/recommandations/<int:pk>/decision/",
        views.recommendation_disposition,
        name="recommendation-disposition",
    ),
    path(
        "c/<slug:code>/recommandations/<int:pk>/niveau/",
        views.recommendation_tier,
        name="recommendation-tier",
    ),
    path("c/<slug:code>/priorisation/", views.round_workspace, name="round-workspace"),
]
