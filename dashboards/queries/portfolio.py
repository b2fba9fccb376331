"""The portfolio (every chantier side by side) and the key figures frozen in meeting
snapshots, now or as they stood at a past moment."""

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from actions.models import (
    Action,
    ActionPartner,
    ActionRecommendation,
    ActionStatus,
)
from actions.queries import late_q, stale_q
from chantiers.models import Chantier
from dashboards.queries.progress import _axis_aggregates, _axis_rows, _funnel
from dashboards.queries.scope import (
    ENGAGED_STAGES,
    Disposition,
    _mean,
    _not_cancelled,
)
from recommendations.models import Recommendation, StrategicAxis

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
