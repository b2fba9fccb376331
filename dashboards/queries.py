"""Aggregates for the dashboards, the committee report and the meeting snapshots,
computed in the database.

Every function returns plain rows (small dataclasses of numbers and strings) and costs
a fixed number of queries whatever the amount of data: grouping and counting happen
in SQL, Python only reshapes the aggregated rows. Lists that could grow with the data
(Gantt bars, matrix points, report lines) are capped in SQL and come with their total.
"""

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Lag
from django.utils import timezone

from actions.models import (
    CLOSED_STATUSES,
    Action,
    ActionPartner,
    ActionRecommendation,
    ActionStatus,
    Indicator,
    Measurement,
    Milestone,
    ProgressUpdate,
)
from actions.queries import late_q, stale_q
from chantiers.models import Chantier, CommitteeMeeting, Decision
from recommendations.models import Recommendation, StrategicAxis, Tier
from recommendations.queries import ABSORBED

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


# ---------------------------------------------------------------------------
# Per-axis progress, budget, alerts (one query)


@dataclass(frozen=True)
class AxisRow:
    axis_id: int | None
    code: str
    name: str
    actions: int = 0
    active: int = 0  # open: neither done nor cancelled
    counted: int = 0  # not cancelled: the actions the percent is the mean of
    percent_total: int = 0
    late: int = 0
    at_risk: int = 0
    stale: int = 0
    budget_planned: float = 0.0
    budget_spent: float = 0.0

    @property
    def percent(self) -> float | None:
        """Mean percent complete of the axis's actions, cancelled ones left out."""
        return _mean(self.percent_total, self.counted)

    @classmethod
    def from_dict(cls, data: dict) -> "AxisRow":
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def _axis_aggregates(actions, *, today: datetime.date, cutoff: datetime.datetime) -> dict:
    """{axis_id: aggregates} for a queryset of actions (current or historical rows:
    both have the same field names)."""
    rows = actions.values("axis_id").annotate(
        n=Count("pk"),
        active=Count("pk", filter=_open()),
        counted=Count("pk", filter=_not_cancelled()),
        percent_total=Coalesce(Sum("percent_complete", filter=_not_cancelled()), 0),
        late=Count("pk", filter=late_q(today)),
        at_risk=Count("pk", filter=Q(status=ActionStatus.AT_RISK)),
        stale=Count("pk", filter=stale_q(cutoff)),
        planned=Sum("budget_planned"),
        spent=Sum("budget_spent"),
    )
    return {row["axis_id"]: row for row in rows}


def _axis_rows(axes, aggregates: dict, *, no_axis_label: str) -> list[AxisRow]:
    def row(axis_id, code, name):
        agg = aggregates.get(axis_id)
        if agg is None:
            return AxisRow(axis_id=axis_id, code=code, name=name)
        return AxisRow(
            axis_id=axis_id,
            code=code,
            name=name,
            actions=agg["n"],
            active=agg["active"],
            counted=agg["counted"],
            percent_total=agg["percent_total"],
            late=agg["late"],
            at_risk=agg["at_risk"],
            stale=agg["stale"],
            budget_planned=float(agg["planned"] or 0),
            budget_spent=float(agg["spent"] or 0),
        )

    rows = [row(a.pk, a.code, a.name) for a in axes]
    if None in aggregates:
        rows.append(row(None, "", no_axis_label))
    return rows


def axis_rows(scope: Scope, *, now: datetime.datetime | None = None) -> list[AxisRow]:
    """One row per axis of the scope (axes without any action included, with zeros),
    plus a row for actions without an axis when there are some. One query."""
    from django.utils.translation import gettext as _

    now = now or timezone.now()
    aggregates = _axis_aggregates(
        scope.actions(),
        today=timezone.localdate(now),
        cutoff=now - datetime.timedelta(days=scope.chantier.reporting_period_days),
    )
    if scope.axis:
        aggregates = {k: v for k, v in aggregates.items() if k == scope.axis.pk}
    return _axis_rows(scope.shown_axes(), aggregates, no_axis_label=_("Sans axe"))


def totals(rows: list[AxisRow]) -> AxisRow:
    """The whole scope, summed from the per-axis rows (so the headline numbers are
    exactly the sum of the figure's)."""
    sums = {
        f.name: sum(getattr(r, f.name) for r in rows)
        for f in dataclasses.fields(AxisRow)
        if f.name not in ("axis_id", "code", "name")
    }
    return AxisRow(axis_id=None, code="", name="", **sums)


def axes_without_active_action(rows: list[AxisRow]) -> list[AxisRow]:
    return [r for r in rows if r.axis_id is not None and r.active == 0]


# ---------------------------------------------------------------------------
# Coverage funnel (one query)


@dataclass(frozen=True)
class Funnel:
    recommendations: int = 0  # standing on their own: merged/transferred left out
    retained: int = 0  # retained, in implementation or implemented
    with_action: int = 0  # retained and served by at least one non-cancelled action
    implemented: int = 0
    awaiting: int = 0  # still "under review": no disposition yet

    @classmethod
    def from_dict(cls, data: dict) -> "Funnel":
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def _funnel(recommendations, links) -> Funnel:
    has_action = Exists(links.filter(recommendation_id=OuterRef("id")))
    agg = (
        recommendations.exclude(disposition__in=ABSORBED)
        .annotate(has_action=has_action)
        .aggregate(
            recommendations=Count("id"),
            retained=Count("id", filter=Q(disposition__in=RETAINED_FAMILY)),
            with_action=Count("id", filter=Q(disposition__in=RETAINED_FAMILY, has_action=True)),
            implemented=Count("id", filter=Q(disposition=Disposition.IMPLEMENTED)),
            awaiting=Count("id", filter=Q(disposition=Disposition.UNDER_REVIEW)),
        )
    )
    return Funnel(**agg)


def coverage_funnel(scope: Scope) -> Funnel:
    # Driven by the recommendation (its index), not by the chantier's actions: SQLite
    # otherwise scans every action of the chantier for every recommendation.
    links = ActionRecommendation.objects.exclude(action__status=ActionStatus.CANCELLED)
    return _funnel(scope.recommendations(), links)


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
# Progress over time, from the update log (two queries)


@dataclass(frozen=True)
class MonthPoint:
    month: datetime.date  # first day of the month
    percent: float | None  # mean percent complete at the end of the month
    actions: int  # actions counted that month


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _month_ends(first: datetime.date, last: datetime.date) -> list[datetime.datetime]:
    """The local midnight that ends each month from `first`'s to `last`'s."""
    ends, month = [], first.replace(day=1)
    while month <= last:
        month = _next_month(month)
        ends.append(timezone.make_aware(datetime.datetime.combine(month, datetime.time())))
    return ends


def _sums_before(inner: QuerySet, value_sql: str, moment_column: str, ends: list) -> list:
    """SUM(value) over the rows of `inner` dated before each of `ends`, in one query.
    The cumulative sums are computed by the database as one conditional SUM per month,
    over `inner` as a derived table (the ORM cannot aggregate over a window function)."""
    inner_sql, inner_params = inner.query.sql_with_params()
    sums = ", ".join(
        f"COALESCE(SUM(CASE WHEN t.{moment_column} < %s THEN {value_sql} ELSE 0 END), 0)"
        for _end in ends
    )
    params = [connection.ops.adapt_datetimefield_value(end) for end in ends]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sums} FROM ({inner_sql}) t", [*params, *inner_params])
        return list(cursor.fetchone())


def monthly_progress(scope: Scope, *, today: datetime.date | None = None) -> list[MonthPoint]:
    """Mean percent complete of the scope's actions at the end of each month, from the
    first update to this month. An action counts from its creation or its first update,
    whichever comes first, at 0 % until its first update; cancelled actions are left
    out. In SQL: each update's change from the previous update of its action (a window
    function), summed up to each month's end; and the actions counted by then.
    Three queries whatever the volume."""
    today = today or timezone.localdate()
    actions = scope.actions().filter(_not_cancelled())
    updates = ProgressUpdate.objects.filter(action__in=actions)
    first = updates.aggregate(first=Min("created_at"))["first"]
    if first is None:
        return []
    ends = _month_ends(timezone.localdate(first), today)
    changes = updates.annotate(
        previous=Window(
            Lag("percent_complete"),
            partition_by=[F("action_id")],
            order_by=[F("created_at").asc(), F("pk").asc()],
        )
    ).values("created_at", "percent_complete", "previous")
    totals = _sums_before(
        changes, "t.percent_complete - COALESCE(t.previous, 0)", "created_at", ends
    )
    # One row per action (no values() before the annotations: it would regroup them).
    starts = (
        actions.annotate(first_update=Min("updates__created_at"))
        .annotate(
            counted_from=Case(
                When(first_update__lt=F("created_at"), then=F("first_update")),
                default=F("created_at"),
            )
        )
        .values("counted_from")
    )
    counts = _sums_before(starts, "1", "counted_from", ends)
    return [
        MonthPoint(
            month=(end - datetime.timedelta(days=1)).date().replace(day=1),
            percent=_mean(total, count),
            actions=count,
        )
        for end, total, count in zip(ends, totals, counts, strict=True)
    ]


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


# ---------------------------------------------------------------------------
# Portfolio: every chantier side by side (four queries)


@dataclass
class PortfolioRow:
    chantier_id: int
    code: str
    name: str
    dispositions: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    counted: int = 0
    percent_total: int = 0
    late: int = 0
    at_risk: int = 0
    stale: int = 0
    last_update: datetime.datetime | None = None

    @property
    def recommendations(self) -> int:
        return sum(self.dispositions.values())

    @property
    def actions(self) -> int:
        return sum(self.statuses.values())

    @property
    def awaiting(self) -> int:
        return self.dispositions.get(Disposition.UNDER_REVIEW, 0)

    @property
    def percent(self) -> float | None:
        return _mean(self.percent_total, self.counted)


def portfolio_rows(
    chantiers: QuerySet[Chantier], *, now: datetime.datetime | None = None
) -> list[PortfolioRow]:
    """One row per chantier of `chantiers` (the user's scope). Staleness uses each
    chantier's own reporting period: one OR-ed condition per distinct period."""
    now = now or timezone.now()
    listed = list(chantiers.order_by("name").only("pk", "code", "name", "reporting_period_days"))
    rows = {c.pk: PortfolioRow(chantier_id=c.pk, code=c.code, name=c.name) for c in listed}
    if not rows:
        return []
    by_period = defaultdict(list)
    for c in listed:
        by_period[c.reporting_period_days].append(c.pk)
    stale = Q(pk__in=[])
    for days, ids in by_period.items():
        stale |= Q(chantier_id__in=ids) & stale_q(now - datetime.timedelta(days=days))

    for r in (
        Recommendation.objects.filter(chantier_id__in=rows)
        .values("chantier_id", "disposition")
        .annotate(n=Count("id"))
    ):
        rows[r["chantier_id"]].dispositions[r["disposition"]] = r["n"]
    actions = Action.objects.filter(chantier_id__in=rows)
    for r in actions.values("chantier_id", "status").annotate(n=Count("id")):
        rows[r["chantier_id"]].statuses[r["status"]] = r["n"]
    for r in actions.values("chantier_id").annotate(
        counted=Count("id", filter=_not_cancelled()),
        percent_total=Coalesce(Sum("percent_complete", filter=_not_cancelled()), 0),
        late=Count("id", filter=late_q(timezone.localdate(now))),
        at_risk=Count("id", filter=Q(status=ActionStatus.AT_RISK)),
        stale=Count("id", filter=stale),
        last_update=Max("last_update_at"),
    ):
        row = rows[r["chantier_id"]]
        row.counted, row.percent_total = r["counted"], r["percent_total"]
        row.late, row.at_risk, row.stale = r["late"], r["at_risk"], r["stale"]
        row.last_update = r["last_update"]
    return list(rows.values())


# ---------------------------------------------------------------------------
# Key figures, now or as they stood at a past moment (meeting snapshots)


def _as_of(model, moment: datetime.datetime | None, **filters) -> QuerySet:
    """The rows of `model` as they stood at `moment`, from its history table (the latest
    historical record of each object at that moment, deleted objects left out); the
    live table when `moment` is None. Both have the same field names."""
    if moment is None:
        return model.objects.filter(**filters)
    history = model.history.model
    latest = (
        history.objects.filter(id=OuterRef("id"), history_date__lte=moment)
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return (
        history.objects.filter(history_date__lte=moment, **filters)
        .filter(history_id=Subquery(latest))
        .exclude(history_type="-")
    )


def key_figures(chantier: Chantier, *, as_of: datetime.datetime | None = None) -> dict:
    """The chantier's headline numbers, as frozen in a committee meeting snapshot:
    JSON-ready. With `as_of`, the numbers as they stood then, from the history tables.
    A fixed number of queries (eight)."""
    from django.utils.translation import gettext as _

    moment = as_of or timezone.now()
    today = timezone.localdate(moment)
    recs = _as_of(Recommendation, as_of, chantier_id=chantier.pk)
    actions = _as_of(Action, as_of, chantier_id=chantier.pk)
    dispositions = {
        r["disposition"]: r["n"] for r in recs.values("disposition").annotate(n=Count("id"))
    }
    tiers = {
        r["tier"]: r["n"] for r in recs.exclude(tier="").values("tier").annotate(n=Count("id"))
    }
    live_actions = actions.filter(_not_cancelled()).values("id")
    links = _as_of(ActionRecommendation, as_of).filter(action_id__in=live_actions)
    funnel = _funnel(recs, links)
    statuses = {r["status"]: r["n"] for r in actions.values("status").annotate(n=Count("id"))}
    cutoff = moment - datetime.timedelta(days=chantier.reporting_period_days)
    agg = actions.aggregate(
        counted=Count("id", filter=_not_cancelled()),
        percent_total=Sum("percent_complete", filter=_not_cancelled()),
        last_update=Max("last_update_at"),
        late=Count("id", filter=late_q(today)),
        at_risk=Count("id", filter=Q(status=ActionStatus.AT_RISK)),
        stale=Count("id", filter=stale_q(cutoff)),
        planned=Sum("budget_planned"),
        spent=Sum("budget_spent"),
    )
    axes = StrategicAxis.objects.filter(chantier=chantier).order_by("order", "code")
    axis_rows_ = _axis_rows(
        axes,
        _axis_aggregates(actions, today=today, cutoff=cutoff),
        no_axis_label=_("Sans axe"),
    )
    partners = (
        _as_of(ActionPartner, as_of)
        .filter(action_id__in=actions.values("id"), stage__in=ENGAGED_STAGES)
        .count()
    )
    return {
        "as_of": moment.isoformat(),
        "recommendations": sum(dispositions.values()),
        "dispositions": dispositions,
        "awaiting_disposition": dispositions.get(Disposition.UNDER_REVIEW, 0),
        "tiers": tiers,
        "funnel": dataclasses.asdict(funnel),
        "actions": sum(statuses.values()),
        "action_statuses": statuses,
        "percent_complete": _mean(agg["percent_total"] or 0, agg["counted"]),
        "late": agg["late"],
        "at_risk": agg["at_risk"],
        "stale": agg["stale"],
        "last_update": agg["last_update"].isoformat() if agg["last_update"] else None,
        "budget_planned": float(agg["planned"] or 0),
        "budget_spent": float(agg["spent"] or 0),
        "partners_engaged": partners,
        "axes": [dataclasses.asdict(r) for r in axis_rows_],
    }


# ---------------------------------------------------------------------------
# Committee report: what changed between two moments


@dataclass(frozen=True)
class Period:
    """The report covers (since, until]. `since` is None for a chantier's first meeting."""

    since: datetime.datetime | None
    until: datetime.datetime

    @property
    def start(self) -> datetime.datetime:
        return self.since or datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)

    def window(self, field_name: str) -> Q:
        return Q(**{f"{field_name}__gt": self.start, f"{field_name}__lte": self.until})


def _end_of_day(day: datetime.date) -> datetime.datetime:
    midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(midnight)


def meeting_moment(
    meeting: CommitteeMeeting, *, now: datetime.datetime | None = None
) -> datetime.datetime:
    """When a meeting's report stops counting: when it was closed (the snapshot), else
    the end of its day, or now if that is still to come."""
    if meeting.closed_at:
        return meeting.closed_at
    return min(_end_of_day(meeting.date), now or timezone.now())


def report_period(
    meeting: CommitteeMeeting,
    previous: CommitteeMeeting | None,
    *,
    now: datetime.datetime | None = None,
) -> Period:
    """From the previous meeting's moment to this one's: consecutive reports cover
    consecutive, non-overlapping periods."""
    return Period(
        since=meeting_moment(previous, now=now) if previous else None,
        until=meeting_moment(meeting, now=now),
    )


def _state_at(model, field_name: str, moment: datetime.datetime, ref: str = "pk") -> Subquery:
    """The value of `field_name` of the object at `moment`, from its history table."""
    history = model.history.model
    return Subquery(
        history.objects.filter(id=OuterRef(ref), history_date__lte=moment)
        .order_by("-history_date", "-history_id")
        .values(field_name)[:1]
    )


def _changed_in(model, period: Period, ref: str = "pk") -> Exists:
    history = model.history.model
    return Exists(history.objects.filter(period.window("history_date"), id=OuterRef(ref)))


@dataclass(frozen=True)
class Capped:
    """A list shown on the report, capped, with its full size."""

    rows: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _capped(qs, limit: int, mapper=dict) -> Capped:
    return Capped(rows=[mapper(r) for r in qs[:limit]], total=qs.count())


def new_recommendations(
    chantier: Chantier, period: Period, *, limit: int = REPORT_LIST_LIMIT
) -> Capped:
    """Recommendations created during the period (imported, typed or transferred in)."""
    history = Recommendation.history.model
    qs = (
        history.objects.filter(
            period.window("history_date"), chantier_id=chantier.pk, history_type="+"
        )
        .order_by("code")
        .values("id", "code", "title", "axis__name")
    )
    return _capped(qs, limit)


def _recommendation_changes(chantier: Chantier, period: Period) -> QuerySet:
    start, end = period.start, period.until
    return (
        Recommendation.objects.filter(chantier=chantier)
        .filter(_changed_in(Recommendation, period))
        .annotate(
            disposition_before=_state_at(Recommendation, "disposition", start),
            disposition_after=_state_at(Recommendation, "disposition", end),
            tier_before=_state_at(Recommendation, "tier", start),
            tier_after=_state_at(Recommendation, "tier", end),
        )
        .filter(disposition_before__isnull=False)
    )


def recommendation_changes(
    chantier: Chantier, period: Period, *, limit: int = REPORT_LIST_LIMIT
) -> Capped:
    """Recommendations that existed at the start of the period and whose disposition or
    tier differs at its end (net changes: a change undone within the period is not
    listed). Rows: code, title, disposition and tier before and after."""
    qs = (
        _recommendation_changes(chantier, period)
        .filter(~Q(disposition_before=F("disposition_after")) | ~Q(tier_before=F("tier_after")))
        .order_by("code")
        .values(
            "id",
            "code",
            "title",
            "disposition_before",
            "disposition_after",
            "tier_before",
            "tier_after",
        )
    )
    return _capped(qs, limit)


def disposition_transitions(chantier: Chantier, period: Period) -> list[dict]:
    """How many recommendations went from each disposition to each other one during the
    period (net), most frequent first."""
    rows = (
        _recommendation_changes(chantier, period)
        .filter(~Q(disposition_before=F("disposition_after")))
        .values("disposition_before", "disposition_after")
        .annotate(n=Count("id"))
        .order_by("-n", "disposition_before", "disposition_after")
    )
    return list(rows)


def action_progress(
    chantier: Chantier, period: Period, *, limit: int = REPORT_LIST_LIMIT
) -> Capped:
    """Actions with at least one progress update in the period: percent at its start
    (0 before any update) and at its end, number of updates, status at the end. The
    biggest moves first."""
    start, end = period.start, period.until
    updates = ProgressUpdate.objects.filter(action=OuterRef("pk"))

    def latest(moment, field_name):
        return Subquery(
            updates.filter(created_at__lte=moment)
            .order_by("-created_at", "-pk")
            .values(field_name)[:1]
        )

    in_period = updates.filter(period.window("created_at"))
    count = Subquery(
        in_period.order_by().values("action").annotate(c=Count("pk")).values("c")[:1],
        output_field=IntegerField(),
    )
    qs = (
        Action.objects.filter(chantier=chantier)
        .filter(Exists(in_period))
        .annotate(
            percent_before=Coalesce(latest(start, "percent_complete"), Value(0)),
            percent_after=latest(end, "percent_complete"),
            status_after=latest(end, "status"),
            updates_in_period=count,
        )
        .annotate(gain=F("percent_after") - F("percent_before"))
        .order_by("-gain", "code")
        .values(
            "id",
            "code",
            "title",
            "percent_before",
            "percent_after",
            "gain",
            "status_after",
            "updates_in_period",
        )
    )
    return _capped(qs, limit)


def _late_at(prefix: str, day: datetime.date) -> Q:
    status = f"{prefix}_status"
    return (
        Q(**{f"{status}__isnull": False})
        & ~Q(**{f"{status}__in": CLOSED_STATUSES})
        & (Q(**{status: ActionStatus.LATE}) | Q(**{f"{prefix}_due__lt": day}))
    )


def _stale_at(prefix: str, cutoff: datetime.datetime) -> Q:
    status = f"{prefix}_status"
    return (
        Q(**{f"{status}__isnull": False})
        & ~Q(**{f"{status}__in": CLOSED_STATUSES})
        & Q(**{f"{prefix}_news__lt": cutoff})
    )


def _flag(q: Q) -> Case:
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def actions_turned_late_or_stale(
    chantier: Chantier, period: Period, *, limit: int = REPORT_LIST_LIMIT
) -> Capped:
    """Actions late (or stale) at the end of the period that were not at its start
    (including actions created during the period), from the actions' history."""
    period_length = datetime.timedelta(days=chantier.reporting_period_days)
    start, end = period.start, period.until
    states = {}
    for prefix, moment in (("before", start), ("after", end)):
        states[f"{prefix}_status"] = _state_at(Action, "status", moment)
        states[f"{prefix}_due"] = _state_at(Action, "due_date", moment)
        states[f"{prefix}_news"] = Coalesce(
            _state_at(Action, "last_update_at", moment), F("created_at")
        )
    qs = (
        Action.objects.filter(chantier=chantier)
        .annotate(**states)
        .annotate(
            late_before=_flag(_late_at("before", timezone.localdate(start))),
            late_after=_flag(_late_at("after", timezone.localdate(end))),
            stale_before=_flag(_stale_at("before", start - period_length)),
            stale_after=_flag(_stale_at("after", end - period_length)),
        )
        .filter(Q(late_after=True, late_before=False) | Q(stale_after=True, stale_before=False))
        .order_by("code")
        .values(
            "id",
            "code",
            "title",
            "after_status",
            "after_due",
            "after_news",
            "late_before",
            "late_after",
            "stale_before",
            "stale_after",
        )
    )

    def row(r):
        return {
            **r,
            "became_late": r["late_after"] and not r["late_before"],
            "became_stale": r["stale_after"] and not r["stale_before"],
        }

    return _capped(qs, limit, row)


def partners_newly_engaged(
    chantier: Chantier, period: Period, *, limit: int = REPORT_LIST_LIMIT
) -> Capped:
    """Partnerships that reached "committed" or "active" during the period."""
    qs = (
        ActionPartner.objects.filter(action__chantier=chantier)
        .filter(_changed_in(ActionPartner, period))
        .annotate(
            stage_before=_state_at(ActionPartner, "stage", period.start),
            stage_after=_state_at(ActionPartner, "stage", period.until),
        )
        .filter(stage_after__in=ENGAGED_STAGES)
        .filter(Q(stage_before__isnull=True) | ~Q(stage_before__in=ENGAGED_STAGES))
        .order_by("organisation__name", "action__code")
        .values(
            "id",
            "organisation__name",
            "organisation__acronym",
            "action__code",
            "action__title",
            "role",
            "stage_before",
            "stage_after",
        )
    )
    return _capped(qs, limit)


def milestones_reached(
    chantier: Chantier, period: Period, *, limit: int = REPORT_LIST_LIMIT
) -> Capped:
    since_day = timezone.localdate(period.start)
    qs = (
        Milestone.objects.filter(
            action__chantier=chantier,
            reached_on__gt=since_day,
            reached_on__lte=timezone.localdate(period.until),
        )
        .order_by("reached_on", "action__code")
        .values("id", "title", "due_date", "reached_on", "action__code", "action__title")
    )
    return _capped(qs, limit)


def earlier_decisions_to_follow(
    meeting: CommitteeMeeting, period: Period, *, limit: int = REPORT_LIST_LIMIT
) -> Capped:
    """Decisions of earlier meetings of the chantier still open, or whose follow-up
    changed during the period."""
    qs = (
        Decision.objects.filter(meeting__chantier_id=meeting.chantier_id)
        .filter(
            Q(meeting__date__lt=meeting.date)
            | Q(meeting__date=meeting.date, meeting__pk__lt=meeting.pk)
        )
        .filter(
            ~Q(status__in=(Decision.Status.DONE, Decision.Status.CANCELLED))
            | _changed_in(Decision, period)
        )
        .order_by("meeting__date", "pk")
        .values(
            "id",
            "kind",
            "text",
            "status",
            "follow_up",
            "due_date",
            "meeting__date",
            "meeting__title",
            "follow_up_owner__first_name",
            "follow_up_owner__last_name",
            "follow_up_owner__username",
        )
    )
    return _capped(qs, limit)
