"""Import and export pages of the actions (issue 6); the machinery is shared with the
recommendations in chantiers/import_views.py."""

from django.utils.translation import gettext_lazy as _

from actions import importing
from actions.filters import ActionFilter
from actions.queries import actions_for_chantier
from chantiers import import_views

SPEC = import_views.Spec(
    kind="action",
    title=_("Importer des actions"),
    file_stem="actions",
    columns=importing.COLUMNS,
    run=importing.import_actions,
    export_rows=importing.export_rows,
    queryset=actions_for_chantier,
    filterset=ActionFilter,
    list_url="action-list",
    create_missing_label=_("Créer les axes manquants"),
)


def action_import(request, code):
    return import_views.import_page(request, code, SPEC)


def action_import_apply(request, code):
    return import_views.apply_page(request, code, SPEC)


def action_import_template(request, code, fmt):
    return import_views.template_file(request, code, fmt, SPEC)


def action_export(request, code, fmt):
    return import_views.export_file(request, code, fmt, SPEC)
