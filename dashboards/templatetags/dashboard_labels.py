"""Labels for the raw choice values that the report's aggregated rows carry."""

import datetime

from django import template
from django.utils.formats import date_format, number_format

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
def tabular(value) -> str:
    """A table cell: numbers grouped by thousands in the active language's format
    (one decimal at most), dates in the short format, None as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float):
        return number_format(
            value, decimal_pos=1 if isinstance(value, float) else None, force_grouping=True
        )
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return value
