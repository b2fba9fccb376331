from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from chantiers.models import Chantier
from recommendations.models import (
    Assessment,
    Criterion,
    PrioritisationRound,
    Recommendation,
    RoundAssessor,
    RoundRecommendation,
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


def rounds_for_chantier(chantier: Chantier) -> QuerySet[PrioritisationRound]:
    """Rounds newest first, with their sizes counted by subqueries (one query)."""

    def count_of(model, link: str, **extra):
        counted = (
            model.objects.filter(**{link: OuterRef("pk")}, **extra)
            .order_by()
            .values(link)
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    return (
        PrioritisationRound.objects.filter(chantier=chantier)
        .select_related("validated_by_meeting", "previous")
        .annotate(
            scope_count=count_of(RoundRecommendation, "round"),
            criteria_count=count_of(Criterion, "round"),
            assessor_count=count_of(RoundAssessor, "round"),
            assessment_count=count_of(Assessment, "criterion__round"),
        )
        .order_by("-opened_on", "-pk")
    )


def round_for_chantier(chantier: Chantier, pk: int) -> PrioritisationRound | None:
    return PrioritisationRound.objects.filter(chantier=chantier, pk=pk).first()


def recommendations_in_round(prioritisation_round: PrioritisationRound) -> QuerySet[Recommendation]:
    """The rows of a round's grid, in one query.

    A round's scope is its RoundRecommendation rows. A round that has none (made before
    scopes existed, or by hand) covers every recommendation of the chantier. An open
    round never shows merged or transferred recommendations (they can no longer be
    scored); a frozen round keeps every recommendation it was frozen with, so that its
    ranking stays the one the committee validated."""
    links = RoundRecommendation.objects.filter(round=prioritisation_round)
    scoped = Exists(links.filter(recommendation=OuterRef("pk")))
    unscoped_round = ~Exists(links)
    qs = Recommendation.objects.filter(chantier_id=prioritisation_round.chantier_id).filter(
        scoped | (unscoped_round & ~Q(disposition__in=ABSORBED))
    )
    if not prioritisation_round.is_frozen:
        qs = qs.exclude(disposition__in=ABSORBED)
    # Only what the round pages show: a round can hold a thousand recommendations, and
    # their verbatim texts are long.
    return (
        qs.select_related("axis")
        .only(
            "chantier_id",
            "code",
            "title",
            "disposition",
            "tier_override",
            "tier_override_justification",
            "axis__name",
            "axis__order",
        )
        .order_by("code")
    )


def eligible_assessors(chantier: Chantier):
    """People who may score in the chantier: its lead and committee members, and
    administrators."""
    from chantiers.models import Membership

    return (
        get_user_model()
        .objects.filter(
            Q(
                memberships__chantier=chantier,
                memberships__role__in=[Membership.Role.LEAD, Membership.Role.COMMITTEE],
            )
            | Q(is_superuser=True, is_active=True)
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def assessors_for_round(prioritisation_round: PrioritisationRound):
    """The round's assessors. A round without an assessor list is open to every
    eligible person; its assessors are then those who scored in it."""
    users = get_user_model().objects.order_by("last_name", "first_name", "username")
    listed = RoundAssessor.objects.filter(round=prioritisation_round)
    scored = Assessment.objects.filter(
        criterion__round=prioritisation_round, assessor=OuterRef("pk")
    )
    return users.filter(
        Exists(listed.filter(assessor=OuterRef("pk"))) | (~Exists(listed) & Exists(scored))
    )


def round_admits(
    prioritisation_round: PrioritisationRound, *, recommendation_id: int, assessor_id: int
) -> tuple[bool, bool]:
    """(recommendation in scope, person among the assessors), in one query; an empty
    scope or assessor list admits everyone (see recommendations_in_round)."""
    row = PrioritisationRound.objects.filter(pk=prioritisation_round.pk).aggregate(
        scope=Count("scope_links", distinct=True),
        in_scope=Count(
            "scope_links",
            filter=Q(scope_links__recommendation_id=recommendation_id),
            distinct=True,
        ),
        assessors=Count("assessor_links", distinct=True),
        is_assessor=Count(
            "assessor_links", filter=Q(assessor_links__assessor_id=assessor_id), distinct=True
        ),
    )
    return (
        not row["scope"] or bool(row["in_scope"]),
        not row["assessors"] or bool(row["is_assessor"]),
    )


def scored_cells_by_assessor(prioritisation_round: PrioritisationRound) -> dict[int, int]:
    """{assessor id: number of cells scored} over the round's current scope."""
    rows = (
        Assessment.objects.filter(
            criterion__round=prioritisation_round,
            recommendation__in=recommendations_in_round(prioritisation_round).values("pk"),
        )
        .order_by()
        .values("assessor_id")
        .annotate(n=Count("pk"))
    )
    return {row["assessor_id"]: row["n"] for row in rows}


def assessments_by(prioritisation_round: PrioritisationRound, user) -> dict[tuple[int, int], dict]:
    """{(recommendation id, criterion id): {score, rationale}} of one assessor."""
    rows = Assessment.objects.filter(
        criterion__round=prioritisation_round, assessor=user
    ).values_list("recommendation_id", "criterion_id", "score", "rationale")
    return {
        (rec_id, crit_id): {"score": score, "rationale": rationale}
        for rec_id, crit_id, score, rationale in rows
    }


def assessments_for_round(prioritisation_round: PrioritisationRound) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(criterion__round=prioritisation_round)
        .select_related("assessor")
        .order_by("recommendation_id", "criterion_id", "assessor_id")
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
    rows = (
        qs.order_by()
        .values("recommendation_id", "criterion_id")
        .annotate(mean=Avg("score"), low=Min("score"), high=Max("score"), n=Count("id"))
        .values_list("recommendation_id", "criterion_id", "mean", "low", "high", "n")
    )
    return [
        CriterionConsensus(
            recommendation_id=rec_id,
            criterion_id=criterion_id,
            mean=Decimal(str(mean)),
            spread=high - low,
            assessors=n,
        )
        for rec_id, criterion_id, mean, low, high, n in rows
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


@dataclass
class RoundTable:
    """Everything a round's grid, comparison, sensitivity view and export need, read
    in three queries (criteria, recommendations, consensus) whatever the round's size,
    with the results computed by recommendations.priority."""

    round: PrioritisationRound
    criteria: list[Criterion]
    recommendations: list[Recommendation]
    consensus: dict[tuple[int, int], CriterionConsensus]
    means: dict[int, dict[int, Decimal]]
    results: dict  # {recommendation id: priority.Result}

    @property
    def specs(self):
        from recommendations import priority

        return [priority.CriterionSpec.of(c) for c in self.criteria]

    def means_by_code(self) -> dict[int, dict[str, Decimal]]:
        code = {c.pk: c.code for c in self.criteria}
        return {
            rec_id: {code[crit_id]: mean for crit_id, mean in by_crit.items() if crit_id in code}
            for rec_id, by_crit in self.means.items()
        }


def round_table(prioritisation_round: PrioritisationRound) -> RoundTable:
    from recommendations import priority

    criteria = list(criteria_for_round(prioritisation_round))
    recs = list(recommendations_in_round(prioritisation_round))
    rows = consensus_for_round(prioritisation_round)
    consensus = {(row.recommendation_id, row.criterion_id): row for row in rows}
    means = means_by_recommendation(rows)
    results = priority.round_results(
        means,
        [r.pk for r in recs],
        [priority.CriterionSpec.of(c) for c in criteria],
        p1=prioritisation_round.p1_threshold,
        p2=prioritisation_round.p2_threshold,
    )
    return RoundTable(
        round=prioritisation_round,
        criteria=criteria,
        recommendations=recs,
        consensus=consensus,
        means=means,
        results=results,
    )


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
