from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from chantiers import views as chantier_views

urlpatterns = [
    path("health/", chantier_views.health, name="health"),
    # The language switch also works on the sign-in page, before anyone is signed in.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "mot-de-passe/fait/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    path("", include("config.api_urls")),
    path("", include("api.urls")),
    path("", include("chantiers.urls")),
    path("", include("recommendations.urls")),
    path("", include("actions.urls")),
    path("", include("dashboards.urls")),
    path("", chantier_views.home, name="home"),
]
