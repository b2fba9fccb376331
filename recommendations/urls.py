from django.urls import path

from recommendations import views

urlpatterns = [
    path("c/<slug:code>/recommandations/", views.recommendation_list, name="recommendation-list"),
    path(
        "c/<slug:code>/recommandations/<int:pk>/",
        views.recommendation_detail,
        name="recommendation-detail",
    ),
    path("c/<slug:code>/priorisation/", views.round_workspace, name="round-workspace"),
]
