"""recompute_priorities costs the same number of queries whatever the number of
recommendations (it once deferred fields that history then loaded one by one)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommendations.services import recompute_priorities
from tests.factories import AssessmentFactory, CriterionFactory, RecommendationFactory


def _queries_to_recompute(chantier, lead, n: int) -> int:
    criterion = CriterionFactory(round__chantier=chantier)
    for _ in range(n):
        AssessmentFactory(
            criterion=criterion,
            recommendation=RecommendationFactory(chantier=chantier),
            assessor=lead,
            score=4,
        )
    with CaptureQueriesContext(connection) as ctx:
        changed = recompute_priorities(chantier, by=lead)
    assert changed == n
    return len(ctx.captured_queries)


def test_recompute_priorities_queries_do_not_grow_with_recommendations(
    chantier, other_chantier, lead
):
    one = _queries_to_recompute(other_chantier, lead, 1)

    three = _queries_to_recompute(chantier, lead, 3)

    assert one == three == 8
