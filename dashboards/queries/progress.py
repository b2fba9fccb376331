"""Per-axis progress and budget, coverage funnel, progress over time."""

import dataclasses
import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Lag
from django.utils import timezone

from actions.models import (
    ActionRecommendation,
    ActionStatus,
    ProgressUpdate,
)
from actions.queries import late_q, stale_q
from dashboards.queries.scope import (
    RETAINED_FAMILY,
    Disposition,
    Scope,
    _mean,
    _not_cancelled,
    _open,
)
from recommendations.queries import ABSORBED

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
