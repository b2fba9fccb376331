import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import (
    STATUS_SEVERITY,
    Action,
    ActionRecommendation,
    ActionStatus,
    Indicator,
    Measurement,
    Milestone,
    ProgressUpdate,
)
from chantiers.history import stamp


@transaction.atomic
def log_progress(
    action: Action,
    *,
    by,
    percent: int,
    status: str,
    comment: str = "",
    blockers: str = "",
    evidence_url: str = "",
    nothing_new: bool = False,
    at: datetime.datetime | None = None,
) -> ProgressUpdate:
    """Append a progress update and make the action follow it (percent, status,
    freshness, completion date). A drop in percent or a worse status needs a comment."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    comment = comment.strip()
    errors = {}
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        errors["percent"] = _("L'avancement doit être un entier de 0 à 100.")
    if status not in ActionStatus.values:
        errors["status"] = _("Statut inconnu.")
    if errors:
        raise ValidationError(errors)
    if not comment:
        if percent < action.percent_complete:
            errors["comment"] = _(
                "L'avancement recule (%(old)d %% → %(new)d %%) : expliquez pourquoi."
            ) % {"old": action.percent_complete, "new": percent}
        elif STATUS_SEVERITY[status] > STATUS_SEVERITY[action.status]:
            errors["comment"] = _(
                "Le statut se dégrade (%(old)s → %(new)s) : expliquez pourquoi."
            ) % {
                "old": action.get_status_display(),
                "new": ActionStatus(status).label,
            }
    if status == ActionStatus.DONE and percent != 100:
        errors["percent"] = _("Une action terminée est à 100 %.")
    if errors:
        raise ValidationError(errors)

    at = at or timezone.now()
    update = ProgressUpdate(
        action=action,
        author=by,
        created_at=at,
        percent_complete=percent,
        status=status,
        comment=comment,
        blockers=blockers.strip(),
        evidence_url=evidence_url.strip(),
        nothing_new=nothing_new,
    )
    stamp(update, by=by)
    update.save()

    action.percent_complete = percent
    action.status = status
    action.last_update_at = at
    if status == ActionStatus.DONE and action.completed_on is None:
        action.completed_on = timezone.localdate(at)
    elif status != ActionStatus.DONE:
        action.completed_on = None
    stamp(action, by=by, reason=comment[:100] or _("Mise à jour de l'avancement"))
    action.save(update_fields=["percent_complete", "status", "last_update_at", "completed_on"])
    return update


@transaction.atomic
def record_nothing_new(action: Action, *, by, comment: str = "") -> ProgressUpdate:
    """'Nothing new': still counts as fresh news, changes nothing else."""
    # Repeat the stored percent and status, not those of the caller's copy, which may
    # predate the latest update (and would silently roll it back).
    action = Action.objects.select_for_update().get(pk=action.pk)
    return log_progress(
        action,
        by=by,
        percent=action.percent_complete,
        status=action.status,
        comment=comment or _("Rien de nouveau."),
        nothing_new=True,
    )


@transaction.atomic
def reach_milestone(milestone: Milestone, *, by, on: datetime.date | None = None) -> Milestone:
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"reached_on": _("Un jalon ne peut être atteint dans le futur.")})
    milestone.reached_on = on
    stamp(milestone, by=by, reason=_("Jalon atteint"))
    milestone.save(update_fields=["reached_on"])
    return milestone


@transaction.atomic
def record_measurement(
    indicator: Indicator,
    *,
    by,
    date: datetime.date,
    value: Decimal,
    comment: str = "",
) -> Measurement:
    """Record (or correct) the indicator's value on a date."""
    if date > timezone.localdate():
        raise ValidationError({"date": _("Une mesure ne peut être datée dans le futur.")})
    measurement = Measurement.objects.filter(indicator=indicator, date=date).first() or Measurement(
        indicator=indicator, date=date
    )
    measurement.value = Decimal(value)
    measurement.comment = comment
    measurement.recorded_by = by
    stamp(measurement, by=by)
    measurement.save()
    return measurement


@transaction.atomic
def link_recommendation(
    action: Action, *, recommendation, by, contribution: str = ""
) -> ActionRecommendation:
    if recommendation.chantier_id != action.chantier_id:
        raise ValidationError(
            {"recommendation": _("La recommandation appartient à un autre chantier.")}
        )
    link = ActionRecommendation.objects.filter(action=action, recommendation=recommendation).first()
    if link is None:
        link = ActionRecommendation(action=action, recommendation=recommendation)
    link.contribution = contribution
    stamp(link, by=by)
    link.save()
    return link


@transaction.atomic
def unlink_recommendation(link: ActionRecommendation, *, by, reason: str = "") -> None:
    stamp(link, by=by, reason=reason)
    link.delete()
