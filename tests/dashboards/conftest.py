"""A chantier with every kind of dashboard data, in any size, for query-count and page
tests: `dataset(n)` builds n recommendations, n actions and their satellites."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from actions.models import ActionPartner, ActionStatus, ProgressUpdate
from recommendations.models import Recommendation
from tests.factories import (
    ActionFactory,
    ActionRecommendationFactory,
    AssessmentFactory,
    AxisFactory,
    CriterionFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
    OrganisationFactory,
    PartnerFactory,
    PlanFactory,
    RecommendationFactory,
    RoundFactory,
    UserFactory,
)

DISPOSITIONS = [
    Recommendation.Disposition.UNDER_REVIEW,
    Recommendation.Disposition.RETAINED,
    Recommendation.Disposition.IN_IMPLEMENTATION,
    Recommendation.Disposition.POSTPONED,
    Recommendation.Disposition.IMPLEMENTED,
]
STATUSES = [
    ActionStatus.ON_TRACK,
    ActionStatus.AT_RISK,
    ActionStatus.LATE,
    ActionStatus.DONE,
    ActionStatus.NOT_STARTED,
]
STAGES = list(ActionPartner.Stage.values)


def update(action, *, percent, status, at, author):
    """A progress update at a given moment (no service: the test controls the log)."""
    return ProgressUpdate.objects.create(
        action=action, author=author, created_at=at, percent_complete=percent, status=status
    )


def build_dataset(chantier, n: int):
    author = UserFactory(username=f"assessor-{chantier.code}")
    axes = [
        AxisFactory(chantier=chantier, code=f"AX{i}", name=f"Axe {i}", order=i) for i in range(3)
    ]
    rnd = RoundFactory(chantier=chantier)
    impact = CriterionFactory(round=rnd, code="impact", name="Impact", order=1)
    feasibility = CriterionFactory(round=rnd, code="faisabilite", name="Faisabilité", order=2)
    plan = PlanFactory(chantier=chantier)
    organisations = [OrganisationFactory() for _ in range(2)]
    now = timezone.now()
    for i in range(n):
        rec = RecommendationFactory(
            chantier=chantier,
            axis=axes[i % 3],
            disposition=DISPOSITIONS[i % len(DISPOSITIONS)],
            score=Decimal(20 + (i * 7) % 80),
            tier=["P1", "P2", "P3"][i % 3],
        )
        AssessmentFactory(criterion=impact, recommendation=rec, assessor=author, score=1 + i % 5)
        AssessmentFactory(
            criterion=feasibility, recommendation=rec, assessor=author, score=1 + (i * 3) % 5
        )
        status = STATUSES[i % len(STATUSES)]
        percent = 100 if status == ActionStatus.DONE else (i * 13) % 100
        action = ActionFactory(
            plan=plan,
            axis=axes[i % 3],
            status=status,
            percent_complete=percent,
            budget_planned=Decimal(1000 * (i + 1)),
            budget_spent=Decimal(400 * (i + 1)),
            start_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=i),
            due_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=100 + 10 * i),
            last_update_at=now - datetime.timedelta(days=i),
        )
        ActionRecommendationFactory(action=action, recommendation=rec)
        PartnerFactory(
            action=action, organisation=organisations[i % 2], stage=STAGES[i % len(STAGES)]
        )
        update(
            action,
            percent=percent // 2,
            status=ActionStatus.ON_TRACK,
            at=now - datetime.timedelta(days=60 + i),
            author=author,
        )
        update(
            action,
            percent=percent,
            status=status,
            at=now - datetime.timedelta(days=i),
            author=author,
        )
        MilestoneFactory(action=action)
        indicator = IndicatorFactory(chantier=chantier, action=action, name=f"Indicateur {i:03d}")
        MeasurementFactory(indicator=indicator, recorded_by=author)
    return {"axes": axes, "round": rnd, "criteria": (impact, feasibility), "plan": plan}


@pytest.fixture
def dataset(chantier):
    def _build(n: int):
        return build_dataset(chantier, n)

    return _build
