"""The priority arithmetic, without the database, so that the workspace, the round
comparison and the weight-sensitivity view all compute exactly the same numbers.

A recommendation's score in a round:
- each criterion's value is the mean of the assessors' scores (1–5);
- that value is placed on 0–1 along the criterion's scale, inverted when lower is better;
- the score is the weighted mean of those positions over the criteria that have at
  least one assessment, times 100. It is absolute: it never depends on the other
  recommendations, so a score in last month's minutes stays the same.
Rank is standard competition ranking (1, 2, 2, 4) on the rounded score; tier comes
from the round's thresholds (score ≥ P1 threshold → P1, ≥ P2 threshold → P2, else P3).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from recommendations.models import SCALE_MAX, SCALE_MIN, Criterion, Tier

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    weight: Decimal
    lower_is_better: bool

    @classmethod
    def of(cls, criterion: Criterion) -> "CriterionSpec":
        return cls(
            id=criterion.pk,
            weight=Decimal(criterion.weight),
            lower_is_better=criterion.direction == Criterion.Direction.LOWER_IS_BETTER,
        )


def position(mean: Decimal, *, lower_is_better: bool) -> Decimal:
    """Where a 1–5 mean sits on 0–1, 1 being best."""
    span = Decimal(SCALE_MAX - SCALE_MIN)
    if lower_is_better:
        return (Decimal(SCALE_MAX) - mean) / span
    return (mean - Decimal(SCALE_MIN)) / span


def weighted_score(
    means: Mapping[int, Decimal], criteria: Iterable[CriterionSpec]
) -> Decimal | None:
    """Score 0–100 from {criterion_id: mean score}; None when nothing was scored."""
    total_weight = Decimal(0)
    total = Decimal(0)
    for spec in criteria:
        mean = means.get(spec.id)
        if mean is None:
            continue
        total += spec.weight * position(Decimal(mean), lower_is_better=spec.lower_is_better)
        total_weight += spec.weight
    if not total_weight:
        return None
    return (total / total_weight * 100).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def tier_for(score: Decimal | None, *, p1: Decimal, p2: Decimal) -> str:
    if score is None:
        return ""
    if score >= p1:
        return Tier.P1
    if score >= p2:
        return Tier.P2
    return Tier.P3


def ranks(scores: Mapping[int, Decimal | None]) -> dict[int, int]:
    """Standard competition ranking of {id: score}, best first; unscored ids get no rank."""
    ordered = sorted((s for s in scores.values() if s is not None), reverse=True)
    first_position = {}
    for index, score in enumerate(ordered, start=1):
        first_position.setdefault(score, index)
    return {pk: first_position[s] for pk, s in scores.items() if s is not None}
