import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import (
    CLOSED_STATUSES,
    Action,
    ActionPartner,
    ActionRecommendation,
    ActionStatus,
    Indicator,
    ProgressUpdate,
)
from chantiers.models import Chantier


def late_q(today: datetime.date | None = None) -> Q:
    """Late: flagged late, or past due while still open (same rule as Action.is_late)."""
    today = today or timezone.localdate()
    open_ = ~Q(status__in=CLOSED_STATUSES)
    return open_ & (Q(status=ActionStatus.LATE) | Q(due_date__lt=today))


def stale_cutoff(chantier: Chantier, now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(days=chantier.reporting_period_days)


def stale_q(cutoff: datetime.datetime) -> Q:
    """Stale: open and without news since `cutoff` (same rule as Action.is_stale)."""
    open_ = ~Q(status__in=CLOSED_STATUSES)
    return open_ & (
        Q(last_update_at__lt=cutoff) | Q(last_update_at__isnull=True, created_at__lt=cutoff)
    )


def with_flags(qs: QuerySet[Action], chantier: Chantier) -> QuerySet[Action]:
    return qs.annotate(
        late=Case(
            When(late_q(), then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
        stale=Case(
            When(stale_q(stale_cutoff(chantier)), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def actions_for_chantier(
    chantier: Chantier,
    *,
    owner=None,
    status: str | None = None,
    late: bool | None = None,
    stale: bool | None = None,
    axis=None,
    partner=None,
    recommendation=None,
    search: str = "",
) -> QuerySet[Action]:
    qs = with_flags(
        Action.objects.filter(chantier=chantier).select_related(
            "owner", "axis", "lead_organisation", "plan"
        ),
        chantier,
    )
    if owner is not None:
        qs = qs.filter(owner=owner)
    if status:
        qs = qs.filter(status=status)
    if late is not None:
        qs = qs.filter(late=late)
    if stale is not None:
        qs = qs.filter(stale=stale)
    if axis:
        qs = qs.filter(axis=axis)
    if partner:
        qs = qs.filter(
            Exists(ActionPartner.objects.filter(action=OuterRef("pk"), organisation=partner))
        )
    if recommendation:
        qs = qs.filter(
            Exists(
                ActionRecommendation.objects.filter(
                    action=OuterRef("pk"), recommendation=recommendation
                )
            )
        )
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(title__icontains=search))
    return qs


def actions_owned_by(user, chantier: Chantier) -> QuerySet[Action]:
    """'My actions': open ones first, the stalest first."""
    return actions_for_chantier(chantier, owner=user).order_by(
        "-stale", "last_update_at", "due_date", "code"
    )


def updates_for_action(action: Action) -> QuerySet[ProgressUpdate]:
    return ProgressUpdate.objects.filter(action=action).select_related("author")


def indicators_for_chantier(chantier: Chantier) -> QuerySet[Indicator]:
    return Indicator.objects.filter(chantier=chantier).prefetch_related("measurements")


@dataclass
class ImplementationProgress:
    percent: int | None
    explanation: str
    parts: list[tuple[str, int, str]] = field(default_factory=list)


def implementation_progress(recommendation) -> ImplementationProgress:
    """A recommendation's implementation percent and how it was computed: the plain mean
    of its linked actions' percents (cancelled actions left out), or 100 once it is
    marked implemented. Percents are typed by people; this only rolls them up."""
    from recommendations.models import Recommendation

    if recommendation.disposition == Recommendation.Disposition.IMPLEMENTED:
        return ImplementationProgress(100, _("Recommandation marquée « mise en œuvre » : 100 %."))
    actions = list(
        Action.objects.filter(recommendation_links__recommendation=recommendation)
        .exclude(status=ActionStatus.CANCELLED)
        .order_by("code")
        .values_list("code", "percent_complete", "status")
    )
    if not actions:
        return ImplementationProgress(
            None, _("Aucune action active n'est liée à cette recommandation.")
        )
    mean = Decimal(sum(p for _c, p, _s in actions)) / len(actions)
    percent = int(mean.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    detail = ", ".join(f"{code} {p} %" for code, p, _s in actions)
    return ImplementationProgress(
        percent,
        _("Moyenne simple de %(n)d action(s) : %(detail)s → %(percent)d %%.")
        % {"n": len(actions), "detail": detail, "percent": percent},
        actions,
    )


def latest_update_prefetch() -> Prefetch:
    """Each action's latest progress update as `action.latest_updates` (a list of at
    most one), in one query for the whole page."""
    latest = ProgressUpdate.objects.filter(
        pk=Subquery(
            ProgressUpdate.objects.filter(action=OuterRef("action"))
            .order_by("-created_at", "-pk")
            .values("pk")[:1]
        )
    ).select_related("author")
    return Prefetch("updates", queryset=latest, to_attr="latest_updates")


def actions_for_chantiers(chantiers: QuerySet[Chantier]) -> QuerySet[Action]:
    """Actions of several chantiers (an API list across the user's chantiers), each
    flagged `late` and `stale` by its own chantier's reporting period, with owner,
    linked recommendations and latest update loaded: a constant number of queries."""
    cutoffs = [(c.pk, stale_cutoff(c)) for c in chantiers.only("pk", "reporting_period_days")]
    stale = Case(
        *[When(Q(chantier_id=pk) & stale_q(cutoff), then=Value(True)) for pk, cutoff in cutoffs],
        default=Value(False),
        output_field=BooleanField(),
    )
    late = Case(When(late_q(), then=Value(True)), default=Value(False), output_field=BooleanField())
    links = ActionRecommendation.objects.select_related("recommendation").order_by(
        "recommendation__code"
    )
    return (
        Action.objects.filter(chantier__in=[pk for pk, _cutoff in cutoffs])
        .select_related("owner", "chantier", "plan")
        .annotate(late=late, stale=stale)
        .prefetch_related(
            Prefetch("recommendation_links", queryset=links), latest_update_prefetch()
        )
    )
