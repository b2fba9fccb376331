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
    # The plotly.js bundled with the installed plotly package, versioned in the URL so
    # that browsers may keep it for a year.
    path("assets/plotly-<str:version>.min.js", views.plotly_js, name="plotly-js"),
]
