"""The priority arithmetic of recommendations/priority.py, checked against numbers
worked out by hand (no database)."""

from decimal import Decimal

import pytest

from recommendations.priority import CriterionSpec, position, ranks, tier_for, weighted_score

IMPACT = CriterionSpec(id=1, weight=Decimal("2"), lower_is_better=False)
COST = CriterionSpec(id=2, weight=Decimal("1"), lower_is_better=True)


@pytest.mark.parametrize(
    ("mean", "expected"),
    [("1", "0"), ("3", "0.5"), ("4", "0.75"), ("5", "1")],
)
def test_position_higher_is_better_maps_1_to_5_onto_0_to_1(mean, expected):
    result = position(Decimal(mean), lower_is_better=False)

    assert result == Decimal(expected)


@pytest.mark.parametrize(
    ("mean", "expected"),
    [("1", "1"), ("2", "0.75"), ("2.5", "0.625"), ("5", "0")],
)
def test_position_lower_is_better_is_inverted(mean, expected):
    result = position(Decimal(mean), lower_is_better=True)

    assert result == Decimal(expected)


def test_weighted_score_weighted_mean_of_positions():
    # impact 4 → 0.75 (weight 2); cost 3, lower is better → 0.5 (weight 1)
    # (2 × 0.75 + 1 × 0.5) / 3 = 0.6666… → 66.67
    means = {1: Decimal("4"), 2: Decimal("3")}

    score = weighted_score(means, [IMPACT, COST])

    assert score == Decimal("66.67")


def test_weighted_score_uses_means_over_assessors():
    # impact scored 4 and 5 → 4.5 → 0.875; cost scored 2 and 3 → 2.5 → 0.625 (inverted)
    # (2 × 0.875 + 1 × 0.625) / 3 = 0.791666… → 79.17
    means = {1: Decimal("4.5"), 2: Decimal("2.5")}

    score = weighted_score(means, [IMPACT, COST])

    assert score == Decimal("79.17")


def test_weighted_score_low_cost_scores_high():
    # cost 1 (cheapest) → 1.0; impact 5 → 1.0: the best possible recommendation
    means = {1: Decimal("5"), 2: Decimal("1")}

    score = weighted_score(means, [IMPACT, COST])

    assert score == Decimal("100.00")


def test_weighted_score_worst_possible_is_zero():
    means = {1: Decimal("1"), 2: Decimal("5")}

    score = weighted_score(means, [IMPACT, COST])

    assert score == Decimal("0.00")


def test_weighted_score_missing_criterion_is_left_out_of_the_weights():
    # only impact scored: 0.75 × 2 / 2 = 0.75 → 75.00 (not 0.75 × 2 / 3 = 50.00)
    means = {1: Decimal("4")}

    score = weighted_score(means, [IMPACT, COST])

    assert score == Decimal("75.00")


def test_weighted_score_nothing_scored_is_none():
    score = weighted_score({}, [IMPACT, COST])

    assert score is None


def test_weighted_score_no_criteria_is_none():
    score = weighted_score({1: Decimal("4")}, [])

    assert score is None


def test_weighted_score_rounds_half_up():
    # mean 1.125 (8 assessors) → 0.03125 → 3.125 → 3.13 (half up, not 3.12)
    single = CriterionSpec(id=1, weight=Decimal("1"), lower_is_better=False)

    score = weighted_score({1: Decimal("1.125")}, [single])

    assert score == Decimal("3.13")


def test_weighted_score_is_absolute_whatever_the_other_recommendations():
    means = {1: Decimal("4"), 2: Decimal("3")}

    alone = weighted_score(means, [IMPACT, COST])
    among_others = [
        weighted_score(m, [IMPACT, COST]) for m in ({1: Decimal("5")}, means, {2: Decimal("1")})
    ]

    assert alone == Decimal("66.67")
    assert among_others == [Decimal("100.00"), Decimal("66.67"), Decimal("100.00")]


def test_ranks_ties_use_standard_competition_ranking():
    scores = {10: Decimal("80"), 11: Decimal("70"), 12: Decimal("70"), 13: Decimal("60")}

    result = ranks(scores)

    assert result == {10: 1, 11: 2, 12: 2, 13: 4}


def test_ranks_unscored_get_no_rank():
    scores = {10: None, 11: Decimal("55.50"), 12: None, 13: Decimal("90")}

    result = ranks(scores)

    assert result == {11: 2, 13: 1}


def test_ranks_all_tied_share_rank_1():
    scores = {1: Decimal("50"), 2: Decimal("50.00"), 3: Decimal("50.0")}

    result = ranks(scores)

    assert result == {1: 1, 2: 1, 3: 1}


def test_ranks_empty_is_empty():
    assert ranks({}) == {}


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ("100", "P1"),
        ("70.00", "P1"),
        ("69.99", "P2"),
        ("50.00", "P2"),
        ("49.99", "P3"),
        ("0", "P3"),
    ],
)
def test_tier_for_thresholds_are_inclusive_lower_bounds(score, expected):
    tier = tier_for(Decimal(score), p1=Decimal("70"), p2=Decimal("50"))

    assert tier == expected


def test_tier_for_unscored_has_no_tier():
    tier = tier_for(None, p1=Decimal("70"), p2=Decimal("50"))

    assert tier == ""
