"""Shared by the dashboard queries: the page's scope (chantier and filters), the
constants and the small helpers."""

from dataclasses import dataclass

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
)

from actions.models import (
    CLOSED_STATUSES,
    Action,
    ActionPartner,
    ActionRecommendation,
    ActionStatus,
)
from chantiers.models import Chantier
from recommendations.models import Recommendation, StrategicAxis, Tier

Disposition = Recommendation.Disposition
# A recommendation the committee kept: retained, being implemented or implemented.
RETAINED_FAMILY = (Disposition.RETAINED, Disposition.IN_IMPLEMENTATION, Disposition.IMPLEMENTED)
ENGAGED_STAGES = (ActionPartner.Stage.COMMITTED, ActionPartner.Stage.ACTIVE)
# How far a partner has gone; withdrawn is below "identified".
STAGE_LEVEL = {
    ActionPartner.Stage.WITHDRAWN: 0,
    ActionPartner.Stage.IDENTIFIED: 1,
    ActionPartner.Stage.APPROACHED: 2,
    ActionPartner.Stage.INTERESTED: 3,
    ActionPartner.Stage.COMMITTED: 4,
    ActionPartner.Stage.ACTIVE: 5,
}
# Caps that keep the figure JSON of a page small at any scale (DESIGN §7).
MATRIX_LIMIT = 300
GANTT_LIMIT = 40
PARTNER_ORGANISATION_LIMIT = 25
INDICATOR_LIMIT = 30
REPORT_LIST_LIMIT = 100
# Tiers of the filter, plus "not prioritised yet".
TIER_CHOICES = Tier.values


def _not_cancelled() -> Q:
    return ~Q(status=ActionStatus.CANCELLED)


def _open() -> Q:
    return ~Q(status__in=CLOSED_STATUSES)


def _float(value) -> float | None:
    return None if value is None else float(value)


def _mean(total, count) -> float | None:
    return round(float(total) / count, 1) if count else None


# ---------------------------------------------------------------------------
# Scope: the filters of the chantier dashboard


@dataclass(frozen=True)
class Scope:
    """The chantier and the dashboard filters: the same scope feeds every figure of the
    page. `axes` are the chantier's axes (loaded once), `axis` the selected one."""

    chantier: Chantier
    axes: tuple[StrategicAxis, ...] = ()
    axis: StrategicAxis | None = None
    tier: str = ""

    @property
    def is_filtered(self) -> bool:
        return bool(self.axis or self.tier)

    def recommendations(self) -> QuerySet[Recommendation]:
        qs = Recommendation.objects.filter(chantier=self.chantier)
        if self.axis:
            qs = qs.filter(axis=self.axis)
        if self.tier:
            qs = qs.filter(tier=self.tier)
        return qs

    def actions(self) -> QuerySet[Action]:
        """Actions of the axis; with a tier, the actions serving a recommendation of
        that tier."""
        qs = Action.objects.filter(chantier=self.chantier)
        if self.axis:
            qs = qs.filter(axis=self.axis)
        if self.tier:
            qs = qs.filter(
                Exists(
                    ActionRecommendation.objects.filter(
                        action=OuterRef("pk"), recommendation__tier=self.tier
                    )
                )
            )
        return qs

    def shown_axes(self) -> tuple[StrategicAxis, ...]:
        return (self.axis,) if self.axis else self.axes


def axes_of(chantier: Chantier) -> tuple[StrategicAxis, ...]:
    return tuple(StrategicAxis.objects.filter(chantier=chantier).order_by("order", "code"))


def scope_for(
    chantier: Chantier,
    *,
    axes: tuple[StrategicAxis, ...] | None = None,
    axis_code: str = "",
    tier: str = "",
) -> Scope:
    """Build the scope from (already validated) filter values; loads the axes (one
    query) unless given."""
    axes = axes_of(chantier) if axes is None else tuple(axes)
    axis = next((a for a in axes if a.code == axis_code), None) if axis_code else None
    return Scope(chantier=chantier, axes=axes, axis=axis, tier=tier if tier in TIER_CHOICES else "")
