from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chantiers.history import stamp
from chantiers.models import CommitteeMeeting


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
