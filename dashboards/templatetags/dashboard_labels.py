"""Labels for the raw choice values that the report's aggregated rows carry."""

from django import template

from chantiers.models import Decision
from dashboards import figures

register = template.Library()


@register.filter
def disposition_label(value: str) -> str:
    return figures.disposition_label(value) if value else "—"


@register.filter
def status_label(value: str) -> str:
    return figures.status_label(value) if value else "—"


@register.filter
def stage_label(value: str) -> str:
    return figures.stage_label(value) if value else "—"


@register.filter
def tier_label(value: str | None) -> str:
    return figures.tier_label(value or "")


@register.filter
def decision_kind_label(value: str) -> str:
    return str(Decision.Kind(value).label) if value in Decision.Kind.values else value


@register.filter
def decision_status_label(value: str) -> str:
    return str(Decision.Status(value).label) if value in Decision.Status.values else value


@register.filter
def table_html(table, caption: str = ""):
    """Render a dashboards.panels.Table: {{ chart.table|table_html:chart.title }}."""
    return table.html(caption)
