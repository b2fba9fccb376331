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
    criteria = list(criteria)
    return score_from_positions(
        positions(means, criteria), {spec.id: spec.weight for spec in criteria}
    )


def positions(
    means: Mapping[int, Decimal], criteria: Iterable[CriterionSpec]
) -> dict[int, Decimal]:
    """{criterion_id: position 0–1} of the criteria that have a mean."""
    return {
        spec.id: position(Decimal(means[spec.id]), lower_is_better=spec.lower_is_better)
        for spec in criteria
        if means.get(spec.id) is not None
    }


def score_from_positions(
    places: Mapping[int, Decimal], weights: Mapping[int, Decimal]
) -> Decimal | None:
    """The weighted mean of positions, 0–100, over the criteria that were scored.
    Every score of the application goes through here, so that the sensitivity
    scenarios compute exactly what the workspace shows."""
    total_weight = Decimal(0)
    total = Decimal(0)
    for criterion_id, weight in weights.items():
        place = places.get(criterion_id)
        if place is None:
            continue
        total += weight * place
        total_weight += weight
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


# ---------------------------------------------------------------------------
# A whole round: results, comparison of two rounds, weight sensitivity.


@dataclass(frozen=True)
class Result:
    score: Decimal | None
    rank: int | None
    tier: str
    criteria_scored: int  # how many of the round's criteria have at least one score


def round_results(
    means: Mapping[int, Mapping[int, Decimal]],
    recommendation_ids: Iterable[int],
    criteria: Iterable[CriterionSpec],
    *,
    p1: Decimal,
    p2: Decimal,
) -> dict[int, Result]:
    """Score, rank (among `recommendation_ids`) and computed tier of each recommendation
    of a round, from {recommendation_id: {criterion_id: mean}}."""
    criteria = list(criteria)
    scores = {pk: weighted_score(means.get(pk, {}), criteria) for pk in recommendation_ids}
    ranked = ranks(scores)
    return {
        pk: Result(
            score=score,
            rank=ranked.get(pk),
            tier=tier_for(score, p1=p1, p2=p2),
            criteria_scored=sum(1 for spec in criteria if spec.id in means.get(pk, {})),
        )
        for pk, score in scores.items()
    }


@dataclass(frozen=True)
class Move:
    recommendation_id: int
    before: Result | None  # None: not in the first round
    after: Result | None  # None: not in the second round
    changed_criteria: tuple[tuple[str, Decimal | None, Decimal | None], ...]

    @property
    def move(self) -> int | None:
        """Places gained (positive) or lost (negative); None unless ranked in both."""
        if self.before and self.after and self.before.rank and self.after.rank:
            return self.before.rank - self.after.rank
        return None


TIER_CODES = (Tier.P1, Tier.P2, Tier.P3)


def compare_rounds(
    before: Mapping[int, Result],
    after: Mapping[int, Result],
    before_means: Mapping[int, Mapping[str, Decimal]],
    after_means: Mapping[int, Mapping[str, Decimal]],
) -> tuple[list[Move], dict[str, int]]:
    """Per recommendation, its results in both rounds and the criteria (by code) whose
    consensus changed; and the summary counts. Means are keyed by criterion code,
    because each round has its own copy of the criteria."""
    moves = []
    for pk in sorted(set(before) | set(after)):
        old_means = before_means.get(pk, {})
        new_means = after_means.get(pk, {})
        changed = tuple(
            (code, old_means.get(code), new_means.get(code))
            for code in sorted(set(old_means) | set(new_means))
            if old_means.get(code) != new_means.get(code)
        )
        moves.append(
            Move(
                recommendation_id=pk,
                before=before.get(pk),
                after=after.get(pk),
                changed_criteria=changed,
            )
        )
    summary = {"up": 0, "down": 0, "same": 0, "newly_ranked": 0, "no_longer_ranked": 0}
    for tier in TIER_CODES:
        summary[f"entered_{tier}"] = summary[f"left_{tier}"] = 0
    for m in moves:
        old_rank = m.before.rank if m.before else None
        new_rank = m.after.rank if m.after else None
        if old_rank and new_rank:
            key = "up" if new_rank < old_rank else "down" if new_rank > old_rank else "same"
            summary[key] += 1
        elif new_rank:
            summary["newly_ranked"] += 1
        elif old_rank:
            summary["no_longer_ranked"] += 1
        old_tier = m.before.tier if m.before else ""
        new_tier = m.after.tier if m.after else ""
        if old_tier != new_tier:
            if new_tier:
                summary[f"entered_{new_tier}"] += 1
            if old_tier:
                summary[f"left_{old_tier}"] += 1
    return moves, summary


@dataclass(frozen=True)
class Scenario:
    criterion_id: int
    change: Decimal  # relative change of the weight, e.g. Decimal("0.10") for +10 %
    entering: tuple[tuple[int, int], ...]  # (recommendation id, rank in the scenario)
    leaving: tuple[tuple[int, int | None], ...]

    @property
    def stable(self) -> bool:
        return not self.entering and not self.leaving


def top(ranked: Mapping[int, int], n: int) -> set[int]:
    """The top n: every recommendation ranked n or better (ties at the edge included)."""
    return {pk for pk, rank in ranked.items() if rank <= n}


def sensitivity(
    means: Mapping[int, Mapping[int, Decimal]],
    recommendation_ids: Iterable[int],
    criteria: Iterable[CriterionSpec],
    *,
    n: int,
    changes: Iterable[Decimal],
) -> tuple[set[int], list[Scenario]]:
    """The top n of a round, and for each criterion and each relative weight change,
    which recommendations enter or leave it. One pass over positions computed once."""
    criteria = list(criteria)
    ids = list(recommendation_ids)
    places = {pk: positions(means.get(pk, {}), criteria) for pk in ids}
    weights = {spec.id: spec.weight for spec in criteria}

    def ranking(w):
        return ranks({pk: score_from_positions(places[pk], w) for pk in ids})

    baseline = top(ranking(weights), n)
    scenarios = []
    for spec in criteria:
        for change in changes:
            moved = {**weights, spec.id: spec.weight * (1 + change)}
            ranked = ranking(moved)
            now = top(ranked, n)
            scenarios.append(
                Scenario(
                    criterion_id=spec.id,
                    change=change,
                    entering=tuple(
                        sorted(((pk, ranked[pk]) for pk in now - baseline), key=lambda x: x[1])
                    ),
                    leaving=tuple(
                        sorted(
                            ((pk, ranked.get(pk)) for pk in baseline - now),
                            key=lambda x: (x[1] is None, x[1] or 0),
                        )
                    ),
                )
            )
    return baseline, scenarios
