from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Max, Min, Q, QuerySet

from chantiers.models import Chantier
from recommendations.models import (
    Assessment,
    Criterion,
    PrioritisationRound,
    Recommendation,
    StrategicAxis,
)

Disposition = Recommendation.Disposition
# Recommendations that no longer stand on their own: they are neither ranked nor
# counted as awaiting a disposition.
ABSORBED = (Disposition.MERGED, Disposition.TRANSFERRED)


def recommendations_for_chantier(
    chantier: Chantier,
    *,
    disposition: str | None = None,
    axis: StrategicAxis | int | None = None,
    tier: str | None = None,
    awaiting_disposition: bool = False,
    search: str = "",
) -> QuerySet[Recommendation]:
    qs = Recommendation.objects.filter(chantier=chantier).select_related(
        "axis", "study", "merged_into"
    )
    if disposition:
        qs = qs.filter(disposition=disposition)
    if axis:
        qs = qs.filter(axis=axis)
    if tier:
        qs = qs.filter(tier=tier)
    if awaiting_disposition:
        qs = qs.filter(disposition=Disposition.UNDER_REVIEW)
    if search:
        qs = qs.filter(
            Q(code__icontains=search) | Q(title__icontains=search) | Q(text__icontains=search)
        )
    return qs


def awaiting_disposition_count(chantier: Chantier) -> int:
    return Recommendation.objects.filter(
        chantier=chantier, disposition=Disposition.UNDER_REVIEW
    ).count()


def axes_for_chantier(chantier: Chantier) -> QuerySet[StrategicAxis]:
    return StrategicAxis.objects.filter(chantier=chantier)


def open_round(chantier: Chantier) -> PrioritisationRound | None:
    return PrioritisationRound.objects.filter(
        chantier=chantier, status=PrioritisationRound.Status.OPEN
    ).first()


def current_round(chantier: Chantier) -> PrioritisationRound | None:
    """The round whose results are stored on the recommendations: the most recent
    round that has at least one assessment. Opening a new round therefore does not
    wipe the priorities until its scoring starts."""
    return (
        PrioritisationRound.objects.filter(chantier=chantier, criteria__assessments__isnull=False)
        .order_by("-opened_on", "-pk")
        .distinct()
        .first()
    )


def sources_of(recommendation: Recommendation) -> list[Recommendation]:
    """The recommendation and every recommendation merged into it (transitively): each
    keeps its own verbatim text and study."""
    found = [recommendation]
    frontier = [recommendation.pk]
    while frontier:
        merged = list(
            Recommendation.objects.filter(merged_into__in=frontier).select_related("study")
        )
        found.extend(merged)
        frontier = [r.pk for r in merged]
    return found


@dataclass(frozen=True)
class CriterionConsensus:
    recommendation_id: int
    criterion_id: int
    mean: Decimal
    spread: int
    assessors: int


def consensus_for_round(
    prioritisation_round: PrioritisationRound, *, recommendation_ids=None
) -> list[CriterionConsensus]:
    """Mean, spread (max − min) and number of assessors per recommendation × criterion,
    aggregated in the database in one query."""
    qs = Assessment.objects.filter(criterion__round=prioritisation_round)
    if recommendation_ids is not None:
        qs = qs.filter(recommendation_id__in=recommendation_ids)
    rows = qs.values("recommendation_id", "criterion_id").annotate(
        mean=Avg("score"), low=Min("score"), high=Max("score"), n=Count("id")
    )
    return [
        CriterionConsensus(
            recommendation_id=row["recommendation_id"],
            criterion_id=row["criterion_id"],
            mean=Decimal(str(row["mean"])),
            spread=row["high"] - row["low"],
            assessors=row["n"],
        )
        for row in rows
    ]


def means_by_recommendation(
    consensus: list[CriterionConsensus],
) -> dict[int, dict[int, Decimal]]:
    means: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in consensus:
        means[row.recommendation_id][row.criterion_id] = row.mean
    return means


def criteria_for_round(prioritisation_round: PrioritisationRound) -> QuerySet[Criterion]:
    return Criterion.objects.filter(round=prioritisation_round).order_by("order", "pk")


def action_links_for_recommendation(recommendation: Recommendation):
    """The actions that implement a recommendation, with their owner, in code order."""
    from actions.models import ActionRecommendation

    return (
        ActionRecommendation.objects.filter(recommendation=recommendation)
        .select_related("action", "action__owner")
        .order_by("action__code")
    )


def decisions_for_recommendation(recommendation: Recommendation):
    """Committee decisions that name a recommendation, newest meeting first."""
    from chantiers.models import Decision

    return (
        Decision.objects.filter(recommendations=recommendation)
        .select_related("meeting", "follow_up_owner")
        .order_by("-meeting__date", "-pk")
    )


def assessments_for_recommendation(
    recommendation: Recommendation, prioritisation_round: PrioritisationRound
) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(
            recommendation=recommendation, criterion__round=prioritisation_round
        )
        .select_related("assessor", "criterion")
        .order_by("criterion__order", "criterion__pk", "assessor__username")
    )
