"""Database constraints of chantiers/: each bad value is refused by full_clean() with
the French message, and by the database itself, leaving the data as it was."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from chantiers.models import Chantier, DecisionAction, DecisionRecommendation, Membership
from tests.factories import (
    ActionFactory,
    ChantierFactory,
    DecisionFactory,
    MembershipFactory,
    OrganisationFactory,
    RecommendationFactory,
    UserFactory,
)

THRESHOLDS_MESSAGE = "Les seuils doivent respecter 0 ≤ seuil P2 < seuil P1 ≤ 100."


def clean_errors(instance) -> dict:
    with pytest.raises(ValidationError) as exc:
        instance.full_clean()
    return exc.value.message_dict


def db_refuses(instance) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()


def test_chantier_end_before_start_is_refused_with_message(db):
    chantier = ChantierFactory.build(
        start_date=datetime.date(2026, 5, 1), end_date=datetime.date(2026, 4, 30)
    )

    errors = clean_errors(chantier)

    assert errors == {"__all__": ["La date de fin ne peut précéder la date de début."]}


def test_chantier_end_before_start_is_refused_by_database(db):
    chantier = ChantierFactory(start_date=datetime.date(2026, 5, 1))
    chantier.end_date = datetime.date(2026, 4, 30)

    db_refuses(chantier)

    assert Chantier.objects.get(pk=chantier.pk).end_date is None
    assert chantier.history.count() == 1


def test_chantier_end_on_start_day_is_accepted(db):
    chantier = ChantierFactory.build(
        start_date=datetime.date(2026, 5, 1), end_date=datetime.date(2026, 5, 1)
    )

    chantier.full_clean()
    chantier.save()

    assert Chantier.objects.filter(pk=chantier.pk).count() == 1


@pytest.mark.parametrize(
    ("p1", "p2"),
    [("50", "50"), ("40", "50"), ("100.01", "50"), ("70", "-1")],
    ids=["equal", "inverted", "p1-above-100", "p2-below-0"],
)
def test_chantier_thresholds_out_of_order_are_refused(db, p1, p2):
    chantier = ChantierFactory.build(p1_threshold=Decimal(p1), p2_threshold=Decimal(p2))

    errors = clean_errors(chantier)
    db_refuses(chantier)

    assert errors == {"__all__": [THRESHOLDS_MESSAGE]}
    assert Chantier.objects.count() == 0


def test_chantier_reporting_period_of_zero_days_is_refused(db):
    chantier = ChantierFactory.build(reporting_period_days=0)

    errors = clean_errors(chantier)
    db_refuses(chantier)

    assert errors == {"__all__": ["La période de suivi doit être d'au moins un jour."]}
    assert Chantier.objects.count() == 0


def test_chantier_code_already_used_is_refused(db):
    ChantierFactory(code="recyclage")
    duplicate = ChantierFactory.build(code="recyclage")

    errors = clean_errors(duplicate)
    db_refuses(duplicate)

    assert errors == {"code": ["Un objet Chantier avec ce champ Code existe déjà."]}
    assert Chantier.objects.count() == 1


def test_organisation_name_already_used_is_refused(db):
    OrganisationFactory(name="CQRDA")
    duplicate = OrganisationFactory.build(name="CQRDA")

    errors = clean_errors(duplicate)
    db_refuses(duplicate)

    assert errors == {"name": ["Un objet Organisation avec ce champ Nom existe déjà."]}


def test_membership_second_role_in_same_chantier_is_refused(db):
    chantier = ChantierFactory()
    user = UserFactory()
    MembershipFactory(user=user, chantier=chantier, role=Membership.Role.LEAD)
    second = MembershipFactory.build(user=user, chantier=chantier, role=Membership.Role.STAFF)

    errors = clean_errors(second)
    db_refuses(second)

    assert errors == {"__all__": ["Cette personne a déjà un rôle dans ce chantier."]}
    assert list(Membership.objects.values_list("role", flat=True)) == ["lead"]


def test_membership_roles_in_two_chantiers_are_accepted(db):
    user = UserFactory()
    MembershipFactory(user=user, role=Membership.Role.LEAD)
    other = MembershipFactory.build(user=user, chantier=ChantierFactory(), role="committee")

    other.full_clean()
    other.save()

    assert Membership.objects.filter(user=user).count() == 2


def test_decision_recommendation_link_twice_is_refused(db):
    decision = DecisionFactory()
    recommendation = RecommendationFactory(chantier=decision.meeting.chantier)
    DecisionRecommendation.objects.create(decision=decision, recommendation=recommendation)

    db_refuses(DecisionRecommendation(decision=decision, recommendation=recommendation))

    assert DecisionRecommendation.objects.count() == 1


def test_decision_action_link_twice_is_refused(db):
    decision = DecisionFactory()
    action = ActionFactory(plan__chantier=decision.meeting.chantier)
    DecisionAction.objects.create(decision=decision, action=action)

    db_refuses(DecisionAction(decision=decision, action=action))

    assert DecisionAction.objects.count() == 1
