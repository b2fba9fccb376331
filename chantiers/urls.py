from django.urls import path

from chantiers import views

urlpatterns = [
    path("c/<slug:code>/", views.chantier_detail, name="chantier-detail"),
    path("c/<slug:code>/reunions/", views.meeting_list, name="meeting-list"),
    path("c/<slug:code>/reunions/nouvelle/", views.meeting_create, name="meeting-create"),
    path("c/<slug:code>/reunions/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("c/<slug:code>/reunions/<int:pk>/modifier/", views.meeting_edit, name="meeting-edit"),
    path("c/<slug:code>/reunions/<int:pk>/fermer/", views.meeting_close, name="meeting-close"),
    path(
        "c/<slug:code>/reunions/<int:pk>/decisions/nouvelle/",
        views.decision_create,
        name="decision-create",
    ),
    path("c/<slug:code>/decisions/<int:pk>/modifier/", views.decision_edit, name="decision-edit"),
    path(
        "c/<slug:code>/decisions/<int:pk>/suivi/",
        views.decision_follow_up,
        name="decision-follow-up",
    ),
]
