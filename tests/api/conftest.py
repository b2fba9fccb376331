"""API fixtures: a client per persona and a small world in the personas' chantier
(one object of every kind), plus an object in another chantier."""

import datetime
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from actions.models import Action, ProgressUpdate
from actions.services import log_progress
from api.concurrency import etag_for
from chantiers.models import Membership
from recommendations.models import Assessment, Criterion, PrioritisationRound
from tests.factories import (
    ActionFactory,
    ActionRecommendationFactory,
    AxisFactory,
    ChantierFactory,
    DecisionFactory,
    IndicatorFactory,
    MeasurementFactory,
    MeetingFactory,
    MilestoneFactory,
    OrganisationFactory,
    PartnerFactory,
    PlanFactory,
    RecommendationFactory,
    RoundFactory,
    StudyFactory,
)


@pytest.fixture
def api():
    """api(user) → an APIClient authenticated as `user` (None: anonymous)."""

    def _client(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return _client


def if_match(obj) -> dict:
    """Headers for a write on `obj` as it is in the database now."""
    obj = type(obj)._default_manager.get(pk=obj.pk)
    return {"HTTP_IF_MATCH": etag_for(obj)}


@dataclass
class World:
    chantier: object
    other: object
    spare_chantier: object  # where the personas have their roles, but no data: deletable
    organisation: object  # referenced by nothing: deletable
    partner_organisation: object
    spare_organisation: object
    membership: object  # the staff member's
    meeting: object
    decision: object
    axis: object
    spare_axis: object
    study: object
    spare_study: object
    recommendation: object
    second_recommendation: object
    round: PrioritisationRound
    criterion: Criterion
    assessment: Assessment  # the committee member's
    plan: object
    action: Action  # owned by the staff member
    link: object
    partner: object
    milestone: object
    update: ProgressUpdate
    indicator: object  # attached to the action
    measurement: object
    other_recommendation: object
    other_action: Action


@pytest.fixture
def world(chantier, other_chantier, admin_user, lead, committee_member, staff, outsider):
    axis = AxisFactory(chantier=chantier, code="CYBER", name="Cybersécurité")
    study = StudyFactory(title="Étude sur l'aluminium vert")
    recommendation = RecommendationFactory(chantier=chantier, code="R-001", axis=axis, study=study)
    second = RecommendationFactory(chantier=chantier, code="R-002", axis=axis, study=study)
    rnd = RoundFactory(chantier=chantier, name="Ronde 2026")
    criterion = Criterion.objects.create(round=rnd, code="impact", name="Impact")
    assessment = Assessment.objects.create(
        criterion=criterion, recommendation=recommendation, assessor=committee_member, score=3
    )
    plan = PlanFactory(chantier=chantier)
    action = ActionFactory(plan=plan, code="A-01", owner=staff, axis=axis)
    partner_organisation = OrganisationFactory(name="Centre de recherche", acronym="CR")
    indicator = IndicatorFactory(chantier=chantier, action=action, name="Tonnes recyclées")
    meeting = MeetingFactory(chantier=chantier, date=datetime.date(2026, 6, 1))
    other_plan = PlanFactory(chantier=other_chantier)
    return World(
        chantier=chantier,
        other=other_chantier,
        spare_chantier=_spare_chantier(lead, committee_member, staff),
        organisation=OrganisationFactory(name="Réseau Trans-Al", acronym="RTA"),
        partner_organisation=partner_organisation,
        spare_organisation=OrganisationFactory(name="Aéro Montréal", acronym="AM"),
        membership=Membership.objects.get(user=staff, chantier=chantier),
        meeting=meeting,
        decision=DecisionFactory(meeting=meeting),
        axis=axis,
        spare_axis=AxisFactory(chantier=chantier, code="RH", name="Main-d'œuvre"),
        study=study,
        spare_study=StudyFactory(title="Étude de marché"),
        recommendation=recommendation,
        second_recommendation=second,
        round=rnd,
        criterion=criterion,
        assessment=assessment,
        plan=plan,
        action=action,
        link=ActionRecommendationFactory(action=action, recommendation=recommendation),
        partner=PartnerFactory(action=action, organisation=partner_organisation),
        milestone=MilestoneFactory(action=action, title="Prototype"),
        update=log_progress(action, by=staff, percent=10, status="on_track"),
        indicator=indicator,
        measurement=MeasurementFactory(indicator=indicator, recorded_by=staff),
        other_recommendation=RecommendationFactory(chantier=other_chantier, code="R-001"),
        other_action=ActionFactory(plan=other_plan, code="A-01", owner=outsider),
    )


def _spare_chantier(lead, committee_member, staff):
    spare = ChantierFactory(code="spare", name="Chantier vide")
    for user, role in [(lead, "lead"), (committee_member, "committee"), (staff, "staff")]:
        Membership.objects.create(user=user, chantier=spare, role=role)
    return spare


@pytest.fixture
def users(admin_user, lead, committee_member, staff, outsider):
    return {
        "admin": admin_user,
        "lead": lead,
        "committee": committee_member,
        "staff": staff,
        "outsider": outsider,
    }
