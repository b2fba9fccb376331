"""Action rows for the CSV / XLSX export (same headers as the import)."""

from django.db.models import Prefetch

from actions.importing.columns import partner_text, status_label
from actions.models import ActionPartner, ActionRecommendation


def export_queryset(queryset):
    return queryset.select_related("plan", "axis", "lead_organisation", "owner").prefetch_related(
        Prefetch(
            "recommendation_links",
            queryset=ActionRecommendation.objects.select_related("recommendation").order_by(
                "recommendation__code"
            ),
        ),
        Prefetch(
            "partners",
            queryset=ActionPartner.objects.select_related("organisation").order_by(
                "organisation__name"
            ),
        ),
    )


def export_rows(queryset) -> list[list]:
    """One row per action, in COLUMNS order (same headers as the import)."""
    rows = []
    for action in export_queryset(queryset):
        rows.append(
            [
                action.code,
                action.title,
                action.description,
                action.plan.title,
                ", ".join(link.recommendation.code for link in action.recommendation_links.all()),
                action.axis.name if action.axis_id else "",
                str(action.lead_organisation) if action.lead_organisation_id else "",
                action.owner.username if action.owner_id else "",
                "; ".join(partner_text(p.organisation, p.role) for p in action.partners.all()),
                action.start_date,
                action.due_date,
                action.budget_planned,
                action.budget_spent,
                status_label(action.status),
                action.percent_complete,
                action.completed_on,
            ]
        )
    return rows
