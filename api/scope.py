"""Which chantier every object belongs to, as an ORM path, so that every queryset the
API builds (lists, details, related-field choices) is cut to the user's chantiers."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from actions.models import (
    Action,
    ActionPartner,
    ActionPlan,
    ActionRecommendation,
    Indicator,
    Measurement,
    Milestone,
    ProgressUpdate,
)
from chantiers.models import Chantier, CommitteeMeeting, Decision, Membership
from chantiers.permissions import is_admin
from chantiers.queries import chantiers_for_user
from recommendations.models import (
    Assessment,
    Criterion,
    PrioritisationRound,
    Recommendation,
    StrategicAxis,
)

# Models absent from this table (Organisation, Study) are shared by every chantier.
CHANTIER_PATHS: dict[type, str] = {
    Chantier: "pk",
    Membership: "chantier",
    CommitteeMeeting: "chantier",
    Decision: "meeting__chantier",
    StrategicAxis: "chantier",
    Recommendation: "chantier",
    PrioritisationRound: "chantier",
    Criterion: "round__chantier",
    Assessment: "recommendation__chantier",
    ActionPlan: "chantier",
    Action: "chantier",
    ActionRecommendation: "action__chantier",
    ActionPartner: "action__chantier",
    Milestone: "action__chantier",
    ProgressUpdate: "action__chantier",
    Indicator: "chantier",
    Measurement: "indicator__chantier",
}


def scoped(qs: QuerySet, user) -> QuerySet:
    """`qs` cut to what `user` may read."""
    if is_admin(user):
        return qs
    if qs.model is get_user_model():
        # People are visible to those who share a chantier with them.
        return qs.filter(memberships__chantier__in=chantiers_for_user(user)).distinct()
    path = CHANTIER_PATHS.get(qs.model)
    if path is None:
        return qs
    return qs.filter(**{f"{path}__in": chantiers_for_user(user)})


def chantier_id_of(obj) -> int | None:
    """The id of the chantier `obj` belongs to (None for shared models). Follows the
    path attribute by attribute, so select_related the path to avoid queries."""
    path = CHANTIER_PATHS.get(type(obj))
    if path is None:
        return None
    if path == "pk":
        return obj.pk
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)
