"""Aggregates for dashboards and snapshots, computed in the database."""

from django.db.models import Avg, Count, Max

from actions.models import Action
from actions.queries import late_q, stale_cutoff, stale_q
from chantiers.models import Chantier
from recommendations.models import Recommendation


def key_figures(chantier: Chantier) -> dict:
    """The chantier's headline numbers, as frozen in a committee meeting snapshot."""
    dispositions = dict(
        Recommendation.objects.filter(chantier=chantier)
        .values_list("disposition")
        .annotate(n=Count("id"))
        .values_list("disposition", "n")
    )
    tiers = dict(
        Recommendation.objects.filter(chantier=chantier)
        .exclude(tier="")
        .values_list("tier")
        .annotate(n=Count("id"))
        .values_list("tier", "n")
    )
    actions = Action.objects.filter(chantier=chantier)
    statuses = dict(
        actions.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    agg = actions.aggregate(
        percent=Avg("percent_complete"),
        last_update=Max("last_update_at"),
        late=Count("id", filter=late_q()),
        stale=Count("id", filter=stale_q(stale_cutoff(chantier))),
    )
    return {
        "recommendations": sum(dispositions.values()),
        "dispositions": dispositions,
        "awaiting_disposition": dispositions.get(Recommendation.Disposition.UNDER_REVIEW, 0),
        "tiers": tiers,
        "actions": sum(statuses.values()),
        "action_statuses": statuses,
        "percent_complete": round(agg["percent"], 1) if agg["percent"] is not None else None,
        "late": agg["late"],
        "stale": agg["stale"],
        "last_update": agg["last_update"].isoformat() if agg["last_update"] else None,
    }
