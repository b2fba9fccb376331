import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    F,
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
    ActionPlan,
    ActionRecommendation,
    ActionStatus,
    Indicator,
    Measurement,
    Milestone,
    ProgressUpdate,
)
from chantiers.history import Entry, timeline
from chantiers.models import Chantier, Organisation


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


def plans_for_chantier(chantier: Chantier) -> QuerySet[ActionPlan]:
    """The chantier's plans with their number of actions and mean percent complete."""
    return (
        ActionPlan.objects.filter(chantier=chantier)
        .select_related("approved_by_meeting")
        .annotate(action_count=Count("actions"), mean_percent=Avg("actions__percent_complete"))
        .order_by("-period_start", "title", "pk")
    )


def actions_owned_across(user) -> QuerySet[Action]:
    """'My actions' over every chantier the user can read, flagged late and stale
    (each chantier with its own reporting period), open ones first, the stalest
    first, with their open milestones and their indicators' measurements prefetched.
    Two queries for the chantiers and the actions whatever their number, plus three
    for the prefetches."""
    from chantiers.queries import chantiers_for_user

    chantiers = list(
        chantiers_for_user(user)
        .filter(Exists(Action.objects.filter(chantier=OuterRef("pk"), owner=user)))
        .only("pk", "reporting_period_days")
    )
    stale_when = [
        When(Q(chantier_id=c.pk) & stale_q(stale_cutoff(c)), then=Value(True)) for c in chantiers
    ]
    return (
        Action.objects.filter(owner=user, chantier__in=[c.pk for c in chantiers])
        .select_related("chantier", "axis", "plan")
        .annotate(
            late=Case(
                When(late_q(), then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
            stale=Case(*stale_when, default=Value(False), output_field=BooleanField())
            if stale_when
            else Value(False, output_field=BooleanField()),
            closed=Case(
                When(status__in=CLOSED_STATUSES, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=Milestone.objects.filter(reached_on__isnull=True).order_by("due_date"),
                to_attr="open_milestones",
            ),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.order_by("name").prefetch_related(
                    Prefetch("measurements", queryset=Measurement.objects.order_by("-date"))
                ),
            ),
        )
        .order_by("closed", "-stale", F("last_update_at").asc(nulls_first=True), "due_date", "code")
    )


def milestones_for_action(action: Action) -> QuerySet[Milestone]:
    return Milestone.objects.filter(action=action).order_by("due_date", "pk")


def partners_for_action(action: Action) -> QuerySet[ActionPartner]:
    return (
        ActionPartner.objects.filter(action=action)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def recommendation_links_for_action(action: Action) -> QuerySet[ActionRecommendation]:
    return (
        ActionRecommendation.objects.filter(action=action)
        .select_related("recommendation")
        .order_by("recommendation__code")
    )


def indicators_for_action(action: Action) -> QuerySet[Indicator]:
    return (
        Indicator.objects.filter(action=action)
        .order_by("name", "pk")
        .prefetch_related(
            Prefetch(
                "measurements",
                queryset=Measurement.objects.select_related("recorded_by").order_by("-date"),
            )
        )
    )


OBVIOUS_FIELDS = {"action", "chantier", "created_at"}


def action_history(action: Action) -> list[Entry]:
    """One timeline for the action and what hangs on it (partners, milestones,
    recommendation links, indicators), removed ones included, each entry labelled with
    the object it is about (`entry.subject`). A constant number of queries: per model,
    one for the history rows, one per related model they name and one for the users,
    plus one for the partners' organisations and one for the recommendations' codes."""
    from recommendations.models import Recommendation

    entries = []
    for entry in timeline(action.history.all()):
        entry.subject = ""
        entries.append(entry)

    partner_records = list(ActionPartner.history.filter(action_id=action.pk))
    org_ids = {r.organisation_id for r in partner_records}
    orgs = (
        dict((o.pk, str(o)) for o in Organisation.objects.filter(pk__in=org_ids)) if org_ids else {}
    )
    partner_org = {r.id: orgs.get(r.organisation_id, "?") for r in partner_records}
    for entry in timeline(partner_records):
        entry.subject = _("Partenaire %(name)s") % {"name": partner_org.get(entry.object_id, "?")}
        entries.append(entry)

    link_records = list(ActionRecommendation.history.filter(action_id=action.pk))
    rec_ids = {r.recommendation_id for r in link_records}
    codes = (
        dict(Recommendation.objects.filter(pk__in=rec_ids).values_list("pk", "code"))
        if rec_ids
        else {}
    )
    link_code = {r.id: codes.get(r.recommendation_id, "?") for r in link_records}
    for entry in timeline(link_records):
        entry.subject = _("Lien vers la recommandation %(code)s") % {
            "code": link_code.get(entry.object_id, "?")
        }
        entries.append(entry)

    for model, label, name_field in (
        (Milestone, _("Jalon « %(name)s »"), "title"),
        (Indicator, _("Indicateur « %(name)s »"), "name"),
    ):
        records = list(model.history.filter(action_id=action.pk).order_by("history_date"))
        names = {r.id: getattr(r, name_field) for r in records}  # latest wins
        for entry in timeline(records):
            entry.subject = label % {"name": names.get(entry.object_id, "?")}
            entries.append(entry)

    for entry in entries:
        # Which action and chantier an object hangs on goes without saying here.
        entry.changes = [c for c in entry.changes if c.field not in OBVIOUS_FIELDS]
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


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
