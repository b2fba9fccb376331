"""Import and export pages of the recommendations (issue 6); the machinery is shared
with the actions in chantiers/import_views.py."""

from django.utils.translation import gettext_lazy as _

from chantiers import import_views
from recommendations import importing
from recommendations.filters import RecommendationFilter
from recommendations.queries import recommendations_for_chantier

SPEC = import_views.Spec(
    kind="recommendation",
    title=_("Importer des recommandations"),
    file_stem="recommandations",
    columns=importing.COLUMNS,
    run=importing.import_recommendations,
    export_rows=importing.export_rows,
    queryset=recommendations_for_chantier,
    filterset=RecommendationFilter,
    list_url="recommendation-list",
    create_missing_label=_("Créer les axes et les études manquants"),
)


def recommendation_import(request, code):
    return import_views.import_page(request, code, SPEC)


def recommendation_import_apply(request, code):
    return import_views.apply_page(request, code, SPEC)


def recommendation_import_template(request, code, fmt):
    return import_views.template_file(request, code, fmt, SPEC)


def recommendation_export(request, code, fmt):
    return import_views.export_file(request, code, fmt, SPEC)
