import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chantiers.history import stamp
from chantiers.models import (
    Chantier,
    CommitteeMeeting,
    Decision,
    DecisionAction,
    DecisionRecommendation,
    Membership,
)


@transaction.atomic
def close_meeting(meeting: CommitteeMeeting, *, by) -> CommitteeMeeting:
    """Close a committee meeting and freeze a snapshot of the chantier's key figures,
    so its report keeps showing what the committee saw that day."""
    from dashboards.models import MeetingSnapshot
    from dashboards.queries import key_figures

    meeting = CommitteeMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_closed:
        raise ValidationError(_("Cette réunion est déjà fermée."))
    now = timezone.now()
    meeting.closed_at = now
    stamp(meeting, by=by, reason=_("Réunion fermée"))
    meeting.save(update_fields=["closed_at"])
    MeetingSnapshot.objects.create(
        meeting=meeting, taken_at=now, taken_by=by, figures=key_figures(meeting.chantier)
    )
    return meeting


# ---------------------------------------------------------------------------
# Meetings and decisions


def _ensure_meeting_open(meeting: CommitteeMeeting) -> None:
    if meeting.is_closed:
        raise ValidationError(
            _("Cette réunion est fermée : son procès-verbal et ses décisions ne changent plus.")
        )


@transaction.atomic
def create_meeting(
    chantier: Chantier, *, by, date: datetime.date, title: str, minutes: str = ""
) -> CommitteeMeeting:
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Donnez un titre à la réunion.")})
    meeting = CommitteeMeeting(chantier=chantier, date=date, title=title, minutes=minutes)
    stamp(meeting, by=by, reason=_("Réunion planifiée"))
    meeting.save()
    return meeting


@transaction.atomic
def update_meeting(
    meeting: CommitteeMeeting,
    *,
    by,
    date: datetime.date,
    title: str,
    minutes: str = "",
    reason: str = "",
) -> CommitteeMeeting:
    """Change a meeting's date, title or minutes. Raises StaleObjectError if the meeting
    changed since `meeting.version` was read."""
    _ensure_meeting_open(meeting)
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Donnez un titre à la réunion.")})
    if meeting.decisions.filter(due_date__lt=date).exists():
        raise ValidationError(
            {"date": _("Des décisions de cette réunion ont une échéance antérieure à cette date.")}
        )
    meeting.date, meeting.title, meeting.minutes = date, title, minutes
    stamp(meeting, by=by, reason=reason)
    meeting.save(update_fields=["date", "title", "minutes"])
    return meeting


def _check_decision_fields(
    meeting: CommitteeMeeting, *, kind, text, recommendations, actions, follow_up_owner, due_date
) -> str:
    errors = {}
    text = text.strip()
    if kind not in Decision.Kind.values:
        errors["kind"] = _("Nature inconnue.")
    if not text:
        errors["text"] = _("Écrivez la décision.")
    if any(r.chantier_id != meeting.chantier_id for r in recommendations):
        errors["recommendations"] = _("Ces recommandations doivent appartenir au chantier.")
    if any(a.chantier_id != meeting.chantier_id for a in actions):
        errors["actions"] = _("Ces actions doivent appartenir au chantier.")
    if (
        follow_up_owner is not None
        and not follow_up_owner.is_superuser
        and not Membership.objects.filter(
            user=follow_up_owner, chantier_id=meeting.chantier_id
        ).exists()
    ):
        errors["follow_up_owner"] = _("Le responsable du suivi doit être membre du chantier.")
    if due_date is not None and due_date < meeting.date:
        errors["due_date"] = _("L'échéance ne peut précéder la date de la réunion (%(date)s).") % {
            "date": meeting.date.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    return text


def _sync_links(decision: Decision, link_model, field: str, wanted, *, by, reason: str) -> None:
    """Make the decision's links to `wanted` objects exactly these, one save or delete per
    change so that each leaves a history row (never a bulk `.set()`)."""
    wanted_ids = {obj.pk for obj in wanted}
    existing = {
        getattr(link, f"{field}_id"): link for link in link_model.objects.filter(decision=decision)
    }
    for pk, link in existing.items():
        if pk not in wanted_ids:
            stamp(link, by=by, reason=reason).delete()
    for pk in sorted(wanted_ids - set(existing)):
        stamp(link_model(decision=decision, **{f"{field}_id": pk}), by=by, reason=reason).save()


@transaction.atomic
def record_decision(
    meeting: CommitteeMeeting,
    *,
    by,
    kind: str,
    text: str,
    recommendations=(),
    actions=(),
    follow_up_owner=None,
    due_date: datetime.date | None = None,
) -> Decision:
    """Record a decision (or information, or new action) of a meeting, with its links to
    the chantier's recommendations and actions and who follows it up."""
    _ensure_meeting_open(meeting)
    text = _check_decision_fields(
        meeting,
        kind=kind,
        text=text,
        recommendations=recommendations,
        actions=actions,
        follow_up_owner=follow_up_owner,
        due_date=due_date,
    )
    decision = Decision(
        meeting=meeting, kind=kind, text=text, follow_up_owner=follow_up_owner, due_date=due_date
    )
    reason = _("Décision consignée")
    stamp(decision, by=by, reason=reason)
    decision.save()
    _sync_links(
        decision, DecisionRecommendation, "recommendation", recommendations, by=by, reason=reason
    )
    _sync_links(decision, DecisionAction, "action", actions, by=by, reason=reason)
    return decision


@transaction.atomic
def update_decision(
    decision: Decision,
    *,
    by,
    kind: str,
    text: str,
    recommendations=(),
    actions=(),
    follow_up_owner=None,
    due_date: datetime.date | None = None,
    reason: str = "",
) -> Decision:
    """Correct a decision of a meeting still open. Raises StaleObjectError if the
    decision changed since `decision.version` was read."""
    meeting = decision.meeting
    _ensure_meeting_open(meeting)
    text = _check_decision_fields(
        meeting,
        kind=kind,
        text=text,
        recommendations=recommendations,
        actions=actions,
        follow_up_owner=follow_up_owner,
        due_date=due_date,
    )
    decision.kind, decision.text = kind, text
    decision.follow_up_owner, decision.due_date = follow_up_owner, due_date
    stamp(decision, by=by, reason=reason)
    decision.save(update_fields=["kind", "text", "follow_up_owner", "due_date"])
    link_reason = reason or _("Liens de la décision modifiés")
    _sync_links(
        decision,
        DecisionRecommendation,
        "recommendation",
        recommendations,
        by=by,
        reason=link_reason,
    )
    _sync_links(decision, DecisionAction, "action", actions, by=by, reason=link_reason)
    return decision


@transaction.atomic
def follow_up_decision(decision: Decision, *, by, status: str, follow_up: str) -> Decision:
    """Record where an earlier decision stands. Allowed after the meeting is closed:
    following decisions up is what later meetings do. Raises StaleObjectError if the
    decision changed since `decision.version` was read."""
    if status not in Decision.Status.values:
        raise ValidationError({"status": _("Statut inconnu.")})
    follow_up = follow_up.strip()
    if status == Decision.Status.CANCELLED and not follow_up:
        raise ValidationError({"follow_up": _("Expliquez pourquoi la décision est annulée.")})
    decision.status, decision.follow_up = status, follow_up
    stamp(
        decision, by=by, reason=_("Suivi : %(status)s") % {"status": Decision.Status(status).label}
    )
    decision.save(update_fields=["status", "follow_up"])
    return decision
