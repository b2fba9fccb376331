"""Every list endpoint costs the same number of queries for 1 item as for 3 (nested
reads come from joins and prefetches, never one query per row)."""

import datetime

import pytest

from actions.services import log_progress
from recommendations.models import PrioritisationRound
from tests.factories import (
    ActionFactory,
    ActionRecommendationFactory,
    AssessmentFactory,
    AxisFactory,
    CriterionFactory,
    DecisionFactory,
    IndicatorFactory,
    MeasurementFactory,
    MeetingFactory,
    MembershipFactory,
    MilestoneFactory,
    OrganisationFactory,
    PartnerFactory,
    PlanFactory,
    RecommendationFactory,
    RoundFactory,
    StudyFactory,
    UserFactory,
)


def _action(chantier, i, lead):
    action = ActionFactory(plan=PlanFactory(chantier=chantier), owner=lead)
    ActionRecommendationFactory(action=action, recommendation__chantier=chantier)
    ActionRecommendationFactory(action=action, recommendation__chantier=chantier)
    log_progress(action, by=lead, percent=10 * (i + 1), status="on_track")
    log_progress(action, by=lead, percent=10 * (i + 2), status="on_track")
    return action


def _decision(chantier, i, lead):
    decision = DecisionFactory(meeting=MeetingFactory(chantier=chantier))
    decision.recommendations.add(RecommendationFactory(chantier=chantier))
    decision.actions.add(ActionFactory(plan=PlanFactory(chantier=chantier)))
    return decision


def _open_round(chantier):
    return PrioritisationRound.objects.filter(
        chantier=chantier, status="open"
    ).first() or RoundFactory(chantier=chantier)


MAKERS = {
    "organisations": lambda c, i, lead: OrganisationFactory(),
    "chantiers": lambda c, i, lead: MembershipFactory(user=lead, role="lead").chantier,
    "memberships": lambda c, i, lead: MembershipFactory(chantier=c, user=UserFactory()),
    "meetings": lambda c, i, lead: MeetingFactory(chantier=c),
    "decisions": _decision,
    "axes": lambda c, i, lead: AxisFactory(chantier=c),
    "studies": lambda c, i, lead: StudyFactory(),
    "recommendations": lambda c, i, lead: RecommendationFactory(chantier=c),
    "rounds": lambda c, i, lead: RoundFactory(
        chantier=c, status="frozen", frozen_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    ),
    "criteria": lambda c, i, lead: CriterionFactory(round=_open_round(c)),
    "assessments": lambda c, i, lead: AssessmentFactory(
        criterion=CriterionFactory(round=_open_round(c)), assessor=lead
    ),
    "plans": lambda c, i, lead: PlanFactory(chantier=c),
    "actions": _action,
    "action-recommendations": lambda c, i, lead: ActionRecommendationFactory(
        action__plan__chantier=c
    ),
    "partners": lambda c, i, lead: PartnerFactory(action__plan__chantier=c),
    "milestones": lambda c, i, lead: MilestoneFactory(action__plan__chantier=c),
    "progress-updates": lambda c, i, lead: log_progress(
        ActionFactory(plan=PlanFactory(chantier=c)), by=lead, percent=5, status="on_track"
    ),
    "indicators": lambda c, i, lead: IndicatorFactory(
        chantier=c, action=ActionFactory(plan__chantier=c)
    ),
    "measurements": lambda c, i, lead: MeasurementFactory(indicator__chantier=c, recorded_by=lead),
}

# Queries per list request of the chantier's lead: the lead's roles, the page count,
# the page, and one per prefetched relation.
EXPECTED = {
    "organisations": 2,
    "chantiers": 3,
    "memberships": 3,
    "meetings": 3,
    "decisions": 5,
    "axes": 3,
    "studies": 2,
    "recommendations": 3,
    "rounds": 3,
    "criteria": 3,
    "assessments": 3,
    "plans": 3,
    "actions": 6,
    "action-recommendations": 3,
    "partners": 3,
    "milestones": 3,
    "progress-updates": 3,
    "indicators": 3,
    "measurements": 3,
}


@pytest.mark.parametrize("items", [1, 3])
@pytest.mark.parametrize("prefix", list(MAKERS))
def test_list_query_count_does_not_grow(
    prefix, items, chantier, lead, api, django_assert_num_queries
):
    for i in range(items):
        MAKERS[prefix](chantier, i, lead)
    client = api(lead)

    with django_assert_num_queries(EXPECTED[prefix]):
        response = client.get(f"/api/v1/{prefix}/")

    assert response.status_code == 200
    assert len(response.json()["results"]) >= items
