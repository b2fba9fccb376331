"""Prioritisation matrix, Gantt timeline, partner engagement, indicators."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from actions.models import (
    ActionPartner,
    ActionStatus,
    Indicator,
    Measurement,
)
from actions.queries import late_q
from dashboards.queries.scope import (
    GANTT_LIMIT,
    INDICATOR_LIMIT,
    MATRIX_LIMIT,
    PARTNER_ORGANISATION_LIMIT,
    STAGE_LEVEL,
    Scope,
    _float,
    _open,
)
from recommendations.queries import ABSORBED

# ---------------------------------------------------------------------------
# Prioritisation matrix (two queries)


@dataclass(frozen=True)
class MatrixPoint:
    recommendation_id: int
    code: str
    title: str
    x: float
    y: float
    score: float | None
    tier: str


def matrix_points(
    scope: Scope, *, x_criterion, y_criterion, limit: int = MATRIX_LIMIT
) -> tuple[list[MatrixPoint], int]:
    """The consensus (mean of assessors) of each recommendation on two criteria of a
    round, for the `limit` best-scored recommendations scored on both; and how many
    were scored on both."""
    pair = (x_criterion.pk, y_criterion.pk)
    qs = (
        scope.recommendations()
        .exclude(disposition__in=ABSORBED)
        .filter(assessments__criterion__in=pair)
        .annotate(
            mx=Avg("assessments__score", filter=Q(assessments__criterion=x_criterion.pk)),
            my=Avg("assessments__score", filter=Q(assessments__criterion=y_criterion.pk)),
        )
        .filter(mx__isnull=False, my__isnull=False)
    )
    total = qs.count()
    rows = qs.order_by(F("score").desc(nulls_last=True), "code").values(
        "id", "code", "title", "mx", "my", "score", "tier"
    )[:limit]
    points = [
        MatrixPoint(
            recommendation_id=r["id"],
            code=r["code"],
            title=r["title"],
            x=round(float(r["mx"]), 2),
            y=round(float(r["my"]), 2),
            score=_float(r["score"]),
            tier=r["tier"],
        )
        for r in rows
    ]
    return points, total


# ---------------------------------------------------------------------------
# Gantt timeline (two queries)


@dataclass(frozen=True)
class GanttRow:
    action_id: int
    code: str
    title: str
    start: datetime.date
    due: datetime.date
    status: str
    percent: int
    late: bool


def gantt_rows(
    scope: Scope, *, limit: int = GANTT_LIMIT, today: datetime.date | None = None
) -> tuple[list[GanttRow], int]:
    """The `limit` most relevant dated actions: late first, then at risk or blocked,
    then the other open ones, then closed; within each, the nearest due date first.
    Returns them and the number of dated actions."""
    today = today or timezone.localdate()
    qs = scope.actions().filter(start_date__isnull=False, due_date__isnull=False)
    total = qs.count()
    urgency = Case(
        When(late_q(today), then=Value(0)),
        When(status__in=(ActionStatus.AT_RISK, ActionStatus.BLOCKED), then=Value(1)),
        When(_open(), then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    late = Case(
        When(late_q(today), then=Value(True)), default=Value(False), output_field=BooleanField()
    )
    rows = (
        qs.annotate(urgency=urgency, is_late=late)
        .order_by("urgency", "due_date", "code")
        .values(
            "id", "code", "title", "start_date", "due_date", "status", "percent_complete", "is_late"
        )[:limit]
    )
    return [
        GanttRow(
            action_id=r["id"],
            code=r["code"],
            title=r["title"],
            start=r["start_date"],
            due=r["due_date"],
            status=r["status"],
            percent=r["percent_complete"],
            late=bool(r["is_late"]),
        )
        for r in rows
    ], total


# ---------------------------------------------------------------------------
# Partner engagement (one query)


@dataclass(frozen=True)
class EngagementCell:
    organisation_id: int
    organisation: str
    axis_id: int | None
    level: int  # STAGE_LEVEL of the most advanced partnership
    partnerships: int

    @property
    def stage(self) -> str:
        return next(s for s, level in STAGE_LEVEL.items() if level == self.level)


def partner_engagement(
    scope: Scope, *, limit: int = PARTNER_ORGANISATION_LIMIT
) -> tuple[list[EngagementCell], int]:
    """Organisation × axis: the most advanced commitment stage and the number of
    partnerships, for the `limit` organisations with the most partnerships; and the
    number of organisations involved."""
    level = Max(
        Case(
            *[When(stage=stage, then=Value(n)) for stage, n in STAGE_LEVEL.items()],
            output_field=IntegerField(),
        )
    )
    rows = (
        ActionPartner.objects.filter(action__in=scope.actions())
        .values("organisation_id", "organisation__name", "organisation__acronym", "action__axis_id")
        .annotate(level=level, n=Count("id"))
    )
    cells = [
        EngagementCell(
            organisation_id=r["organisation_id"],
            organisation=r["organisation__acronym"] or r["organisation__name"],
            axis_id=r["action__axis_id"],
            level=r["level"],
            partnerships=r["n"],
        )
        for r in rows
    ]
    per_org = defaultdict(int)
    for cell in cells:
        per_org[(cell.organisation, cell.organisation_id)] += cell.partnerships
    kept = sorted(per_org, key=lambda key: (-per_org[key], key[0]))[:limit]
    kept_ids = {org_id for _name, org_id in kept}
    order = {org_id: i for i, (_name, org_id) in enumerate(kept)}
    cells = sorted(
        (c for c in cells if c.organisation_id in kept_ids),
        key=lambda c: (order[c.organisation_id], c.axis_id or 0),
    )
    return cells, len(per_org)


# ---------------------------------------------------------------------------
# Indicators against their targets (two queries)


@dataclass(frozen=True)
class IndicatorRow:
    indicator_id: int
    name: str
    unit: str
    baseline: float
    target: float
    latest: float | None
    latest_date: datetime.date | None
    action_code: str

    @property
    def progress(self) -> float | None:
        """How far the latest measurement went from the baseline to the target, in %."""
        if self.latest is None or self.target == self.baseline:
            return None
        return round((self.latest - self.baseline) / (self.target - self.baseline) * 100, 1)


def indicator_rows(scope: Scope, *, limit: int = INDICATOR_LIMIT) -> tuple[list[IndicatorRow], int]:
    """Indicators with their latest measurement. With a filter, only the indicators of
    the filtered actions (chantier-wide indicators have no axis)."""
    qs = Indicator.objects.filter(chantier=scope.chantier)
    if scope.is_filtered:
        qs = qs.filter(action__in=scope.actions())
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-date")
    total = qs.count()
    rows = (
        qs.annotate(
            latest=Subquery(latest.values("value")[:1]),
            latest_date=Subquery(latest.values("date")[:1]),
        )
        .order_by("name", "pk")
        .values(
            "id", "name", "unit", "baseline", "target", "latest", "latest_date", "action__code"
        )[:limit]
    )
    return [
        IndicatorRow(
            indicator_id=r["id"],
            name=r["name"],
            unit=r["unit"],
            baseline=float(r["baseline"]),
            target=float(r["target"]),
            latest=_float(r["latest"]),
            latest_date=r["latest_date"],
            action_code=r["action__code"] or "",
        )
        for r in rows
    ], total
