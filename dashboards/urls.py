from django.urls import path

from dashboards import views

urlpatterns = [
    path("portefeuille/", views.portfolio, name="portfolio"),
    path("c/<slug:code>/tableau-de-bord/", views.chantier_dashboard, name="chantier-dashboard"),
    path(
        "c/<slug:code>/reunions/<int:pk>/rapport/",
        views.meeting_report,
        name="meeting-report",
    ),
]
