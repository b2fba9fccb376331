"""Database constraints of actions/: each bad value is refused by full_clean() with
the French message, and by the database itself, leaving the data as it was."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actions.models import (
    Action,
    ActionPartner,
    ActionPlan,
    ActionRecommendation,
    Measurement,
    ProgressUpdate,
)
from tests.factories import (
    ActionFactory,
    ActionRecommendationFactory,
    ChantierFactory,
    MeasurementFactory,
    PartnerFactory,
    PlanFactory,
    UserFactory,
)

PERCENT_MESSAGE = "L'avancement doit être compris entre 0 et 100 %."


def clean_errors(instance) -> dict:
    with pytest.raises(ValidationError) as exc:
        instance.full_clean()
    return exc.value.message_dict


def db_refuses(instance) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()


def test_action_code_twice_in_chantier_is_refused(db):
    plan = PlanFactory()
    ActionFactory(plan=plan, code="A-01")
    duplicate = ActionFactory.build(plan=plan, chantier=plan.chantier, code="A-01")

    errors = clean_errors(duplicate)
    db_refuses(duplicate)

    assert errors == {"__all__": ["Ce code d'action existe déjà dans ce chantier."]}
    assert Action.objects.count() == 1
    assert Action.history.count() == 1


def test_action_code_twice_across_plans_of_one_chantier_is_refused(db):
    first = ActionFactory(code="A-01")
    other_plan = PlanFactory(chantier=first.chantier)
    duplicate = ActionFactory.build(plan=other_plan, chantier=first.chantier, code="A-01")

    db_refuses(duplicate)

    assert Action.objects.count() == 1


def test_action_same_code_in_two_chantiers_is_accepted(db):
    ActionFactory(code="A-01")
    plan = PlanFactory()
    other = ActionFactory.build(plan=plan, chantier=plan.chantier, code="A-01")

    other.full_clean()
    other.save()

    assert Action.objects.filter(code="A-01").count() == 2


def test_action_percent_above_100_is_refused(db):
    action = ActionFactory(percent_complete=40)
    action.percent_complete = 101

    errors = clean_errors(action)
    db_refuses(action)

    assert errors == {"__all__": [PERCENT_MESSAGE]}
    assert Action.objects.get().percent_complete == 40


def test_action_percent_below_0_is_refused_by_database(db):
    action = ActionFactory(percent_complete=40)
    action.percent_complete = -1

    db_refuses(action)

    assert Action.objects.get().percent_complete == 40


@pytest.mark.parametrize("percent", [0, 100])
def test_action_percent_at_bounds_is_accepted(db, percent):
    action = ActionFactory(percent_complete=40)
    action.percent_complete = percent

    action.full_clean()
    action.save()

    assert Action.objects.get().percent_complete == percent


def test_action_due_date_before_start_is_refused(db):
    action = ActionFactory(start_date=datetime.date(2026, 3, 1), due_date=None)
    action.due_date = datetime.date(2026, 2, 28)

    errors = clean_errors(action)
    db_refuses(action)

    assert errors == {"__all__": ["L'échéance ne peut précéder la date de début."]}
    assert Action.objects.get().due_date is None


def test_action_due_date_on_start_day_is_accepted(db):
    action = ActionFactory(start_date=datetime.date(2026, 3, 1), due_date=None)
    action.due_date = datetime.date(2026, 3, 1)

    action.full_clean()
    action.save()

    assert Action.objects.get().due_date == datetime.date(2026, 3, 1)


def test_action_negative_budget_is_refused(db):
    action = ActionFactory()
    action.budget_spent = Decimal("-0.01")

    errors = clean_errors(action)
    db_refuses(action)

    assert errors == {"__all__": ["Un budget ne peut être négatif."]}
    assert Action.objects.get().budget_spent == Decimal("0")


def test_plan_period_end_before_start_is_refused(db):
    plan = PlanFactory.build(
        chantier=ChantierFactory(),
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2025, 12, 31),
    )

    errors = clean_errors(plan)
    db_refuses(plan)

    assert errors == {"__all__": ["La fin de la période ne peut précéder son début."]}
    assert ActionPlan.objects.count() == 0


def test_progress_update_percent_above_100_is_refused(db):
    action = ActionFactory()
    update = ProgressUpdate(
        action=action, author=UserFactory(), percent_complete=101, status="on_track"
    )

    errors = clean_errors(update)
    db_refuses(update)

    assert errors == {"__all__": [PERCENT_MESSAGE]}
    assert ProgressUpdate.objects.count() == 0


def test_progress_update_percent_below_0_is_refused_by_database(db):
    action = ActionFactory()
    update = ProgressUpdate(
        action=action, author=UserFactory(), percent_complete=-5, status="on_track"
    )

    db_refuses(update)

    assert ProgressUpdate.objects.count() == 0


def test_action_recommendation_link_twice_is_refused(db):
    link = ActionRecommendationFactory()
    duplicate = ActionRecommendation(action=link.action, recommendation=link.recommendation)

    errors = clean_errors(duplicate)
    db_refuses(duplicate)

    assert errors == {"__all__": ["Cette action est déjà liée à cette recommandation."]}
    assert ActionRecommendation.objects.count() == 1


def test_partner_same_organisation_twice_on_action_is_refused(db):
    partner = PartnerFactory()
    duplicate = ActionPartner(
        action=partner.action, organisation=partner.organisation, role="funder"
    )

    errors = clean_errors(duplicate)
    db_refuses(duplicate)

    assert errors == {"__all__": ["Cette organisation est déjà partenaire de l'action."]}
    assert ActionPartner.objects.count() == 1


def test_partner_negative_contribution_is_refused(db):
    partner = PartnerFactory()
    partner.contribution_amount = Decimal("-100")

    errors = clean_errors(partner)
    db_refuses(partner)

    assert errors == {"__all__": ["Une contribution ne peut être négative."]}
    assert ActionPartner.objects.get().contribution_amount is None


def test_measurement_twice_on_same_day_is_refused(db):
    first = MeasurementFactory(value=Decimal("20"))
    duplicate = Measurement(
        indicator=first.indicator, date=first.date, value=Decimal("25"), recorded_by=UserFactory()
    )

    errors = clean_errors(duplicate)
    db_refuses(duplicate)

    assert errors == {"__all__": ["Une mesure existe déjà à cette date pour cet indicateur."]}
    assert list(Measurement.objects.values_list("value", flat=True)) == [Decimal("20")]
