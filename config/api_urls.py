"""/api/v1/ (the REST API), /api/schema/ (OpenAPI 3), /api/docs/ and /api/redoc/
(Swagger UI and Redoc, served with their assets from the app: no CDN)."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from actions import api as actions_api
from api.schema import SchemaView
from chantiers import api as chantiers_api
from recommendations import api as recommendations_api

router = DefaultRouter()
router.include_root_view = False
for prefix, viewset in [
    ("organisations", chantiers_api.OrganisationViewSet),
    ("chantiers", chantiers_api.ChantierViewSet),
    ("memberships", chantiers_api.MembershipViewSet),
    ("meetings", chantiers_api.MeetingViewSet),
    ("decisions", chantiers_api.DecisionViewSet),
    ("axes", recommendations_api.AxisViewSet),
    ("studies", recommendations_api.StudyViewSet),
    ("recommendations", recommendations_api.RecommendationViewSet),
    ("rounds", recommendations_api.RoundViewSet),
    ("criteria", recommendations_api.CriterionViewSet),
    ("assessments", recommendations_api.AssessmentViewSet),
    ("plans", actions_api.PlanViewSet),
    ("actions", actions_api.ActionViewSet),
    ("action-recommendations", actions_api.ActionRecommendationViewSet),
    ("partners", actions_api.PartnerViewSet),
    ("milestones", actions_api.MilestoneViewSet),
    ("progress-updates", actions_api.ProgressUpdateViewSet),
    ("indicators", actions_api.IndicatorViewSet),
    ("measurements", actions_api.MeasurementViewSet),
]:
    router.register(prefix, viewset, basename=prefix)


def _api_authenticates(patterns):
    """The API authenticates each request itself (token or session) and answers 401
    in JSON; Django's LoginRequiredMiddleware must not redirect it to the login page."""
    for pattern in patterns:
        pattern.callback.login_required = False
    return patterns


schema_view = SchemaView.as_view()
schema_view.login_required = False

# Names live in the "api" namespace ("api:actions-detail"): the web pages own the
# plain names ("action-detail").
urlpatterns = [
    path("api/v1/", include((_api_authenticates(router.urls), "api"))),
    path("api/schema/", schema_view, name="api-schema"),
    # The documentation pages are for people in a browser: the login page if signed out.
    path(
        "api/docs/",
        login_required(SpectacularSwaggerView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        login_required(
            SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html")
        ),
        name="api-redoc",
    ),
]
