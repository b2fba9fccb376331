"""Database constraints of recommendations/: each bad value is refused by full_clean()
with the French message, and by the database itself, leaving the data as it was."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from recommendations.models import (
    Assessment,
    Criterion,
    PrioritisationRound,
    Recommendation,
    StrategicAxis,
    Study,
)
from tests.factories import (
    AssessmentFactory,
    AxisFactory,
    ChantierFactory,
    CriterionFactory,
    RecommendationFactory,
    RoundFactory,
    StudyFactory,
    UserFactory,
)

Disposition = Recommendation.Disposition


def clean_errors(instance) -> dict:
    with pytest.raises(ValidationError) as exc:
        instance.full_clean()
    return exc.value.message_dict


def db_refuses(instance) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()


# --- codes unique within a chantier ------------------------------------------


def test_axis_code_twice_in_chantier_is_refused(db):
    chantier = ChantierFactory()
    AxisFactory(chantier=chantier, code="ENERGIE")
    duplicate = AxisFactory.build(chantier=chantier, code="ENERGIE")

    errors = clean_errors(duplicate)
    db_refuses(duplicate)

    assert errors == {"__all__": ["Ce code d'axe existe déjà dans ce chantier."]}
    assert StrategicAxis.objects.count() == 1


def test_axis_same_code_in_two_chantiers_is_accepted(db):
    AxisFactory(code="ENERGIE")
    other = AxisFactory.build(chantier=ChantierFactory(), code="ENERGIE")

    other.full_clean()
    other.save()

    assert StrategicAxis.objects.filter(code="ENERGIE").count() == 2


def test_recommendation_code_twice_in_chantier_is_refused(db):
    chantier = ChantierFactory()
    RecommendationFactory(chantier=chantier, code="R-042")
    duplicate = RecommendationFactory.build(chantier=chantier, code="R-042", axis=None, study=None)

    errors = clean_errors(duplicate)
    db_refuses(duplicate)

    assert errors == {"__all__": ["Ce code de recommandation existe déjà dans ce chantier."]}
    assert Recommendation.objects.count() == 1
    assert Recommendation.history.count() == 1


def test_recommendation_same_code_in_two_chantiers_is_accepted(db):
    RecommendationFactory(code="R-042")
    other = RecommendationFactory.build(
        chantier=ChantierFactory(), code="R-042", axis=None, study=None
    )

    other.full_clean()
    other.save()

    assert Recommendation.objects.filter(code="R-042").count() == 2


# --- dispositions that need a justification or a target ----------------------


@pytest.mark.parametrize(
    "disposition", [Disposition.NOT_RETAINED, Disposition.CLOSED_UNIMPLEMENTED]
)
def test_recommendation_disposition_without_justification_is_refused(db, disposition):
    recommendation = RecommendationFactory()
    recommendation.disposition = disposition

    errors = clean_errors(recommendation)
    db_refuses(recommendation)

    assert errors == {"__all__": ["Une justification est requise pour cette décision."]}
    assert Recommendation.objects.get().disposition == Disposition.UNDER_REVIEW
    assert recommendation.history.count() == 1


@pytest.mark.parametrize(
    "disposition", [Disposition.NOT_RETAINED, Disposition.CLOSED_UNIMPLEMENTED]
)
def test_recommendation_disposition_with_justification_is_accepted(db, disposition):
    recommendation = RecommendationFactory()
    recommendation.disposition = disposition
    recommendation.disposition_justification = "Hors du mandat du chantier."

    recommendation.full_clean()
    recommendation.save()

    assert Recommendation.objects.get().disposition == disposition


def test_recommendation_merged_without_target_is_refused(db):
    recommendation = RecommendationFactory()
    recommendation.disposition = Disposition.MERGED

    errors = clean_errors(recommendation)
    db_refuses(recommendation)

    assert errors == {"__all__": ["Une recommandation fusionnée doit indiquer sa cible."]}
    assert Recommendation.objects.get().disposition == Disposition.UNDER_REVIEW


def test_recommendation_transferred_without_chantier_is_refused(db):
    recommendation = RecommendationFactory()
    recommendation.disposition = Disposition.TRANSFERRED

    errors = clean_errors(recommendation)
    db_refuses(recommendation)

    assert errors == {"__all__": ["Une recommandation transférée doit indiquer son chantier."]}
    assert Recommendation.objects.get().disposition == Disposition.UNDER_REVIEW


def test_recommendation_tier_override_without_justification_is_refused(db):
    recommendation = RecommendationFactory()
    recommendation.tier_override = "P1"

    errors = clean_errors(recommendation)
    db_refuses(recommendation)

    assert errors == {"__all__": ["Un niveau imposé exige une justification."]}
    assert Recommendation.objects.get().tier_override == ""


def test_recommendation_score_above_100_is_refused_by_database(db):
    recommendation = RecommendationFactory()
    recommendation.score = Decimal("100.01")

    # Priority fields are only written when named (Recommendation.save reloads them).
    with pytest.raises(IntegrityError), transaction.atomic():
        recommendation.save(update_fields=["score"])

    assert Recommendation.objects.get().score is None


def test_study_year_implausible_is_refused(db):
    study = StudyFactory.build(year=1850)

    errors = clean_errors(study)
    db_refuses(study)

    assert errors == {"__all__": ["L'année doit être comprise entre 1900 et 2100."]}
    assert Study.objects.count() == 0


# --- rounds -------------------------------------------------------------------


def test_round_second_open_round_in_chantier_is_refused(db):
    chantier = ChantierFactory()
    RoundFactory(chantier=chantier)
    second = RoundFactory.build(chantier=chantier)

    errors = clean_errors(second)
    db_refuses(second)

    assert errors == {"__all__": ["Une ronde est déjà ouverte dans ce chantier."]}
    assert PrioritisationRound.objects.count() == 1


def test_round_open_round_next_to_frozen_one_is_accepted(db):
    chantier = ChantierFactory()
    RoundFactory(chantier=chantier, status="frozen", frozen_at=timezone.now())
    second = RoundFactory.build(chantier=chantier)

    second.full_clean()
    second.save()

    assert PrioritisationRound.objects.filter(chantier=chantier).count() == 2


def test_round_open_rounds_in_two_chantiers_are_accepted(db):
    RoundFactory()
    other = RoundFactory.build(chantier=ChantierFactory())

    other.full_clean()
    other.save()

    assert PrioritisationRound.objects.filter(status="open").count() == 2


@pytest.mark.parametrize(
    ("p1", "p2"),
    [("60", "60"), ("40", "60"), ("101", "60"), ("70", "-0.01")],
    ids=["equal", "inverted", "p1-above-100", "p2-below-0"],
)
def test_round_thresholds_out_of_order_are_refused(db, p1, p2):
    rnd = RoundFactory()
    rnd.p1_threshold, rnd.p2_threshold = Decimal(p1), Decimal(p2)

    errors = clean_errors(rnd)
    db_refuses(rnd)

    assert errors == {"__all__": ["Les seuils doivent respecter 0 ≤ seuil P2 < seuil P1 ≤ 100."]}
    stored = PrioritisationRound.objects.get()
    assert (stored.p1_threshold, stored.p2_threshold) == (Decimal("70"), Decimal("50"))


def test_round_frozen_without_date_is_refused_by_database(db):
    rnd = RoundFactory()
    rnd.status = PrioritisationRound.Status.FROZEN

    db_refuses(rnd)

    assert PrioritisationRound.objects.get().status == "open"


# --- criteria -----------------------------------------------------------------


def test_criterion_code_twice_in_round_is_refused(db):
    rnd = RoundFactory()
    CriterionFactory(round=rnd, code="impact")
    duplicate = CriterionFactory.build(round=rnd, code="impact")

    errors = clean_errors(duplicate)
    db_refuses(duplicate)

    assert errors == {"__all__": ["Ce code de critère existe déjà dans cette ronde."]}
    assert Criterion.objects.count() == 1


def test_criterion_same_code_in_two_rounds_is_accepted(db):
    CriterionFactory(code="impact")
    other = CriterionFactory.build(round=RoundFactory(), code="impact")

    other.full_clean()
    other.save()

    assert Criterion.objects.filter(code="impact").count() == 2


@pytest.mark.parametrize("weight", ["0", "-1.5"])
def test_criterion_weight_not_positive_is_refused(db, weight):
    criterion = CriterionFactory(weight=Decimal("2"))
    criterion.weight = Decimal(weight)

    errors = clean_errors(criterion)
    db_refuses(criterion)

    assert errors == {"__all__": ["Le poids doit être strictement positif."]}
    assert Criterion.objects.get().weight == Decimal("2")


# --- assessments --------------------------------------------------------------


@pytest.mark.parametrize("score", [0, 6])
def test_assessment_score_outside_1_to_5_is_refused(db, score):
    assessment = AssessmentFactory(score=3)
    assessment.score = score

    errors = clean_errors(assessment)
    db_refuses(assessment)

    assert errors == {"__all__": ["La note doit être comprise entre 1 et 5."]}
    assert Assessment.objects.get().score == 3


@pytest.mark.parametrize("score", [1, 5])
def test_assessment_score_at_scale_bounds_is_accepted(db, score):
    assessment = AssessmentFactory(score=3)
    assessment.score = score

    assessment.full_clean()
    assessment.save()

    assert Assessment.objects.get().score == score


def test_assessment_second_score_by_same_assessor_is_refused(db):
    first = AssessmentFactory(score=2)
    duplicate = Assessment(
        criterion=first.criterion,
        recommendation=first.recommendation,
        assessor=first.assessor,
        score=4,
    )

    errors = clean_errors(duplicate)
    db_refuses(duplicate)

    assert errors == {
        "__all__": [
            "Cet évaluateur a déjà noté cette recommandation sur ce critère dans cette ronde."
        ]
    }
    assert list(Assessment.objects.values_list("score", flat=True)) == [2]


def test_assessment_second_assessor_on_same_pair_is_accepted(db):
    first = AssessmentFactory(score=2)
    second = Assessment(
        criterion=first.criterion,
        recommendation=first.recommendation,
        assessor=UserFactory(),
        score=4,
    )

    second.full_clean()
    second.save()

    assert Assessment.objects.count() == 2


def test_assessment_same_assessor_in_next_round_is_accepted(db):
    first = AssessmentFactory(score=2)
    chantier = first.criterion.round.chantier
    first.criterion.round.status = "frozen"
    first.criterion.round.frozen_at = datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC)
    first.criterion.round.save()
    next_criterion = CriterionFactory(round=RoundFactory(chantier=chantier), code="impact")
    second = Assessment(
        criterion=next_criterion,
        recommendation=first.recommendation,
        assessor=first.assessor,
        score=4,
    )

    second.full_clean()
    second.save()

    assert Assessment.objects.count() == 2
