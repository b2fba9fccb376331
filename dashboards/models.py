from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chantiers.models import CommitteeMeeting


class MeetingSnapshot(models.Model):
    """The chantier's key figures as they stood when a committee meeting was closed.
    Written once by chantiers.services.close_meeting and never changed afterwards."""

    meeting = models.OneToOneField(
        CommitteeMeeting,
        verbose_name=_("réunion"),
        on_delete=models.CASCADE,
        related_name="snapshot",
    )
    taken_at = models.DateTimeField(_("prise le"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prise par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    figures = models.JSONField(_("chiffres clés"))

    class Meta:
        verbose_name = _("instantané de réunion")
        verbose_name_plural = _("instantanés de réunion")

    def __str__(self):
        return str(self.meeting)
