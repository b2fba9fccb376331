from django.urls import path

from chantiers import views

urlpatterns = [
    path("c/<slug:code>/", views.chantier_detail, name="chantier-detail"),
    path("c/<slug:code>/reunions/", views.meeting_list, name="meeting-list"),
    path("c/<slug:code>/reunions/<int:pk>/", views.meeting_detail, name="meeting-detail"),
]
