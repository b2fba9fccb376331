from django.db.models import Count, F, Q, QuerySet

from chantiers.models import Chantier, CommitteeMeeting, Decision, Membership
from chantiers.permissions import is_admin, roles_by_chantier


def chantiers_for_user(user) -> QuerySet[Chantier]:
    """The chantiers a user may see: every read a user triggers starts here."""
    if is_admin(user):
        return Chantier.objects.all()
    return Chantier.objects.filter(pk__in=list(roles_by_chantier(user)))


def members_for_chantier(chantier: Chantier, *, role: str | None = None) -> QuerySet[Membership]:
    qs = Membership.objects.filter(chantier=chantier).select_related("user", "organisation")
    return qs.filter(role=role) if role else qs


def meetings_for_chantier(chantier: Chantier) -> QuerySet[CommitteeMeeting]:
    return CommitteeMeeting.objects.filter(chantier=chantier).order_by("-date")


def previous_meeting(meeting: CommitteeMeeting) -> CommitteeMeeting | None:
    return (
        CommitteeMeeting.objects.filter(chantier_id=meeting.chantier_id, date__lt=meeting.date)
        .order_by("-date", "-pk")
        .first()
    )


def decisions_for_meeting(meeting: CommitteeMeeting) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(meeting=meeting)
        .select_related("follow_up_owner")
        .prefetch_related("recommendations", "actions")
    )


OPEN_DECISION_STATUSES = (Decision.Status.OPEN, Decision.Status.IN_PROGRESS)


def meetings_with_counts_for_chantier(chantier: Chantier) -> QuerySet[CommitteeMeeting]:
    """Meetings, newest first, with how many decisions each recorded and how many of
    those still await follow-up; one query."""
    return meetings_for_chantier(chantier).annotate(
        decision_count=Count("decisions"),
        open_decision_count=Count(
            "decisions", filter=Q(decisions__status__in=OPEN_DECISION_STATUSES)
        ),
    )


def open_decisions_for_chantier(
    chantier: Chantier, *, before: CommitteeMeeting | None = None
) -> QuerySet[Decision]:
    """Decisions still to follow up (open or in progress), oldest first; with `before`,
    only those taken at earlier meetings than that one."""
    qs = Decision.objects.filter(
        meeting__chantier=chantier, status__in=OPEN_DECISION_STATUSES
    ).select_related("meeting", "follow_up_owner")
    if before is not None:
        qs = qs.filter(meeting__date__lt=before.date)
    return qs.order_by(F("due_date").asc(nulls_last=True), "meeting__date", "pk")
