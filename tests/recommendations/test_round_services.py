"""Round services and the model guard: scope, assessors, criteria, scoring, freezing,
and the refusal of every write into a frozen round."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from recommendations import services
from recommendations.models import (
    Assessment,
    Criterion,
    PrioritisationRound,
    Recommendation,
    RoundAssessor,
    RoundRecommendation,
)
from recommendations.queries import (
    assessors_for_round,
    consensus_for_round,
    recommendations_in_round,
    round_table,
    scored_cells_by_assessor,
)
from tests.factories import (
    AssessmentFactory,
    CriterionFactory,
    RecommendationFactory,
    RoundFactory,
    UserFactory,
)
from tests.recommendations.rounds_fixtures import *  # noqa: F403
from tests.recommendations.rounds_fixtures import criterion, score


def _codes(qs):
    return sorted(r.code for r in qs)


def test_open_round_scope_is_every_recommendation_not_merged_or_transferred(
    chantier, lead, committee_member, staff, admin_user, recs, other_chantier
):
    services.set_disposition(
        recs["R-004"], by=lead, disposition="merged", into=recs["R-001"], justification="Doublon"
    )
    services.set_disposition(recs["R-005"], by=lead, disposition="transferred", to=other_chantier)

    rnd = services.open_round(chantier, by=lead, name="Ronde 1")

    assert _codes(Recommendation.objects.filter(round_links__round=rnd)) == [
        "R-001",
        "R-002",
        "R-003",
    ]
    # Lead and committee score; staff does not; administrators only when added.
    assert sorted(rnd.assessor_links.values_list("assessor__username", flat=True)) == [
        "committee",
        "lead",
    ]
    link = RoundRecommendation.objects.filter(round=rnd).first()
    assert link.history.get().history_user == lead


def test_open_round_copies_criteria_weights_thresholds_and_assessors(
    scored_round1, chantier, lead, committee_member, meeting
):
    services.set_thresholds(scored_round1, by=lead, p1=Decimal(80), p2=Decimal(40), spread=3)
    services.set_round_assessors(
        scored_round1,
        by=lead,
        assessors=list(assessors_for_round(scored_round1)),
    )
    services.freeze_round(scored_round1, by=lead, meeting=meeting)

    rnd2 = services.open_round(chantier, by=lead, name="Ronde 2")

    assert [(c.code, c.name, c.weight, c.direction, c.rubric) for c in rnd2.criteria.all()] == [
        ("impact", "Impact", Decimal("2.00"), "higher", "1 : nul\n5 : majeur"),
        ("cout", "Coût", Decimal("1.00"), "lower", "1 : faible\n5 : très élevé"),
    ]
    assert (rnd2.p1_threshold, rnd2.p2_threshold, rnd2.spread_threshold) == (80, 40, 3)
    assert rnd2.previous == scored_round1
    assert sorted(rnd2.assessor_links.values_list("assessor__username", flat=True)) == [
        "comite2",
        "committee",
        "lead",
    ]
    assert list(rnd2.criteria.values_list("assessments", flat=True).exclude(assessments=None)) == []


def test_only_one_open_round(round1, chantier, lead):
    with pytest.raises(ValidationError) as exc:
        services.open_round(chantier, by=lead, name="Ronde 2")

    assert exc.value.messages == ["Une ronde est déjà ouverte dans ce chantier : figez-la d'abord."]


def test_consensus_mean_spread_and_count(scored_round1, recs):
    rows = {
        (recs_code(recs, r.recommendation_id), c.code): (r.mean, r.spread, r.assessors)
        for r in consensus_for_round(scored_round1)
        for c in [Criterion.objects.get(pk=r.criterion_id)]
    }

    assert rows == {
        ("R-001", "impact"): (Decimal("4.0"), 2, 3),
        ("R-001", "cout"): (Decimal("2.0"), 0, 2),
        ("R-002", "impact"): (Decimal("3.0"), 0, 1),
        ("R-003", "impact"): (Decimal("3.0"), 2, 2),
        ("R-003", "cout"): (Decimal("5.0"), 0, 1),
        ("R-005", "impact"): (Decimal("3.0"), 0, 1),
    }


def recs_code(recs, pk):
    return next(code for code, r in recs.items() if r.pk == pk)


def test_round_table_and_stored_priorities_agree(scored_round1, recs):
    table = round_table(scored_round1)

    computed = {
        code: (table.results[r.pk].score, table.results[r.pk].rank) for code, r in recs.items()
    }
    stored = {
        r.code: (r.score, r.rank)
        for r in Recommendation.objects.filter(pk__in=[x.pk for x in recs.values()])
    }
    assert (
        computed
        == stored
        == {
            "R-001": (Decimal("75.00"), 1),
            "R-002": (Decimal("50.00"), 2),
            "R-003": (Decimal("33.33"), 4),
            "R-004": (None, None),
            "R-005": (Decimal("50.00"), 2),
        }
    )


def test_cells_left_per_assessor(scored_round1, lead, committee_member, comite2):
    # 5 recommendations × 2 criteria = 10 cells each.
    scored = scored_cells_by_assessor(scored_round1)

    assert {u.username: 10 - scored.get(u.pk, 0) for u in assessors_for_round(scored_round1)} == {
        "lead": 5,
        "committee": 6,
        "comite2": 9,
    }


def test_score_refused_outside_scope_or_for_non_assessor(round1, recs, lead, chantier, admin_user):
    late = RecommendationFactory(chantier=chantier, code="R-099")

    with pytest.raises(ValidationError) as outside:
        score(late, round1, "impact", lead, 3)
    with pytest.raises(ValidationError) as stranger:
        score(recs["R-001"], round1, "impact", admin_user, 3)

    assert outside.value.messages == ["R-099 ne fait pas partie de cette ronde."]
    assert stranger.value.messages == ["Vous ne faites pas partie des évaluateurs de cette ronde."]
    assert Assessment.objects.count() == 0


def test_score_out_of_scale_refused(round1, recs, lead):
    for bad in (0, 6, True, "3"):
        with pytest.raises(ValidationError):
            score(recs["R-001"], round1, "impact", lead, bad)

    assert Assessment.objects.count() == 0


def test_withdraw_score_makes_the_cell_missing_again(scored_round1, recs, lead):
    services.withdraw_score(recs["R-002"], criterion=criterion(scored_round1, "impact"), by=lead)

    recs["R-002"].refresh_from_db()
    assert (recs["R-002"].score, recs["R-002"].rank, recs["R-002"].tier) == (None, None, "")
    record = Assessment.history.filter(history_type="-").get()
    assert (record.history_user, record.history_change_reason) == (lead, "Note retirée")


def test_weight_change_rescores_with_reason_in_history(scored_round1, recs, lead):
    impact = criterion(scored_round1, "impact")

    services.set_criterion_weight(impact, by=lead, weight=Decimal(1), reason="Comité du 3 juin")

    # (1×0.5 + 1×0) / 2 = 25.00 ; R-001 stays 75.00.
    recs["R-003"].refresh_from_db()
    assert recs["R-003"].score == Decimal("25.00")
    assert impact.history.first().history_change_reason == "Comité du 3 juin"


def test_thresholds_move_tiers(scored_round1, recs, lead):
    services.set_thresholds(scored_round1, by=lead, p1=Decimal(75.01), p2=Decimal(30), reason="x")

    tiers = dict(Recommendation.objects.values_list("code", "tier"))
    assert tiers == {"R-001": "P2", "R-002": "P2", "R-003": "P2", "R-004": "", "R-005": "P2"}


def test_override_keeps_the_computed_tier_beside_it(scored_round1, recs, lead):
    services.override_tier(recs["R-003"], by=lead, tier="P1", justification="Demande du MEI")

    rec = Recommendation.objects.get(code="R-003")
    assert (rec.tier, rec.computed_tier, rec.tier_override) == ("P1", "P3", "P1")
    # Later recomputations keep the override.
    services.set_thresholds(scored_round1, by=lead, p1=Decimal(90), p2=Decimal(20), reason="x")
    rec.refresh_from_db()
    assert (rec.tier, rec.computed_tier) == ("P1", "P2")


def test_add_change_remove_criterion(round1, recs, lead):
    services.add_criterion(round1, by=lead, code="delai", name="Délai", weight=Decimal(1))
    score(recs["R-001"], round1, "delai", lead, 5)
    delai = criterion(round1, "delai")

    services.change_criterion(
        delai,
        by=lead,
        name="Délai de mise en œuvre",
        rubric="",
        weight=Decimal(3),
        direction="lower",
        order=9,
        reason="Précision",
    )
    assert Recommendation.objects.get(code="R-001").score == Decimal("0.00")
    deleted = services.remove_criterion(delai, by=lead, reason="Redondant")

    assert deleted == 1
    assert Recommendation.objects.get(code="R-001").score is None
    assert list(round1.criteria.values_list("code", flat=True)) == ["impact", "cout"]


def test_add_criterion_duplicate_code_refused(round1, lead):
    with pytest.raises(ValidationError) as exc:
        services.add_criterion(round1, by=lead, code="impact", name="Autre")

    assert exc.value.message_dict == {"code": ["Ce code de critère existe déjà dans cette ronde."]}


def test_scope_change_refuses_removing_scored_recommendations(scored_round1, recs, lead):
    keep = [recs["R-002"], recs["R-003"], recs["R-004"], recs["R-005"]]

    with pytest.raises(ValidationError) as exc:
        services.set_round_scope(scored_round1, by=lead, recommendations=keep)

    assert exc.value.message_dict == {
        "recommendations": [
            "Ces recommandations ont déjà des notes dans la ronde et y restent : R-001."
        ]
    }
    added, removed = services.set_round_scope(
        scored_round1,
        by=lead,
        recommendations=[recs[c] for c in ("R-001", "R-002", "R-003", "R-005")],
    )
    assert (added, removed) == (0, 1)
    assert _codes(recommendations_in_round(scored_round1)) == ["R-001", "R-002", "R-003", "R-005"]
    assert RoundRecommendation.history.filter(history_type="-").get().history_user == lead


def test_assessors_change_refuses_staff_and_removing_who_scored(
    scored_round1, lead, committee_member, comite2, staff
):
    with pytest.raises(ValidationError) as not_eligible:
        services.set_round_assessors(scored_round1, by=lead, assessors=[lead, staff])
    with pytest.raises(ValidationError) as scored:
        services.set_round_assessors(scored_round1, by=lead, assessors=[lead, committee_member])

    assert (
        "staff" in not_eligible.value.messages[0]
        or "Ces personnes ne peuvent pas" in not_eligible.value.messages[0]
    )
    assert scored.value.messages == [
        "Ces personnes ont déjà noté dans la ronde et y restent : Claire Comité."
    ]


def test_round_without_lists_admits_everyone_and_freeze_writes_them(
    chantier, lead, committee_member, meeting
):
    rnd = RoundFactory(chantier=chantier)
    crit = CriterionFactory(round=rnd, code="impact")
    rec = RecommendationFactory(chantier=chantier)
    services.score_recommendation(rec, criterion=crit, by=committee_member, score=4)

    services.freeze_round(rnd, by=lead, meeting=meeting)

    assert list(rnd.scope_links.values_list("recommendation_id", flat=True)) == [rec.pk]
    assert list(rnd.assessor_links.values_list("assessor_id", flat=True)) == [committee_member.pk]
    rnd.refresh_from_db()
    assert (rnd.status, rnd.validated_by_meeting) == ("frozen", meeting)


def test_freeze_refuses_a_meeting_of_another_chantier(round1, lead, other_chantier):
    from tests.factories import MeetingFactory

    with pytest.raises(ValidationError) as exc:
        services.freeze_round(round1, by=lead, meeting=MeetingFactory(chantier=other_chantier))

    assert exc.value.message_dict == {"meeting": ["Cette réunion appartient à un autre chantier."]}


# ---------------------------------------------------------------------------
# A frozen round refuses every write, through services and through the models.


@pytest.fixture
def frozen(scored_round1, lead, meeting):
    services.freeze_round(scored_round1, by=lead, meeting=meeting)
    return PrioritisationRound.objects.get(pk=scored_round1.pk)


FROZEN = "La ronde « Ronde 1 » est figée : ses scores et ses poids ne peuvent plus changer."


def _snapshot():
    return (
        sorted(Assessment.objects.values_list("pk", "score", "rationale")),
        sorted(Criterion.objects.values_list("pk", "code", "weight", "direction", "name")),
        sorted(
            PrioritisationRound.objects.values_list(
                "pk", "p1_threshold", "p2_threshold", "spread_threshold", "status"
            )
        ),
        sorted(RoundRecommendation.objects.values_list("round_id", "recommendation_id")),
        sorted(RoundAssessor.objects.values_list("round_id", "assessor_id")),
    )


@pytest.mark.parametrize(
    "write",
    [
        "score",
        "rescore",
        "withdraw",
        "weight",
        "thresholds",
        "add_criterion",
        "change_criterion",
        "remove_criterion",
        "scope",
        "assessors",
        "freeze_again",
    ],
)
def test_frozen_round_refuses_service(
    write, frozen, recs, lead, committee_member, comite2, meeting
):
    impact = criterion(frozen, "impact")
    before = _snapshot()
    calls = {
        "score": lambda: score(recs["R-004"], frozen, "impact", lead, 4),
        "rescore": lambda: score(recs["R-001"], frozen, "impact", lead, 1),
        "withdraw": lambda: services.withdraw_score(recs["R-001"], criterion=impact, by=lead),
        "weight": lambda: services.set_criterion_weight(
            impact, by=lead, weight=Decimal(5), reason="x"
        ),
        "thresholds": lambda: services.set_thresholds(
            frozen, by=lead, p1=Decimal(90), p2=Decimal(10)
        ),
        "add_criterion": lambda: services.add_criterion(frozen, by=lead, code="x", name="X"),
        "change_criterion": lambda: services.change_criterion(
            impact, by=lead, name="I", rubric="", weight=Decimal(1), direction="higher", order=0
        ),
        "remove_criterion": lambda: services.remove_criterion(impact, by=lead, reason="x"),
        "scope": lambda: services.set_round_scope(frozen, by=lead, recommendations=[recs["R-001"]]),
        "assessors": lambda: services.set_round_assessors(
            frozen, by=lead, assessors=[lead, committee_member, comite2, UserFactory()]
        ),
        "freeze_again": lambda: services.freeze_round(frozen, by=lead, meeting=meeting),
    }

    with pytest.raises(ValidationError) as exc:
        calls[write]()

    assert exc.value.messages == [FROZEN]
    assert _snapshot() == before


def test_frozen_round_refuses_model_saves_and_deletes(frozen, recs, lead):
    impact = criterion(frozen, "impact")
    assessment = Assessment.objects.filter(criterion=impact).first()
    link = RoundRecommendation.objects.filter(round=frozen).first()
    assessor = RoundAssessor.objects.filter(round=frozen).first()
    before = _snapshot()
    attempts = [
        lambda: AssessmentFactory(criterion=impact, recommendation=recs["R-004"], assessor=lead),
        lambda: (setattr(assessment, "score", 1), assessment.save()),
        assessment.delete,
        lambda: (setattr(impact, "weight", 9), impact.save()),
        impact.delete,
        lambda: CriterionFactory(round=frozen),
        link.delete,
        lambda: RoundRecommendation(round=frozen, recommendation=recs["R-004"]).save(),
        assessor.delete,
        lambda: RoundAssessor(round=frozen, assessor=UserFactory()).save(),
        lambda: (setattr(frozen, "p1_threshold", 99), frozen.save()),
        lambda: (setattr(frozen, "status", "open"), frozen.save()),
        frozen.delete,
        recs["R-001"].delete,  # would cascade into the frozen scores
    ]

    for attempt in attempts:
        # A savepoint each: deletes run inside the collector's own atomic block.
        with pytest.raises(ValidationError), transaction.atomic():
            attempt()

    assert _snapshot() == before


def test_frozen_round_refuses_model_clean(frozen, recs):
    impact = criterion(frozen, "impact")

    with pytest.raises(ValidationError):
        Assessment(
            criterion=impact, recommendation=recs["R-004"], assessor_id=1, score=3
        ).full_clean()
    with pytest.raises(ValidationError):
        frozen.full_clean()


def test_frozen_round_keeps_its_scope_after_a_merge(frozen, recs, lead, chantier):
    services.set_disposition(
        recs["R-002"], by=lead, disposition="merged", into=recs["R-001"], justification="Doublon"
    )

    table = round_table(PrioritisationRound.objects.get(pk=frozen.pk))

    assert table.results[recs["R-002"].pk].rank == 2
    assert len(table.recommendations) == 5
