"""The committee report: what changed between two moments, from the history tables
and the update log."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from actions.models import (
    CLOSED_STATUSES,
    Action,
    ActionPartner,
    ActionStatus,
    Milestone,
    ProgressUpdate,
)
from chantiers.models import Chantier, CommitteeMeeting, Decision
from dashboards.queries.scope import (
    ENGAGED_STAGES,
    REPORT_LIST_LIMIT,
)
from recommendations.models import Recommendation

# ---------------------------------------------------------------------------
# Committee report: what changed between two moments


@dataclass(frozen=True)
class Period:
    """The report covers (since, until]. `since` is None for a chantier's first meeting."""

    since: datetime.datetime | None
    until: datetime.datetime

    @property
    def start(self) -> datetime.datetime:
        return self.since or datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)

    def window(self, field_name: str) -> Q:
        return Q(**{f"{field_name}__gt": self.start, f"{field_name}__lte": self.until})


def _end_of_day(day: datetime.date) -> datetime.datetime:
    midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(midnight)


def meeting_moment(
    meeting: CommitteeMeeting, *, now: datetime.datetime | None = None
) -> datetime.datetime:
    """When a meeting's report stops counting: when it was closed (the snapshot), else
    the end of its day, or now if that is still to come."""
    if meeting.closed_at:
        return meeting.closed_at
    return min(_end_of_day(meeting.date), now or timezone.now())


def report_period(
    meeting: CommitteeMeeting,
    previous: CommitteeMeeting | None,
    *,
    now: datetime.datetime | None = None,
) -> Period:
    """From the previous meeting's moment to this one's: consecutive reports cover
    consecutive, non-overlapping periods."""
    return Period(
        since=meeting_moment(previous, now=now) if previous else None,
        until=meeting_moment(meeting, now=now),
    )


def _state_at(model, field_name: str, moment: datetime.datetime, ref: str = "pk") -> Subquery:
    """The value of `field_name` of the object at `moment`, from its history table."""
    history = model.history.model
    return Subquery(
        history.objects.filter(id=OuterRef(ref), history_date__lte=moment)
        .order_by("-history_date", "-history_id")
        .values(field_name)[:1]
    )


def _changed_in(model, period: Period, ref: str = "pk") -> Exists:
    history = model.history.model
    return Exists(history.objects.filter(period.window("history_date"), id=OuterRef(ref)))


@dataclass(frozen=True)
class Capped:
    """A list shown on the report, capped, with its full size."""

    rows: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _capped(qs, limit: int, mapper=dict) -> Capped:
    return Capped(rows=[mapper(r) for r in qs[:limit]], total=qs.count())


def new_recommendations(
    chantier: Chantier, period: Period, *, limit: int = REPORT_LIST_LIMIT
) -> Capped:
    """Recommendations created during the period (imported, typed or transferred in)."""
    history = Recommendation.history.model
    qs = (
        history.objects.filter(
            period.window("history_date"), chantier_id=chantier.pk, history_type="+"
        )
        .order_by("code")
        .values("id", "code", "title", "axis__name")
    )
    return _capped(qs, limit)


def _recommendation_changes(chantier: Chantier, period: Period) -> QuerySet:
    start, end = period.start, period.until
    return (
        Recommendation.objects.filter(chantier=chantier)
        .filter(_changed_in(Recommendation, period))
        .annotate(
            disposition_before=_state_at(Recommendation, "disposition", start),
            disposition_after=_state_at(Recommendation, "disposition", end),
            tier_before=_state_at(Recommendation, "tier", start),
            tier_after=_state_at(Recommendation, "tier", end),
        )
        .filter(disposition_before__isnull=False)
    )


def recommendation_changes(
    chantier: Chantier, period: Period, *, limit: int = REPORT_LIST_LIMIT
) -> Capped:
    """Recommendations that existed at the start of the period and whose disposition or
    tier differs at its end (net changes: a change undone within the period is not
    listed). Rows: code, title, disposition and tier before and after."""
    qs = (
        _recommendation_changes(chantier, period)
        .filter(~Q(disposition_before=F("disposition_after")) | ~Q(tier_before=F("tier_after")))
        .order_by("code")
        .values(
            "id",
            "code",
            "title",
            "disposition_before",
            "disposition_after",
            "tier_before",
            "tier_after",
        )
    )
    return _capped(qs, limit)


def disposition_transitions(chantier: Chantier, period: Period) -> list[dict]:
    """How many recommendations went from each disposition to each other one during the
    period (net), most frequent first."""
    rows = (
        _recommendation_changes(chantier, period)
        .filter(~Q(disposition_before=F("disposition_after")))
        .values("disposition_before", "disposition_after")
        .annotate(n=Count("id"))
        .order_by("-n", "disposition_before", "disposition_after")
    )
    return list(rows)


def action_progress(
    chantier: Chantier, period: Period, *, limit: int = REPORT_LIST_LIMIT
) -> Capped:
    """Actions with at least one progress update in the period: percent at its start
    (0 before any update) and at its end, number of updates, status at the end. The
    biggest moves first."""
    start, end = period.start, period.until
    updates = ProgressUpdate.objects.filter(action=OuterRef("pk"))

    def latest(moment, field_name):
        return Subquery(
            updates.filter(created_at__lte=moment)
            .order_by("-created_at", "-pk")
            .values(field_name)[:1]
        )

    in_period = updates.filter(period.window("created_at"))
    count = Subquery(
        in_period.order_by().values("action").annotate(c=Count("pk")).values("c")[:1],
        output_field=IntegerField(),
    )
    qs = (
        Action.objects.filter(chantier=chantier)
        .filter(Exists(in_period))
        .annotate(
            percent_before=Coalesce(latest(start, "percent_complete"), Value(0)),
            percent_after=latest(end, "percent_complete"),
            status_after=latest(end, "status"),
            updates_in_period=count,
        )
        .annotate(gain=F("percent_after") - F("percent_before"))
        .order_by("-gain", "code")
        .values(
            "id",
            "code",
            "title",
            "percent_before",
            "percent_after",
            "gain",
            "status_after",
            "updates_in_period",
        )
    )
    return _capped(qs, limit)


def _late_at(prefix: str, day: datetime.date) -> Q:
    status = f"{prefix}_status"
    return (
        Q(**{f"{status}__isnull": False})
        & ~Q(**{f"{status}__in": CLOSED_STATUSES})
        & (Q(**{status: ActionStatus.LATE}) | Q(**{f"{prefix}_due__lt": day}))
    )


def _stale_at(prefix: str, cutoff: datetime.datetime) -> Q:
    status = f"{prefix}_status"
    return (
        Q(**{f"{status}__isnull": False})
        & ~Q(**{f"{status}__in": CLOSED_STATUSES})
        & Q(**{f"{prefix}_news__lt": cutoff})
    )


def _flag(q: Q) -> Case:
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def actions_turned_late_or_stale(
    chantier: Chantier, period: Period, *, limit: int = REPORT_LIST_LIMIT
) -> Capped:
    """Actions late (or stale) at the end of the period that were not at its start
    (including actions created during the period), from the actions' history."""
    period_length = datetime.timedelta(days=chantier.reporting_period_days)
    start, end = period.start, period.until
    states = {}
    for prefix, moment in (("before", start), ("after", end)):
        states[f"{prefix}_status"] = _state_at(Action, "status", moment)
        states[f"{prefix}_due"] = _state_at(Action, "due_date", moment)
        states[f"{prefix}_news"] = Coalesce(
            _state_at(Action, "last_update_at", moment), F("created_at")
        )
    qs = (
        Action.objects.filter(chantier=chantier)
        .annotate(**states)
        .annotate(
            late_before=_flag(_late_at("before", timezone.localdate(start))),
            late_after=_flag(_late_at("after", timezone.localdate(end))),
            stale_before=_flag(_stale_at("before", start - period_length)),
            stale_after=_flag(_stale_at("after", end - period_length)),
        )
        .filter(Q(late_after=True, late_before=False) | Q(stale_after=True, stale_before=False))
        .order_by("code")
        .values(
            "id",
            "code",
            "title",
            "after_status",
            "after_due",
            "after_news",
            "late_before",
            "late_after",
            "stale_before",
            "stale_after",
        )
    )

    def row(r):
        return {
            **r,
            "became_late": r["late_after"] and not r["late_before"],
            "became_stale": r["stale_after"] and not r["stale_before"],
        }

    return _capped(qs, limit, row)


def partners_newly_engaged(
    chantier: Chantier, period: Period, *, limit: int = REPORT_LIST_LIMIT
) -> Capped:
    """Partnerships that reached "committed" or "active" during the period."""
    qs = (
        ActionPartner.objects.filter(action__chantier=chantier)
        .filter(_changed_in(ActionPartner, period))
        .annotate(
            stage_before=_state_at(ActionPartner, "stage", period.start),
            stage_after=_state_at(ActionPartner, "stage", period.until),
        )
        .filter(stage_after__in=ENGAGED_STAGES)
        .filter(Q(stage_before__isnull=True) | ~Q(stage_before__in=ENGAGED_STAGES))
        .order_by("organisation__name", "action__code")
        .values(
            "id",
            "organisation__name",
            "organisation__acronym",
            "action__code",
            "action__title",
            "role",
            "stage_before",
            "stage_after",
        )
    )
    return _capped(qs, limit)


def milestones_reached(
    chantier: Chantier, period: Period, *, limit: int = REPORT_LIST_LIMIT
) -> Capped:
    since_day = timezone.localdate(period.start)
    qs = (
        Milestone.objects.filter(
            action__chantier=chantier,
            reached_on__gt=since_day,
            reached_on__lte=timezone.localdate(period.until),
        )
        .order_by("reached_on", "action__code")
        .values("id", "title", "due_date", "reached_on", "action__code", "action__title")
    )
    return _capped(qs, limit)


def earlier_decisions_to_follow(
    meeting: CommitteeMeeting, period: Period, *, limit: int = REPORT_LIST_LIMIT
) -> Capped:
    """Decisions of earlier meetings of the chantier still open, or whose follow-up
    changed during the period."""
    qs = (
        Decision.objects.filter(meeting__chantier_id=meeting.chantier_id)
        .filter(
            Q(meeting__date__lt=meeting.date)
            | Q(meeting__date=meeting.date, meeting__pk__lt=meeting.pk)
        )
        .filter(
            ~Q(status__in=(Decision.Status.DONE, Decision.Status.CANCELLED))
            | _changed_in(Decision, period)
        )
        .order_by("meeting__date", "pk")
        .values(
            "id",
            "kind",
            "text",
            "status",
            "follow_up",
            "due_date",
            "meeting__date",
            "meeting__title",
            "follow_up_owner__first_name",
            "follow_up_owner__last_name",
            "follow_up_owner__username",
        )
    )
    return _capped(qs, limit)
