"""Priority and disposition services, with hand-computed numbers.

Criteria used throughout: `impact` (weight 2, higher is better) and `cost` (weight 1,
lower is better). A 1–5 mean sits on 0–1 as (mean − 1) / 4, or (5 − mean) / 4 when
lower is better; the score is the weighted mean of those positions × 100.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.models import ActionRecommendation
from chantiers.models import DecisionRecommendation
from recommendations import queries, services
from recommendations.models import (
    Assessment,
    Criterion,
    PrioritisationRound,
    Recommendation,
    Tier,
)
from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    AxisFactory,
    ChantierFactory,
    CriterionFactory,
    DecisionFactory,
    RecommendationFactory,
    RoundFactory,
    UserFactory,
)

Disposition = Recommendation.Disposition
JUSTIFICATION = "Décision du comité du 1er juin 2026."


@pytest.fixture
def rnd(chantier):
    return RoundFactory(chantier=chantier, name="Ronde 2026")


@pytest.fixture
def impact(rnd):
    return CriterionFactory(round=rnd, code="impact", name="Impact", weight=Decimal("2"), order=1)


@pytest.fixture
def cost(rnd):
    return CriterionFactory(
        round=rnd,
        code="cout",
        name="Coût",
        weight=Decimal("1"),
        direction=Criterion.Direction.LOWER_IS_BETTER,
        order=2,
    )


@pytest.fixture
def rec(chantier):
    return RecommendationFactory(chantier=chantier, code="R-001")


def score(rec, criterion, by, value):
    return services.score_recommendation(rec, criterion=criterion, by=by, score=value)


def priority_of(rec) -> tuple:
    rec.refresh_from_db()
    return (rec.score, rec.rank, rec.computed_tier, rec.tier)


# --- scores -------------------------------------------------------------------


def test_score_recommendation_stores_weighted_mean_rank_and_tier(rec, impact, cost, lead):
    score(rec, impact, lead, 4)  # 0.75 × 2

    score(rec, cost, lead, 3)  # 0.5 × 1 → 2.0 / 3

    assert priority_of(rec) == (Decimal("66.67"), 1, "P2", "P2")


def test_score_recommendation_uses_mean_over_assessors(rec, impact, cost, lead, committee_member):
    score(rec, impact, lead, 4)
    score(rec, cost, lead, 2)

    score(rec, impact, committee_member, 5)  # impact 4.5 → 0.875
    score(rec, cost, committee_member, 3)  # cost 2.5 → 0.625 (inverted)

    # (2 × 0.875 + 0.625) / 3 = 0.791666…
    assert priority_of(rec) == (Decimal("79.17"), 1, "P1", "P1")


def test_score_recommendation_lower_is_better_criterion_is_inverted(rec, cost, lead):
    score(rec, cost, lead, 2)

    assert priority_of(rec) == (Decimal("75.00"), 1, "P1", "P1")


def test_score_recommendation_missing_criterion_is_left_out_of_weights(rec, impact, cost, lead):
    score(rec, impact, lead, 3)

    # 0.5 × 2 / 2, not 0.5 × 2 / 3
    assert priority_of(rec) == (Decimal("50.00"), 1, "P2", "P2")


def test_recompute_unscored_recommendation_has_no_score_rank_or_tier(chantier, rec, impact, lead):
    unscored = RecommendationFactory(chantier=chantier, code="R-002")

    score(rec, impact, lead, 5)

    assert priority_of(unscored) == (None, None, "", "")
    assert priority_of(rec) == (Decimal("100.00"), 1, "P1", "P1")


def test_score_recommendation_again_replaces_the_assessors_score(rec, impact, lead):
    score(rec, impact, lead, 2)

    assessment = score(rec, impact, lead, 5)

    assert list(Assessment.objects.values_list("pk", "score")) == [(assessment.pk, 5)]
    assert priority_of(rec) == (Decimal("100.00"), 1, "P1", "P1")


def test_score_recommendation_out_of_scale_is_refused(rec, impact, lead):
    with pytest.raises(ValidationError) as exc:
        score(rec, impact, lead, 6)

    assert exc.value.message_dict == {"score": ["La note doit être un entier de 1 à 5."]}
    assert Assessment.objects.count() == 0


def test_score_recommendation_with_criterion_of_other_chantier_is_refused(rec, lead):
    foreign = CriterionFactory(round=RoundFactory(chantier=ChantierFactory()))

    with pytest.raises(ValidationError) as exc:
        score(rec, foreign, lead, 3)

    assert exc.value.messages == ["Ce critère n'appartient pas au chantier de la recommandation."]
    assert Assessment.objects.count() == 0


def test_score_recommendation_merged_is_refused(chantier, rec, impact, lead):
    target = RecommendationFactory(chantier=chantier, code="R-002")
    services.set_disposition(rec, by=lead, disposition=Disposition.MERGED, into=target)

    with pytest.raises(ValidationError) as exc:
        score(rec, impact, lead, 3)

    assert exc.value.messages == ["Une recommandation fusionnée ou transférée ne se note plus."]
    assert Assessment.objects.count() == 0


# --- ranks and tiers ----------------------------------------------------------


def test_recompute_ties_share_a_rank_and_skip_the_next(chantier, impact, lead):
    recs = [RecommendationFactory(chantier=chantier, code=f"R-00{n}") for n in range(1, 5)]

    for rec, value in zip(recs, [5, 4, 4, 3], strict=True):
        score(rec, impact, lead, value)

    assert [priority_of(r)[:2] for r in recs] == [
        (Decimal("100.00"), 1),
        (Decimal("75.00"), 2),
        (Decimal("75.00"), 2),
        (Decimal("50.00"), 4),
    ]


def test_recompute_tiers_follow_thresholds_at_their_boundaries(chantier, rnd, impact, lead):
    services.set_thresholds(rnd, by=lead, p1=Decimal("75"), p2=Decimal("50"))
    recs = [RecommendationFactory(chantier=chantier, code=f"R-00{n}") for n in range(1, 5)]

    for rec, value in zip(recs, [5, 4, 3, 2], strict=True):
        score(rec, impact, lead, value)  # 100, 75, 50, 25

    assert [priority_of(r)[2] for r in recs] == ["P1", "P1", "P2", "P3"]


def test_recompute_merged_recommendation_is_not_ranked(chantier, rec, impact, lead):
    other = RecommendationFactory(chantier=chantier, code="R-002")
    score(rec, impact, lead, 5)
    score(other, impact, lead, 3)

    services.set_disposition(rec, by=lead, disposition=Disposition.MERGED, into=other)

    assert priority_of(rec)[1] is None
    assert priority_of(other)[1] == 1


def test_recompute_unchanged_priorities_saves_nothing(rec, impact, lead):
    score(rec, impact, lead, 4)
    history_rows = rec.history.count()

    changed = services.recompute_priorities(rec.chantier, by=lead)

    assert changed == 0
    assert rec.history.count() == history_rows


def test_recompute_query_count_does_not_grow_with_recommendations(
    chantier, impact, lead, django_assert_num_queries
):
    def add_scored(n):
        rec = RecommendationFactory(chantier=chantier, code=f"R-{n:03d}")
        AssessmentFactory(criterion=impact, recommendation=rec, assessor=lead, score=1 + n % 5)

    add_scored(1)
    with django_assert_num_queries(8):
        services.recompute_priorities(chantier, by=lead)

    for n in range(2, 6):
        add_scored(n)
    with django_assert_num_queries(8):
        changed = services.recompute_priorities(chantier, by=lead)

    assert changed == 5


# --- override -----------------------------------------------------------------


def test_override_tier_with_justification_replaces_computed_tier(rec, impact, lead):
    score(rec, impact, lead, 4)  # 75 → P1

    services.override_tier(rec, by=lead, tier=Tier.P3, justification="Dépend du chantier 2.")

    rec.refresh_from_db()
    assert (rec.computed_tier, rec.tier_override, rec.tier) == ("P1", "P3", "P3")
    assert rec.tier_override_justification == "Dépend du chantier 2."
    last = rec.history.first()
    assert (last.history_user, last.history_change_reason) == (lead, "Dépend du chantier 2.")


def test_override_tier_persists_across_recomputes(rec, impact, lead, committee_member):
    score(rec, impact, lead, 4)
    services.override_tier(rec, by=lead, tier=Tier.P3, justification="Dépend du chantier 2.")

    score(rec, impact, committee_member, 3)  # mean 3.5 → 62.50 → P2

    assert priority_of(rec) == (Decimal("62.50"), 1, "P2", "P3")
    assert rec.tier_override == "P3"


def test_override_tier_without_justification_is_refused(rec, impact, lead):
    score(rec, impact, lead, 4)
    history_rows = rec.history.count()

    with pytest.raises(ValidationError) as exc:
        services.override_tier(rec, by=lead, tier=Tier.P3, justification="   ")

    assert exc.value.message_dict == {
        "justification": ["Expliquez pourquoi le niveau calculé est remplacé."]
    }
    assert priority_of(rec)[3] == "P1"
    assert rec.tier_override == ""
    assert rec.history.count() == history_rows


def test_override_tier_unknown_tier_is_refused(rec, lead):
    with pytest.raises(ValidationError) as exc:
        services.override_tier(rec, by=lead, tier="P9", justification="Pourquoi pas.")

    assert exc.value.message_dict == {"tier": ["Niveau inconnu : P9."]}


def test_override_tier_removed_goes_back_to_computed_tier(rec, impact, lead):
    score(rec, impact, lead, 4)
    services.override_tier(rec, by=lead, tier=Tier.P3, justification="Dépend du chantier 2.")

    services.override_tier(rec, by=lead, tier="", justification="")

    rec.refresh_from_db()
    assert (rec.tier_override, rec.tier_override_justification, rec.tier) == ("", "", "P1")
    assert rec.history.first().history_change_reason == "Retour au niveau calculé"


# --- spread -------------------------------------------------------------------


def test_consensus_for_round_gives_mean_spread_and_assessor_count(
    rnd, rec, impact, cost, lead, committee_member
):
    score(rec, impact, lead, 2)
    score(rec, impact, committee_member, 5)
    score(rec, cost, lead, 3)

    rows = queries.consensus_for_round(rnd)

    assert sorted((r.criterion_id, r.mean, r.spread, r.assessors) for r in rows) == [
        (impact.pk, Decimal("3.5"), 3, 2),
        (cost.pk, Decimal("3"), 0, 1),
    ]
    assert {r.recommendation_id for r in rows} == {rec.pk}


# --- recompute on weight and threshold changes --------------------------------


def test_set_criterion_weight_recomputes_scores_and_ranks(chantier, impact, cost, lead):
    a = RecommendationFactory(chantier=chantier, code="R-001")
    b = RecommendationFactory(chantier=chantier, code="R-002")
    score(a, impact, lead, 5)  # 1.0
    score(a, cost, lead, 5)  # 0.0 → (2 × 1.0 + 0) / 3 = 66.67
    score(b, impact, lead, 2)  # 0.25
    score(b, cost, lead, 1)  # 1.0 → (2 × 0.25 + 1.0) / 3 = 50.00
    assert (priority_of(a)[:2], priority_of(b)[:2]) == (
        (Decimal("66.67"), 1),
        (Decimal("50.00"), 2),
    )

    services.set_criterion_weight(cost, by=lead, weight=Decimal("3"), reason="Budget serré")

    # a: 2 / 5 = 40.00; b: (0.5 + 3) / 5 = 70.00
    assert priority_of(a) == (Decimal("40.00"), 2, "P3", "P3")
    assert priority_of(b) == (Decimal("70.00"), 1, "P1", "P1")
    assert a.history.first().history_change_reason == "Budget serré"


def test_set_criterion_weight_not_positive_is_refused(impact, lead):
    with pytest.raises(ValidationError) as exc:
        services.set_criterion_weight(impact, by=lead, weight=Decimal("0"))

    assert exc.value.message_dict == {"weight": ["Le poids doit être strictement positif."]}
    assert Criterion.objects.get(pk=impact.pk).weight == Decimal("2")


def test_set_thresholds_recomputes_tiers(rnd, rec, impact, lead):
    score(rec, impact, lead, 4)  # 75 → P1 with 70/50

    services.set_thresholds(rnd, by=lead, p1=Decimal("80"), p2=Decimal("60"))

    assert priority_of(rec) == (Decimal("75.00"), 1, "P2", "P2")


def test_set_thresholds_out_of_order_is_refused(rnd, lead):
    with pytest.raises(ValidationError) as exc:
        services.set_thresholds(rnd, by=lead, p1=Decimal("50"), p2=Decimal("60"))

    assert exc.value.message_dict == {
        "p1_threshold": ["Les seuils doivent respecter 0 ≤ seuil P2 < seuil P1 ≤ 100."]
    }
    stored = PrioritisationRound.objects.get(pk=rnd.pk)
    assert (stored.p1_threshold, stored.p2_threshold) == (Decimal("70"), Decimal("50"))


# --- frozen rounds ------------------------------------------------------------

FROZEN_MESSAGE = (
    "La ronde « Ronde 2026 » est figée : ses scores et ses poids ne peuvent plus changer."
)


@pytest.fixture
def frozen(rnd, rec, impact, lead):
    assessment = score(rec, impact, lead, 4)
    services.freeze_round(rnd, by=lead)
    return assessment


def test_freeze_round_sets_status_date_and_meeting(rnd, lead):
    services.freeze_round(rnd, by=lead)

    rnd.refresh_from_db()
    assert rnd.status == "frozen"
    assert rnd.frozen_at is not None
    assert rnd.history.first().history_user == lead


def test_frozen_round_refuses_new_scores(frozen, rec, impact, committee_member):
    with pytest.raises(ValidationError) as exc:
        score(rec, impact, committee_member, 1)

    assert exc.value.messages == [FROZEN_MESSAGE]
    assert list(Assessment.objects.values_list("score", flat=True)) == [4]


def test_frozen_round_refuses_weight_changes(frozen, impact, lead):
    with pytest.raises(ValidationError) as exc:
        services.set_criterion_weight(impact, by=lead, weight=Decimal("5"))

    assert exc.value.messages == [FROZEN_MESSAGE]
    assert Criterion.objects.get(pk=impact.pk).weight == Decimal("2")


def test_frozen_round_refuses_threshold_changes(frozen, rnd, lead):
    with pytest.raises(ValidationError) as exc:
        services.set_thresholds(rnd, by=lead, p1=Decimal("90"), p2=Decimal("10"))

    assert exc.value.messages == [FROZEN_MESSAGE]
    stored = PrioritisationRound.objects.get(pk=rnd.pk)
    assert (stored.p1_threshold, stored.p2_threshold) == (Decimal("70"), Decimal("50"))


def test_frozen_round_refuses_freezing_again(frozen, rnd, lead):
    with pytest.raises(ValidationError) as exc:
        services.freeze_round(rnd, by=lead)

    assert exc.value.messages == [FROZEN_MESSAGE]


def test_frozen_round_model_refuses_criterion_save(frozen, impact):
    impact.weight = Decimal("5")

    with pytest.raises(ValidationError) as exc:
        impact.save()

    assert exc.value.messages == [FROZEN_MESSAGE]
    assert Criterion.objects.get(pk=impact.pk).weight == Decimal("2")


def test_frozen_round_model_refuses_new_criterion(frozen, rnd):
    with pytest.raises(ValidationError) as exc:
        CriterionFactory(round=rnd, code="nouveau")

    assert exc.value.messages == [FROZEN_MESSAGE]
    assert Criterion.objects.filter(round=rnd).count() == 1


def test_frozen_round_model_refuses_criterion_delete(frozen, impact):
    with pytest.raises(ValidationError) as exc:
        impact.delete()

    assert exc.value.messages == [FROZEN_MESSAGE]
    assert Criterion.objects.filter(pk=impact.pk).count() == 1


def test_frozen_round_model_refuses_assessment_save(frozen):
    frozen.score = 1

    with pytest.raises(ValidationError) as exc:
        frozen.save()

    assert exc.value.messages == [FROZEN_MESSAGE]
    assert Assessment.objects.get(pk=frozen.pk).score == 4


def test_frozen_round_model_refuses_assessment_delete(frozen):
    with pytest.raises(ValidationError) as exc:
        frozen.delete()

    assert exc.value.messages == [FROZEN_MESSAGE]
    assert Assessment.objects.count() == 1


def test_frozen_round_model_refuses_assessment_in_full_clean(frozen, rec, impact):
    new = Assessment(criterion=impact, recommendation=rec, assessor=UserFactory(), score=2)

    with pytest.raises(ValidationError) as exc:
        new.full_clean()

    assert exc.value.messages == [FROZEN_MESSAGE]


def test_frozen_round_model_refuses_instances_loaded_before_the_freeze(rnd, rec, impact, lead):
    assessment = score(rec, impact, lead, 4)
    criterion = Criterion.objects.select_related("round").get(pk=impact.pk)
    loaded = Assessment.objects.select_related("criterion__round").get(pk=assessment.pk)
    services.freeze_round(PrioritisationRound.objects.get(pk=rnd.pk), by=lead)
    criterion.weight = Decimal("5")
    loaded.score = 1

    with pytest.raises(ValidationError):
        criterion.save()
    with pytest.raises(ValidationError):
        loaded.save()

    assert Criterion.objects.get(pk=impact.pk).weight == Decimal("2")
    assert Assessment.objects.get(pk=assessment.pk).score == 4


# --- open rounds --------------------------------------------------------------


def test_open_round_first_round_takes_chantier_thresholds(lead):
    chantier = ChantierFactory(p1_threshold=Decimal("80"), p2_threshold=Decimal("40"))

    new = services.open_round(
        chantier, by=lead, name="Ronde 1", opened_on=datetime.date(2026, 2, 1)
    )

    assert (new.status, new.previous, new.p1_threshold, new.p2_threshold) == (
        "open",
        None,
        Decimal("80"),
        Decimal("40"),
    )
    assert new.criteria.count() == 0
    assert new.history.first().history_user == lead


def test_open_round_copies_criteria_and_thresholds_of_previous(chantier, rnd, impact, cost, lead):
    impact.rubric = "1 : aucun effet\n5 : transforme la filière"
    impact.save()
    services.set_thresholds(rnd, by=lead, p1=Decimal("75"), p2=Decimal("45"))
    services.freeze_round(rnd, by=lead)

    new = services.open_round(chantier, by=lead, name="Ronde 2027")

    assert new.previous == rnd
    assert (new.p1_threshold, new.p2_threshold) == (Decimal("75"), Decimal("45"))
    fields = ("code", "name", "rubric", "weight", "direction", "order")
    assert list(new.criteria.values_list(*fields)) == list(rnd.criteria.values_list(*fields))
    assert set(new.criteria.values_list("pk", flat=True)).isdisjoint(
        rnd.criteria.values_list("pk", flat=True)
    )
    assert new.criteria.get(code="cout").history.first().history_change_reason == (
        "Copié de la ronde « Ronde 2026 »"
    )


def test_open_round_copy_can_change_weights_without_touching_frozen_round(
    chantier, rnd, impact, lead
):
    services.freeze_round(rnd, by=lead)
    new = services.open_round(chantier, by=lead, name="Ronde 2027")

    services.set_criterion_weight(new.criteria.get(code="impact"), by=lead, weight=Decimal("7"))

    assert Criterion.objects.get(pk=impact.pk).weight == Decimal("2")
    assert new.criteria.get(code="impact").weight == Decimal("7")


def test_open_round_while_one_is_open_is_refused(chantier, rnd, lead):
    with pytest.raises(ValidationError) as exc:
        services.open_round(chantier, by=lead, name="Ronde en trop")

    assert exc.value.messages == ["Une ronde est déjà ouverte dans ce chantier : figez-la d'abord."]
    assert PrioritisationRound.objects.filter(chantier=chantier).count() == 1


def test_current_round_is_latest_round_with_assessments(chantier, rnd, rec, impact, lead):
    score(rec, impact, lead, 4)
    services.freeze_round(rnd, by=lead)

    new = services.open_round(chantier, by=lead, name="Ronde 2027")

    assert queries.current_round(chantier) == rnd
    assert queries.open_round(chantier) == new
    assert priority_of(rec) == (Decimal("75.00"), 1, "P1", "P1")


def test_current_round_moves_to_new_round_at_its_first_score(chantier, rnd, rec, impact, lead):
    score(rec, impact, lead, 4)
    services.freeze_round(rnd, by=lead)
    new = services.open_round(chantier, by=lead, name="Ronde 2027")

    score(rec, new.criteria.get(code="impact"), lead, 2)

    assert queries.current_round(chantier) == new
    assert priority_of(rec) == (Decimal("25.00"), 1, "P3", "P3")


def test_current_round_without_any_assessment_is_none(chantier, rnd):
    assert queries.current_round(chantier) is None


# --- dispositions -------------------------------------------------------------

ALLOWED = sorted((old, new) for old, targets in services.TRANSITIONS.items() for new in targets)
FORBIDDEN = sorted(
    (old, new)
    for old in Disposition.values
    for new in Disposition.values
    if new not in services.TRANSITIONS[old]
)


def recommendation_in(chantier, disposition, **extra):
    """A recommendation already at `disposition`, with what the constraints require."""
    fields = {"disposition": disposition}
    if disposition in Recommendation.JUSTIFIED_DISPOSITIONS:
        fields["disposition_justification"] = "Justification initiale."
    if disposition == Disposition.MERGED:
        fields["merged_into"] = RecommendationFactory(chantier=chantier, code="R-900")
    if disposition == Disposition.TRANSFERRED:
        fields["transferred_to"] = ChantierFactory()
    return RecommendationFactory(chantier=chantier, **{"code": "R-001"} | fields | extra)


@pytest.mark.parametrize(("old", "new"), ALLOWED, ids=[f"{o}->{n}" for o, n in ALLOWED])
def test_set_disposition_allowed_move_is_applied(chantier, other_chantier, lead, old, new):
    rec = recommendation_in(chantier, old)
    target = RecommendationFactory(chantier=chantier, code="R-002")

    services.set_disposition(
        rec, by=lead, disposition=new, justification=JUSTIFICATION, into=target, to=other_chantier
    )

    stored = Recommendation.objects.get(pk=rec.pk)
    assert stored.disposition == new
    assert stored.disposition_justification == JUSTIFICATION
    assert stored.disposition_date == timezone.localdate()
    last = stored.history.first()
    assert (last.history_user, last.history_change_reason) == (lead, JUSTIFICATION)


@pytest.mark.parametrize(("old", "new"), FORBIDDEN, ids=[f"{o}->{n}" for o, n in FORBIDDEN])
def test_set_disposition_forbidden_move_is_refused(chantier, other_chantier, lead, old, new):
    rec = recommendation_in(chantier, old)
    target = RecommendationFactory(chantier=chantier, code="R-002")
    history_rows = rec.history.count()

    with pytest.raises(ValidationError) as exc:
        services.set_disposition(
            rec,
            by=lead,
            disposition=new,
            justification=JUSTIFICATION,
            into=target,
            to=other_chantier,
        )

    assert exc.value.message_dict == {
        "disposition": [
            f"Impossible de passer de « {Disposition(old).label} » à « {Disposition(new).label} »."
        ]
    }
    assert Recommendation.objects.get(pk=rec.pk).disposition == old
    assert rec.history.count() == history_rows


def test_set_disposition_forbidden_moves_cover_final_states():
    finals = [old for old, targets in services.TRANSITIONS.items() if not targets]

    assert sorted(finals) == ["closed_unimplemented", "implemented", "merged", "transferred"]
    assert len(ALLOWED) + len(FORBIDDEN) == 81


def test_set_disposition_unknown_is_refused(rec, lead):
    with pytest.raises(ValidationError) as exc:
        services.set_disposition(rec, by=lead, disposition="abandoned")

    assert exc.value.message_dict == {"disposition": ["Décision inconnue."]}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (Disposition.UNDER_REVIEW, Disposition.NOT_RETAINED),
        (Disposition.RETAINED, Disposition.CLOSED_UNIMPLEMENTED),
        (Disposition.IN_IMPLEMENTATION, Disposition.CLOSED_UNIMPLEMENTED),
    ],
)
@pytest.mark.parametrize("justification", ["", "  \n "])
def test_set_disposition_without_required_justification_is_refused(
    chantier, lead, old, new, justification
):
    rec = recommendation_in(chantier, old)
    history_rows = rec.history.count()

    with pytest.raises(ValidationError) as exc:
        services.set_disposition(rec, by=lead, disposition=new, justification=justification)

    assert exc.value.message_dict == {
        "justification": ["Une justification est requise pour cette décision."]
    }
    assert Recommendation.objects.get(pk=rec.pk).disposition == old
    assert rec.history.count() == history_rows


def test_set_disposition_retain_with_computed_tier_is_no_override(rec, impact, lead):
    score(rec, impact, lead, 3)  # 50 → P2

    services.set_disposition(rec, by=lead, disposition=Disposition.RETAINED, tier=Tier.P2)

    rec.refresh_from_db()
    assert (rec.disposition, rec.tier_override, rec.tier) == ("retained", "", "P2")


def test_set_disposition_retain_with_other_tier_overrides_with_justification(rec, impact, lead):
    score(rec, impact, lead, 3)  # 50 → P2

    services.set_disposition(
        rec, by=lead, disposition=Disposition.RETAINED, tier=Tier.P1, justification=JUSTIFICATION
    )

    rec.refresh_from_db()
    assert (rec.disposition, rec.computed_tier, rec.tier_override, rec.tier) == (
        "retained",
        "P2",
        "P1",
        "P1",
    )
    assert rec.tier_override_justification == JUSTIFICATION


def test_set_disposition_retain_with_other_tier_without_justification_is_refused(rec, impact, lead):
    score(rec, impact, lead, 3)
    history_rows = rec.history.count()

    with pytest.raises(ValidationError) as exc:
        services.set_disposition(rec, by=lead, disposition=Disposition.RETAINED, tier=Tier.P1)

    assert exc.value.message_dict == {
        "justification": ["Expliquez pourquoi le niveau diffère du niveau calculé."]
    }
    rec.refresh_from_db()
    assert (rec.disposition, rec.tier_override, rec.tier) == ("under_review", "", "P2")
    assert rec.history.count() == history_rows


def test_set_disposition_retain_with_unknown_tier_is_refused(rec, lead):
    with pytest.raises(ValidationError) as exc:
        services.set_disposition(
            rec, by=lead, disposition=Disposition.RETAINED, tier="P9", justification="x"
        )

    assert exc.value.message_dict == {"tier": ["Niveau inconnu : P9."]}
    assert Recommendation.objects.get(pk=rec.pk).disposition == "under_review"


# --- merge --------------------------------------------------------------------


def test_merge_moves_action_and_decision_links_to_target(chantier, rec, lead):
    target = RecommendationFactory(chantier=chantier, code="R-002")
    action = ActionFactory(plan__chantier=chantier)
    decision = DecisionFactory(meeting__chantier=chantier)
    ActionRecommendation.objects.create(action=action, recommendation=rec, contribution="Pilote")
    DecisionRecommendation.objects.create(decision=decision, recommendation=rec)

    services.set_disposition(
        rec, by=lead, disposition=Disposition.MERGED, into=target, justification="Doublon."
    )

    assert list(ActionRecommendation.objects.values_list("recommendation", "contribution")) == [
        (target.pk, "Pilote")
    ]
    assert list(DecisionRecommendation.objects.values_list("recommendation", flat=True)) == [
        target.pk
    ]
    rec.refresh_from_db()
    assert (rec.disposition, rec.merged_into) == ("merged", target)
    deleted = ActionRecommendation.history.filter(history_type="-").get()
    assert (deleted.recommendation_id, deleted.history_user) == (rec.pk, lead)


def test_merge_does_not_duplicate_links_the_target_already_has(chantier, rec, lead):
    target = RecommendationFactory(chantier=chantier, code="R-002")
    action = ActionFactory(plan__chantier=chantier)
    ActionRecommendation.objects.create(action=action, recommendation=rec)
    ActionRecommendation.objects.create(action=action, recommendation=target)

    services.set_disposition(rec, by=lead, disposition=Disposition.MERGED, into=target)

    assert list(ActionRecommendation.objects.values_list("action", "recommendation")) == [
        (action.pk, target.pk)
    ]


def test_merge_keeps_source_text_and_study_reachable_from_target(chantier, lead):
    first = RecommendationFactory(chantier=chantier, code="R-001", text="Automatiser l'écrémage.")
    second = RecommendationFactory(chantier=chantier, code="R-002", text="Robotiser la coulée.")
    target = RecommendationFactory(chantier=chantier, code="R-003", text="Industrie 4.0.")

    services.set_disposition(first, by=lead, disposition=Disposition.MERGED, into=second)
    services.set_disposition(second, by=lead, disposition=Disposition.MERGED, into=target)

    sources = queries.sources_of(target)
    assert [(r.code, r.text, r.study_id) for r in sources] == [
        ("R-003", "Industrie 4.0.", target.study_id),
        ("R-002", "Robotiser la coulée.", second.study_id),
        ("R-001", "Automatiser l'écrémage.", first.study_id),
    ]


def test_merge_into_itself_is_refused(rec, lead):
    with pytest.raises(ValidationError) as exc:
        services.set_disposition(rec, by=lead, disposition=Disposition.MERGED, into=rec)

    assert exc.value.message_dict == {
        "into": ["Une recommandation ne peut être fusionnée dans elle-même."]
    }
    assert Recommendation.objects.get(pk=rec.pk).disposition == "under_review"


def test_merge_into_other_chantier_is_refused(rec, other_chantier, lead):
    foreign = RecommendationFactory(chantier=other_chantier, code="R-002")

    with pytest.raises(ValidationError) as exc:
        services.set_disposition(rec, by=lead, disposition=Disposition.MERGED, into=foreign)

    assert exc.value.message_dict == {"into": ["La fusion se fait dans le même chantier."]}
    assert Recommendation.objects.get(pk=rec.pk).disposition == "under_review"


def test_merge_without_target_is_refused(rec, lead):
    with pytest.raises(ValidationError) as exc:
        services.set_disposition(rec, by=lead, disposition=Disposition.MERGED)

    assert exc.value.message_dict == {
        "into": ["Choisissez la recommandation qui absorbe celle-ci."]
    }


def test_merge_into_merged_recommendation_is_refused(chantier, rec, lead):
    merged = recommendation_in(chantier, Disposition.MERGED, code="R-002")

    with pytest.raises(ValidationError) as exc:
        services.set_disposition(rec, by=lead, disposition=Disposition.MERGED, into=merged)

    assert exc.value.message_dict == {
        "into": ["La recommandation cible est « Fusionnée » : elle ne peut rien absorber."]
    }


# --- transfer -----------------------------------------------------------------


def test_transfer_creates_copy_in_target_chantier(chantier, other_chantier, lead):
    axis = AxisFactory(chantier=chantier, code="ENERGIE")
    target_axis = AxisFactory(chantier=other_chantier, code="ENERGIE")
    rec = RecommendationFactory(chantier=chantier, code="R-007", axis=axis, source_location="p. 12")

    services.set_disposition(
        rec,
        by=lead,
        disposition=Disposition.TRANSFERRED,
        to=other_chantier,
        justification="Mandat.",
    )

    copy = Recommendation.objects.get(chantier=other_chantier)
    assert (copy.code, copy.title, copy.text, copy.source_location) == (
        "R-007",
        rec.title,
        rec.text,
        "p. 12",
    )
    assert (copy.study_id, copy.axis, copy.transferred_from, copy.disposition) == (
        rec.study_id,
        target_axis,
        rec,
        "under_review",
    )
    rec.refresh_from_db()
    assert (rec.disposition, rec.transferred_to) == ("transferred", other_chantier)
    assert copy.history.get().history_user == lead


def test_transfer_code_taken_in_target_is_deduplicated(chantier, other_chantier, lead):
    RecommendationFactory(chantier=other_chantier, code="R-007")
    RecommendationFactory(chantier=other_chantier, code="R-007-T2")
    rec = RecommendationFactory(chantier=chantier, code="R-007")

    services.set_disposition(rec, by=lead, disposition=Disposition.TRANSFERRED, to=other_chantier)

    copy = Recommendation.objects.get(transferred_from=rec)
    assert (copy.chantier, copy.code) == (other_chantier, "R-007-T3")


def test_transfer_without_matching_axis_leaves_axis_empty(chantier, other_chantier, rec, lead):
    services.set_disposition(rec, by=lead, disposition=Disposition.TRANSFERRED, to=other_chantier)

    assert Recommendation.objects.get(transferred_from=rec).axis is None


def test_transfer_to_same_chantier_is_refused(chantier, rec, lead):
    with pytest.raises(ValidationError) as exc:
        services.set_disposition(rec, by=lead, disposition=Disposition.TRANSFERRED, to=chantier)

    assert exc.value.message_dict == {"to": ["La recommandation est déjà dans ce chantier."]}
    assert Recommendation.objects.count() == 1


def test_transfer_without_chantier_is_refused(rec, lead):
    with pytest.raises(ValidationError) as exc:
        services.set_disposition(rec, by=lead, disposition=Disposition.TRANSFERRED)

    assert exc.value.message_dict == {
        "to": ["Choisissez le chantier qui reprend cette recommandation."]
    }
    assert Recommendation.objects.count() == 1


def test_services_queries_stay_constant_for_scoring(rec, impact, lead):
    with CaptureQueriesContext(connection) as first:
        score(rec, impact, lead, 2)
    other = RecommendationFactory(chantier=rec.chantier, code="R-002")

    with CaptureQueriesContext(connection) as second:
        score(other, impact, lead, 2)

    assert len(second.captured_queries) == len(first.captured_queries)
