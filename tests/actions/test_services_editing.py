"""The lead's editing services for plans, actions, partners, milestones and indicators."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from actions import services
from actions.models import Action, ActionPartner
from actions.queries import action_history
from chantiers.history import timeline_since
from chantiers.models import StaleObjectError
from tests.factories import (
    ActionFactory,
    AxisFactory,
    MeetingFactory,
    OrganisationFactory,
    PartnerFactory,
    PlanFactory,
    UserFactory,
)


@pytest.fixture
def plan(chantier):
    return PlanFactory(chantier=chantier)


def test_create_action_stamps_author_and_reason(plan, lead, staff):
    action = services.create_action(
        plan, by=lead, code=" A-07 ", title="Diagnostic cybersécurité", owner=staff
    )

    record = action.history.get()
    assert (action.chantier, action.code, action.owner, action.percent_complete) == (
        plan.chantier,
        "A-07",
        staff,
        0,
    )
    assert (record.history_user, record.history_change_reason) == (lead, "Action créée")


def test_create_action_refuses_owner_axis_and_plan_outside_the_chantier(
    plan, lead, committee_member, other_chantier
):
    with pytest.raises(ValidationError) as refused:
        services.create_action(
            plan,
            by=lead,
            code="A-01",
            title="",
            owner=committee_member,
            axis=AxisFactory(chantier=other_chantier),
        )

    assert refused.value.message_dict == {
        "title": ["Ce champ ne peut pas être vide."],
        "axis": ["Cet axe appartient à un autre chantier."],
        "owner": [
            "Le responsable doit être responsable du chantier ou chargé·e de projet du chantier."
        ],
    }
    assert Action.objects.count() == 0


def test_update_action_refuses_a_stale_version_and_writes_nothing(plan, lead, admin_user):
    action = ActionFactory(plan=plan)
    services.update_action(action, by=admin_user, version=1, changes={"title": "Premier"})
    stale = Action.objects.get(pk=action.pk)
    stale.version = 1

    with pytest.raises(StaleObjectError):
        services.update_action(stale, by=lead, version=1, changes={"title": "Second"})

    assert Action.objects.get(pk=action.pk).title == "Premier"
    assert action.history.count() == 2


def test_update_action_does_not_touch_percent_or_status(plan, lead):
    action = ActionFactory(plan=plan)

    with pytest.raises(TypeError):
        services.update_action(action, by=lead, version=1, changes={"percent_complete": 90})


def test_create_plan_refuses_a_period_ending_before_it_starts(chantier, lead):
    with pytest.raises(ValidationError) as refused:
        services.create_plan(
            chantier,
            by=lead,
            title="Plan",
            period_start=datetime.date(2027, 1, 1),
            period_end=datetime.date(2026, 1, 1),
        )

    assert refused.value.message_dict == {
        "period_end": ["La fin de la période ne peut précéder son début."]
    }


def test_approve_plan_needs_a_meeting_of_the_same_chantier(plan, lead, other_chantier):
    with pytest.raises(ValidationError) as missing:
        services.approve_plan(plan, by=lead, version=1, meeting=None)
    with pytest.raises(ValidationError) as foreign:
        services.approve_plan(
            plan, by=lead, version=1, meeting=MeetingFactory(chantier=other_chantier)
        )

    assert missing.value.message_dict == {
        "meeting": ["Indiquez la réunion du comité qui a approuvé le plan."]
    }
    assert foreign.value.message_dict == {
        "meeting": ["Cette réunion appartient à un autre chantier."]
    }
    plan.refresh_from_db()
    assert (plan.status, plan.version) == ("draft", 1)


def test_approve_plan_records_status_meeting_and_reason(plan, lead):
    meeting = MeetingFactory(chantier=plan.chantier, title="Comité de juin")

    services.approve_plan(plan, by=lead, version=1, meeting=meeting)

    plan.refresh_from_db()
    record = plan.history.first()
    assert (plan.status, plan.approved_by_meeting) == ("approved", meeting)
    assert (
        record.history_change_reason == "Plan approuvé par le comité (Comité de juin (2026-06-01))"
    )


def test_add_partner_refuses_a_negative_contribution(plan, lead):
    action = ActionFactory(plan=plan)

    with pytest.raises(ValidationError) as refused:
        services.add_partner(
            action,
            by=lead,
            organisation=OrganisationFactory(),
            role="funder",
            contribution_amount=Decimal("-1"),
        )

    assert refused.value.message_dict == {
        "contribution_amount": ["Une contribution ne peut être négative."]
    }
    assert ActionPartner.objects.count() == 0


def test_remove_partner_keeps_who_and_why_in_history(plan, lead):
    partner = PartnerFactory(action=ActionFactory(plan=plan))
    partner_id = partner.pk

    services.remove_partner(partner, by=lead, reason="Hors mandat")

    record = ActionPartner.history.filter(id=partner_id).first()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "-",
        lead,
        "Hors mandat",
    )


def test_add_indicator_belongs_to_the_actions_chantier(plan, lead):
    action = ActionFactory(plan=plan)

    indicator = services.add_indicator(
        action,
        by=lead,
        name="PME accompagnées",
        unit="PME",
        baseline=Decimal(0),
        target=Decimal(25),
    )

    assert (indicator.chantier, indicator.action) == (plan.chantier, action)


def test_timeline_since_lists_only_what_came_after_the_version_read(plan, lead):
    action = ActionFactory(plan=plan, title="Départ")
    services.update_action(action, by=lead, version=1, changes={"title": "Un"})
    services.update_action(action, by=lead, version=2, changes={"title": "Deux"}, reason="Encore")

    entries = timeline_since(action, 2)

    assert [(e.reason, [(c.old, c.new) for c in e.changes]) for e in entries] == [
        ("Encore", [("Un", "Deux")])
    ]


def test_action_history_labels_each_entry_with_its_object(plan, lead):
    action = ActionFactory(plan=plan)
    organisation = OrganisationFactory(acronym="CQRDA")
    partner = services.add_partner(action, by=lead, organisation=organisation, role="expert")
    services.add_milestone(action, by=lead, title="Lancement", due_date=datetime.date(2026, 3, 1))
    services.update_partner(partner, by=UserFactory(), version=1, changes={"stage": "active"})

    entries = action_history(action)

    assert [(e.subject, e.kind) for e in entries] == [
        ("Partenaire CQRDA", "~"),
        ("Jalon « Lancement »", "+"),
        ("Partenaire CQRDA", "+"),
        ("", "+"),
    ]
