"""Every admin list page answers a superuser, and its query count does not grow with
the number of rows (list_select_related does its job)."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from actions.models import ProgressUpdate
from chantiers.models import DecisionAction, DecisionRecommendation
from dashboards.models import MeetingSnapshot
from recommendations.models import RoundAssessor, RoundRecommendation
from tests.factories import (
    ActionFactory,
    ActionRecommendationFactory,
    AssessmentFactory,
    AxisFactory,
    ChantierFactory,
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


def _decision_recommendation(n):
    decision = DecisionFactory()
    DecisionRecommendation.objects.create(
        decision=decision, recommendation=RecommendationFactory(chantier=decision.meeting.chantier)
    )


def _decision_action(n):
    decision = DecisionFactory()
    DecisionAction.objects.create(
        decision=decision, action=ActionFactory(plan__chantier=decision.meeting.chantier)
    )


# One row of each registered model, with its related objects all distinct so that a
# missing select_related shows as one more query per row.
MAKERS = {
    "auth.Group": lambda n: Group.objects.create(name=f"Groupe {n}"),
    "auth.User": lambda n: UserFactory(),
    "authtoken.TokenProxy": lambda n: Token.objects.create(user=UserFactory()),
    "chantiers.Organisation": lambda n: OrganisationFactory(),
    "chantiers.Chantier": lambda n: ChantierFactory(lead_organisation=OrganisationFactory()),
    "chantiers.Membership": lambda n: MembershipFactory(organisation=OrganisationFactory()),
    "chantiers.CommitteeMeeting": lambda n: MeetingFactory(),
    "chantiers.Decision": lambda n: DecisionFactory(follow_up_owner=UserFactory()),
    "chantiers.DecisionRecommendation": _decision_recommendation,
    "chantiers.DecisionAction": _decision_action,
    "recommendations.StrategicAxis": lambda n: AxisFactory(),
    "recommendations.Study": lambda n: StudyFactory(organisation=OrganisationFactory()),
    "recommendations.Recommendation": lambda n: RecommendationFactory(),
    "recommendations.PrioritisationRound": lambda n: RoundFactory(),
    "recommendations.Criterion": lambda n: CriterionFactory(),
    "recommendations.Assessment": lambda n: AssessmentFactory(),
    "recommendations.RoundAssessor": lambda n: RoundAssessor.objects.create(
        round=RoundFactory(), assessor=UserFactory()
    ),
    "recommendations.RoundRecommendation": lambda n: RoundRecommendation.objects.create(
        round=RoundFactory(), recommendation=RecommendationFactory()
    ),
    "actions.ActionPlan": lambda n: PlanFactory(),
    "actions.Action": lambda n: ActionFactory(owner=UserFactory()),
    "actions.ActionRecommendation": lambda n: ActionRecommendationFactory(),
    "actions.ActionPartner": lambda n: PartnerFactory(),
    "actions.Milestone": lambda n: MilestoneFactory(),
    "actions.ProgressUpdate": lambda n: ProgressUpdate.objects.create(
        action=ActionFactory(), author=UserFactory(), percent_complete=10, status="on_track"
    ),
    "actions.Indicator": lambda n: IndicatorFactory(action=ActionFactory()),
    "actions.Measurement": lambda n: MeasurementFactory(),
    "dashboards.MeetingSnapshot": lambda n: MeetingSnapshot.objects.create(
        meeting=MeetingFactory(), taken_at=timezone.now(), taken_by=UserFactory(), figures={}
    ),
}
REGISTERED = sorted(model._meta.label for model in admin.site._registry)


def test_admin_every_registered_model_has_a_maker():
    assert sorted(MAKERS) == REGISTERED


@pytest.mark.parametrize("label", REGISTERED)
def test_admin_changelist_query_count_does_not_grow(client, admin_user, label):
    model = next(m for m in admin.site._registry if m._meta.label == label)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    client.force_login(admin_user)
    MAKERS[label](1)
    with CaptureQueriesContext(connection) as one:
        response_one = client.get(url)
    for n in range(2, 6):
        MAKERS[label](n)

    with CaptureQueriesContext(connection) as five:
        response_five = client.get(url)

    assert (response_one.status_code, response_five.status_code) == (200, 200)
    rows = model._default_manager.count()
    assert response_five.context["cl"].result_count == rows
    assert rows >= 5
    assert len(five.captured_queries) == len(one.captured_queries)
