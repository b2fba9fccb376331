"""The round arithmetic of recommendations.priority, without the database: every number
below is computed by hand in the comments."""

from decimal import Decimal as D

from recommendations import priority
from recommendations.priority import CriterionSpec, Result

IMPACT = CriterionSpec(id=1, weight=D(2), lower_is_better=False)
COUT = CriterionSpec(id=2, weight=D(1), lower_is_better=True)


def test_round_results_several_assessors_lower_is_better_ties_and_missing():
    # Means as the database returns them (see rounds_fixtures for the assessors).
    means = {
        11: {1: D(4), 2: D(2)},  # (2×0.75 + 1×0.75) / 3 = 75.00
        12: {1: D(3)},  # impact only: 0.5 → 50.00 (cout missing, left out)
        13: {1: D(3), 2: D(5)},  # (2×0.5 + 1×0) / 3 = 33.33
        15: {1: D(3)},  # 50.00, tied with 12
    }

    results = priority.round_results(
        means, [11, 12, 13, 14, 15], [IMPACT, COUT], p1=D(70), p2=D(50)
    )

    assert results == {
        11: Result(score=D("75.00"), rank=1, tier="P1", criteria_scored=2),
        12: Result(score=D("50.00"), rank=2, tier="P2", criteria_scored=1),
        13: Result(score=D("33.33"), rank=4, tier="P3", criteria_scored=2),
        14: Result(score=None, rank=None, tier="", criteria_scored=0),
        15: Result(score=D("50.00"), rank=2, tier="P2", criteria_scored=1),
    }


def test_round_results_mean_of_three_rounds_half_up():
    # mean 11/3 as SQLite returns it: (3.6666666666666665 − 1) / 4 = 0.66666… → 66.67
    means = {1: {1: D("3.6666666666666665")}}

    results = priority.round_results(means, [1], [IMPACT], p1=D("66.67"), p2=D(50))

    assert results[1].score == D("66.67")
    assert results[1].tier == "P1"  # exactly on the threshold counts as reaching it


def test_score_from_positions_matches_weighted_score():
    means = {1: D("4.5"), 2: D("1.5")}

    direct = priority.weighted_score(means, [IMPACT, COUT])
    via_positions = priority.score_from_positions(
        priority.positions(means, [IMPACT, COUT]), {1: D(2), 2: D(1)}
    )

    # (2 × 0.875 + 1 × 0.875) / 3 = 87.50
    assert direct == via_positions == D("87.50")


def _result(rank, tier):
    return Result(score=D(1), rank=rank, tier=tier, criteria_scored=1)


def test_compare_rounds_moves_and_summary():
    before = {
        1: _result(1, "P1"),
        2: _result(2, "P2"),
        3: _result(4, "P3"),
        4: Result(None, None, "", 0),
        5: _result(2, "P2"),
    }
    after = {
        1: _result(4, "P3"),
        2: _result(1, "P1"),
        3: _result(2, "P2"),
        4: _result(2, "P2"),
        5: Result(None, None, "", 0),
        6: _result(5, "P3"),
    }
    before_means = {1: {"impact": D(4), "cout": D(2)}, 2: {"impact": D(3)}}
    after_means = {1: {"impact": D(2), "cout": D(2)}, 2: {"impact": D(5), "cout": D(1)}}

    moves, summary = priority.compare_rounds(before, after, before_means, after_means)

    by_id = {m.recommendation_id: m for m in moves}
    assert [by_id[i].move for i in (1, 2, 3, 4, 5, 6)] == [-3, 1, 2, None, None, None]
    assert by_id[1].changed_criteria == (("impact", D(4), D(2)),)
    assert by_id[2].changed_criteria == (("cout", None, D(1)), ("impact", D(3), D(5)))
    assert by_id[6].before is None
    assert summary == {
        "up": 2,
        "down": 1,
        "same": 0,
        "newly_ranked": 2,  # 4 (unranked before) and 6 (not in the first round)
        "no_longer_ranked": 1,
        "entered_P1": 1,
        "left_P1": 1,
        "entered_P2": 2,
        "left_P2": 2,
        "entered_P3": 2,
        "left_P3": 1,
    }


# Sensitivity case: A weight 1, B weight 1.05; X = (A 5, B 4), Y = (A 4, B 5), Z = (1, 1).
A = CriterionSpec(id=1, weight=D(1), lower_is_better=False)
B = CriterionSpec(id=2, weight=D("1.05"), lower_is_better=False)
MEANS = {"X": {1: D(5), 2: D(4)}, "Y": {1: D(4), 2: D(5)}, "Z": {1: D(1), 2: D(1)}}


def test_sensitivity_top_1_flips_with_ten_percent():
    # Baseline: X = (1 + 1.05×0.75)/2.05 = 87.20, Y = (0.75 + 1.05)/2.05 = 87.80.
    # A +10 %: X = 1.8875/2.15 = 87.79 > Y = 1.875/2.15 = 87.21 → X enters, Y leaves.
    # A −10 %: X 86.54 < Y 88.46 (stable). B +10 %: X 86.60 < Y 88.40 (stable).
    # B −10 %: X = 1.70875/1.945 = 87.85 > Y = 1.695/1.945 = 87.15 → flip.
    # ±50 %: A +50 % and B −50 % flip; A −50 % and B +50 % do not.
    changes = [D("-0.5"), D("-0.1"), D("0.1"), D("0.5")]

    top, scenarios = priority.sensitivity(MEANS, ["X", "Y", "Z"], [A, B], n=1, changes=changes)

    assert top == {"Y"}
    outcome = {(s.criterion_id, s.change): (s.entering, s.leaving) for s in scenarios}
    assert outcome == {
        (1, D("-0.5")): ((), ()),
        (1, D("-0.1")): ((), ()),
        (1, D("0.1")): ((("X", 1),), (("Y", 2),)),
        (1, D("0.5")): ((("X", 1),), (("Y", 2),)),
        (2, D("-0.5")): ((("X", 1),), (("Y", 2),)),
        (2, D("-0.1")): ((("X", 1),), (("Y", 2),)),
        (2, D("0.1")): ((), ()),
        (2, D("0.5")): ((), ()),
    }
    assert sum(s.stable for s in scenarios) == 4


def test_sensitivity_top_2_is_stable_and_ties_at_the_edge_count():
    top, scenarios = priority.sensitivity(
        MEANS, ["X", "Y", "Z"], [A, B], n=2, changes=[D("-0.1"), D("0.1")]
    )

    assert top == {"X", "Y"}
    assert all(s.stable for s in scenarios)
    # Two recommendations tied at rank 1: a top 1 holds both.
    assert priority.top({"X": 1, "Y": 1, "Z": 3}, 1) == {"X", "Y"}
