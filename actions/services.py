import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import (
    STATUS_SEVERITY,
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
from chantiers.history import stamp
from chantiers.models import Chantier, CommitteeMeeting, Membership


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


# --- Editing the plan, its actions, partners, milestones and indicators (lead/admin) ---
#
# Every update takes the `version` the editor read: the save is refused with
# chantiers.models.StaleObjectError when someone else saved in between (the check sits
# in the UPDATE statement, see VersionedModel). Validation errors are per field, in
# French, and raised before anything is written.

PLAN_FIELDS = ("title", "plan_version", "period_start", "period_end")
ACTION_FIELDS = (
    "plan",
    "code",
    "title",
    "description",
    "axis",
    "lead_organisation",
    "owner",
    "start_date",
    "due_date",
    "budget_planned",
    "budget_spent",
)
PARTNER_FIELDS = (
    "organisation",
    "role",
    "stage",
    "contribution_kind",
    "contribution_amount",
    "contribution_description",
    "contact",
)
MILESTONE_FIELDS = ("title", "due_date")
INDICATOR_FIELDS = ("name", "unit", "baseline", "target", "target_date")
# Who may own an action: the people who can log its progress (DESIGN §5).
OWNER_ROLES = (Membership.Role.LEAD, Membership.Role.STAFF)


def _apply(instance, changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"Champs non modifiables : {sorted(unknown)}")
    for name, value in changes.items():
        setattr(instance, name, value)


def _raise_if_invalid(instance, errors: dict) -> None:
    """Field checks of the model (required, lengths, choices) plus the service's own
    per-field `errors`; the database constraints are checked by the services
    themselves so that each message lands next to its field."""
    try:
        instance.full_clean(validate_constraints=False)
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _check_dates(errors: dict, start, end, *, field: str, message: str) -> None:
    if start and end and end < start:
        errors.setdefault(field, []).append(message)


def _save_versioned(instance, *, by, version: int | None, reason: str) -> None:
    if version is not None:
        instance.version = version
    stamp(instance, by=by, reason=reason)
    instance.save()


def _plan_errors(plan: ActionPlan) -> dict:
    errors: dict = {}
    _check_dates(
        errors,
        plan.period_start,
        plan.period_end,
        field="period_end",
        message=_("La fin de la période ne peut précéder son début."),
    )
    return errors


@transaction.atomic
def create_plan(
    chantier: Chantier,
    *,
    by,
    title: str,
    plan_version: str = "1.0",
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
) -> ActionPlan:
    plan = ActionPlan(
        chantier=chantier,
        title=title.strip(),
        plan_version=plan_version.strip(),
        period_start=period_start,
        period_end=period_end,
    )
    _raise_if_invalid(plan, _plan_errors(plan))
    _save_versioned(plan, by=by, version=None, reason=_("Plan créé"))
    return plan


@transaction.atomic
def update_plan(
    plan: ActionPlan, *, by, version: int, changes: dict, reason: str = ""
) -> ActionPlan:
    _apply(plan, changes, PLAN_FIELDS)
    _raise_if_invalid(plan, _plan_errors(plan))
    _save_versioned(plan, by=by, version=version, reason=reason)
    return plan


@transaction.atomic
def approve_plan(
    plan: ActionPlan, *, by, version: int, meeting: CommitteeMeeting | None
) -> ActionPlan:
    """The committee approved the plan at `meeting`: status approved, meeting recorded."""
    errors = {}
    if meeting is None:
        errors["meeting"] = _("Indiquez la réunion du comité qui a approuvé le plan.")
    elif meeting.chantier_id != plan.chantier_id:
        errors["meeting"] = _("Cette réunion appartient à un autre chantier.")
    if plan.status == ActionPlan.Status.CLOSED:
        errors["__all__"] = _("Un plan fermé ne peut plus être approuvé.")
    if errors:
        raise ValidationError(errors)
    plan.status = ActionPlan.Status.APPROVED
    plan.approved_by_meeting = meeting
    _save_versioned(
        plan,
        by=by,
        version=version,
        reason=_("Plan approuvé par le comité (%(meeting)s)") % {"meeting": meeting},
    )
    return plan


def _action_errors(action: Action) -> dict:
    errors: dict = {}
    chantier_id = action.chantier_id
    if action.plan_id and action.plan.chantier_id != chantier_id:
        errors["plan"] = [_("Ce plan appartient à un autre chantier.")]
    if action.axis_id and action.axis.chantier_id != chantier_id:
        errors["axis"] = [_("Cet axe appartient à un autre chantier.")]
    if (
        action.owner_id
        and not Membership.objects.filter(
            user_id=action.owner_id, chantier_id=chantier_id, role__in=OWNER_ROLES
        ).exists()
    ):
        errors["owner"] = [
            _("Le responsable doit être responsable du chantier ou chargé·e de projet du chantier.")
        ]
    if (
        action.code
        and Action.objects.filter(chantier_id=chantier_id, code=action.code)
        .exclude(pk=action.pk)
        .exists()
    ):
        errors["code"] = [_("Ce code d'action existe déjà dans ce chantier.")]
    _check_dates(
        errors,
        action.start_date,
        action.due_date,
        field="due_date",
        message=_("L'échéance ne peut précéder la date de début."),
    )
    for name in ("budget_planned", "budget_spent"):
        value = getattr(action, name)
        if value is not None and value < 0:
            errors.setdefault(name, []).append(_("Un budget ne peut être négatif."))
    return errors


@transaction.atomic
def create_action(plan: ActionPlan, *, by, code: str, title: str, **fields) -> Action:
    """A new action in `plan` (and so in the plan's chantier). `fields` are any of
    ACTION_FIELDS; percent and status start at 0 % / not started and then follow the
    progress log."""
    action = Action(chantier_id=plan.chantier_id, plan=plan)
    _apply(action, {"code": code.strip(), "title": title.strip(), **fields}, ACTION_FIELDS)
    _raise_if_invalid(action, _action_errors(action))
    _save_versioned(action, by=by, version=None, reason=_("Action créée"))
    return action


@transaction.atomic
def update_action(action: Action, *, by, version: int, changes: dict, reason: str = "") -> Action:
    """Edit the action's description fields (not its percent or status: those follow
    the progress log, see log_progress)."""
    _apply(action, changes, ACTION_FIELDS)
    _raise_if_invalid(action, _action_errors(action))
    _save_versioned(action, by=by, version=version, reason=reason)
    return action


def _partner_errors(partner: ActionPartner) -> dict:
    errors: dict = {}
    if (
        partner.organisation_id
        and ActionPartner.objects.filter(
            action_id=partner.action_id, organisation_id=partner.organisation_id
        )
        .exclude(pk=partner.pk)
        .exists()
    ):
        errors["organisation"] = [_("Cette organisation est déjà partenaire de l'action.")]
    if partner.contribution_amount is not None and partner.contribution_amount < 0:
        errors["contribution_amount"] = [_("Une contribution ne peut être négative.")]
    return errors


@transaction.atomic
def add_partner(action: Action, *, by, organisation, role: str, **fields) -> ActionPartner:
    """Mobilise an organisation on the action; `fields` are any of PARTNER_FIELDS."""
    partner = ActionPartner(action=action)
    _apply(partner, {"organisation": organisation, "role": role, **fields}, PARTNER_FIELDS)
    _raise_if_invalid(partner, _partner_errors(partner))
    _save_versioned(partner, by=by, version=None, reason=_("Partenaire ajouté"))
    return partner


@transaction.atomic
def update_partner(
    partner: ActionPartner, *, by, version: int, changes: dict, reason: str = ""
) -> ActionPartner:
    _apply(partner, changes, PARTNER_FIELDS)
    _raise_if_invalid(partner, _partner_errors(partner))
    _save_versioned(partner, by=by, version=version, reason=reason)
    return partner


@transaction.atomic
def remove_partner(partner: ActionPartner, *, by, reason: str = "") -> None:
    """Delete the partnership; its history (with who removed it and why) stays."""
    stamp(partner, by=by, reason=reason or _("Partenaire retiré"))
    partner.delete()


@transaction.atomic
def add_milestone(action: Action, *, by, title: str, due_date: datetime.date) -> Milestone:
    milestone = Milestone(action=action, title=title.strip(), due_date=due_date)
    _raise_if_invalid(milestone, {})
    _save_versioned(milestone, by=by, version=None, reason=_("Jalon ajouté"))
    return milestone


@transaction.atomic
def update_milestone(
    milestone: Milestone, *, by, version: int, changes: dict, reason: str = ""
) -> Milestone:
    _apply(milestone, changes, MILESTONE_FIELDS)
    _raise_if_invalid(milestone, {})
    _save_versioned(milestone, by=by, version=version, reason=reason)
    return milestone


@transaction.atomic
def remove_milestone(milestone: Milestone, *, by, reason: str = "") -> None:
    stamp(milestone, by=by, reason=reason or _("Jalon supprimé"))
    milestone.delete()


@transaction.atomic
def add_indicator(
    action: Action,
    *,
    by,
    name: str,
    unit: str,
    baseline: Decimal,
    target: Decimal,
    target_date: datetime.date | None = None,
) -> Indicator:
    """A KPI attached to the action (and so to its chantier)."""
    indicator = Indicator(
        chantier_id=action.chantier_id,
        action=action,
        name=name.strip(),
        unit=unit.strip(),
        baseline=baseline,
        target=target,
        target_date=target_date,
    )
    _raise_if_invalid(indicator, {})
    _save_versioned(indicator, by=by, version=None, reason=_("Indicateur ajouté"))
    return indicator


@transaction.atomic
def update_indicator(
    indicator: Indicator, *, by, version: int, changes: dict, reason: str = ""
) -> Indicator:
    _apply(indicator, changes, INDICATOR_FIELDS)
    _raise_if_invalid(indicator, {})
    _save_versioned(indicator, by=by, version=version, reason=reason)
    return indicator
