"""The prioritisation scenario the round tests share, small enough to compute by hand.

Round « Ronde 1 », criteria `impact` (weight 2, higher is better) and `cout` (weight 1,
lower is better), thresholds P1 ≥ 70, P2 ≥ 50, spread flagged from 2. Assessors: lead,
committee member, and a second committee member (`comite2`).

    rec    impact (lead, committee, comite2)  cout (lead, committee)  score   rank  tier
    R-001  5, 4, 3 → mean 4 → 0.75, spread 2  2, 2 → 2 → 0.75       75.00   1     P1
    R-002  3 → 0.5                            —                     50.00*  2     P2
    R-003  4, 2 → 3 → 0.5, spread 2           5 → 0                 33.33   4     P3
    R-004  —                                  —                     —       —     —
    R-005  –, 3 → 0.5                         —                     50.00*  2     P2

    score = (2 × impact position + 1 × cout position) / (weights of scored criteria) × 100
    * computed on 1 criterion of 2 (a missing criterion is left out, not counted as 0).
"""

from decimal import Decimal

import pytest

from chantiers.models import Membership
from recommendations import services
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    RecommendationFactory,
    UserFactory,
)

__all__ = ["comite2", "recs", "round1", "scored_round1", "meeting"]


@pytest.fixture
def comite2(chantier):
    return MembershipFactory(
        user=UserFactory(username="comite2", first_name="Claire", last_name="Comité"),
        chantier=chantier,
        role=Membership.Role.COMMITTEE,
    ).user


@pytest.fixture
def recs(chantier):
    return {
        code: RecommendationFactory(chantier=chantier, code=code, title=f"Recommandation {code}")
        for code in ("R-001", "R-002", "R-003", "R-004", "R-005")
    }


@pytest.fixture
def round1(chantier, lead, committee_member, comite2, recs):
    rnd = services.open_round(chantier, by=lead, name="Ronde 1")
    services.add_criterion(
        rnd, by=lead, code="impact", name="Impact", weight=Decimal(2), rubric="1 : nul\n5 : majeur"
    )
    services.add_criterion(
        rnd,
        by=lead,
        code="cout",
        name="Coût",
        weight=Decimal(1),
        direction="lower",
        rubric="1 : faible\n5 : très élevé",
    )
    return rnd


def criterion(rnd, code):
    return rnd.criteria.get(code=code)


def score(rec, rnd, code, user, value, rationale=""):
    return services.score_recommendation(
        rec, criterion=criterion(rnd, code), by=user, score=value, rationale=rationale
    )


@pytest.fixture
def scored_round1(round1, recs, lead, committee_member, comite2):
    r = recs
    score(r["R-001"], round1, "impact", lead, 5)
    score(r["R-001"], round1, "impact", committee_member, 4)
    score(r["R-001"], round1, "impact", comite2, 3)
    score(r["R-001"], round1, "cout", lead, 2)
    score(r["R-001"], round1, "cout", committee_member, 2)
    score(r["R-002"], round1, "impact", lead, 3, "Effet limité à une usine.")
    score(r["R-003"], round1, "impact", lead, 4)
    score(r["R-003"], round1, "impact", committee_member, 2)
    score(r["R-003"], round1, "cout", lead, 5)
    score(r["R-005"], round1, "impact", committee_member, 3)
    round1.refresh_from_db()
    return round1


@pytest.fixture
def meeting(chantier):
    return MeetingFactory(chantier=chantier, title="Comité de suivi de juin")
