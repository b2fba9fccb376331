import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chantiers.models import Chantier, CommitteeMeeting, Organisation, VersionedModel


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Non commencée")
    ON_TRACK = "on_track", _("En bonne voie")
    AT_RISK = "at_risk", _("À risque")
    LATE = "late", _("En retard")
    BLOCKED = "blocked", _("Bloquée")
    DONE = "done", _("Terminée")
    CANCELLED = "cancelled", _("Annulée")


# How bad each status is: moving to a higher number needs a comment.
STATUS_SEVERITY = {
    ActionStatus.DONE: 0,
    ActionStatus.ON_TRACK: 1,
    ActionStatus.NOT_STARTED: 1,
    ActionStatus.AT_RISK: 2,
    ActionStatus.LATE: 3,
    ActionStatus.CANCELLED: 3,
    ActionStatus.BLOCKED: 4,
}
CLOSED_STATUSES = (ActionStatus.DONE, ActionStatus.CANCELLED)


class ActionPlan(VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        APPROVED = "approved", _("Approuvé")
        CLOSED = "closed", _("Fermé")

    chantier = models.ForeignKey(
        Chantier, verbose_name=_("chantier"), on_delete=models.CASCADE, related_name="plans"
    )
    title = models.CharField(_("titre"), max_length=200)
    plan_version = models.CharField(_("version du plan"), max_length=20, default="1.0")
    period_start = models.DateField(_("début de la période"), null=True, blank=True)
    period_end = models.DateField(_("fin de la période"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    approved_by_meeting = models.ForeignKey(
        CommitteeMeeting,
        verbose_name=_("approuvé par la réunion"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_plans",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan d'action")
        verbose_name_plural = _("plans d'action")
        ordering = ["chantier", "-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="plan_end_after_start",
                violation_error_message=_("La fin de la période ne peut précéder son début."),
            )
        ]

    def __str__(self):
        return f"{self.title} (v{self.plan_version})"


class Action(VersionedModel):
    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("plan d'action"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    # Denormalised from the plan so that codes are unique per chantier and every
    # scoped query filters on one indexed column.
    chantier = models.ForeignKey(
        Chantier, verbose_name=_("chantier"), on_delete=models.CASCADE, related_name="actions"
    )
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("titre"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    recommendations = models.ManyToManyField(
        "recommendations.Recommendation",
        through="ActionRecommendation",
        verbose_name=_("recommandations"),
        blank=True,
        related_name="actions",
    )
    axis = models.ForeignKey(
        "recommendations.StrategicAxis",
        verbose_name=_("axe stratégique"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation responsable"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_actions",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsable"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_actions",
    )
    start_date = models.DateField(_("début"), null=True, blank=True)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    completed_on = models.DateField(_("terminée le"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=15, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    percent_complete = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    budget_planned = models.DecimalField(
        _("budget prévu ($ CA)"), max_digits=12, decimal_places=2, default=0
    )
    budget_spent = models.DecimalField(
        _("budget dépensé ($ CA)"), max_digits=12, decimal_places=2, default=0
    )
    last_update_at = models.DateTimeField(
        _("dernière mise à jour"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["chantier", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["chantier", "code"],
                name="action_code_unique_in_chantier",
                violation_error_message=_("Ce code d'action existe déjà dans ce chantier."),
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0, percent_complete__lte=100),
                name="action_percent_0_100",
                # "%%": Django formats violation messages with % {"name": ...}.
                violation_error_message=_("L'avancement doit être compris entre 0 et 100 %%."),
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(due_date__gte=models.F("start_date")),
                name="action_due_after_start",
                violation_error_message=_("L'échéance ne peut précéder la date de début."),
            ),
            models.CheckConstraint(
                condition=Q(budget_planned__gte=0, budget_spent__gte=0),
                name="action_budget_non_negative",
                violation_error_message=_("Un budget ne peut être négatif."),
            ),
        ]
        indexes = [
            models.Index(fields=["chantier", "status"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["chantier", "due_date"]),
            models.Index(fields=["chantier", "last_update_at"]),
        ]

    def __str__(self):
        return f"{self.code} — {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def is_late(self, today: datetime.date | None = None) -> bool:
        """Late: flagged late by its owner, or past its due date while still open."""
        if self.is_closed:
            return False
        today = today or timezone.localdate()
        return self.status == ActionStatus.LATE or (
            self.due_date is not None and self.due_date < today
        )

    def is_stale(self, period_days: int, now: datetime.datetime | None = None) -> bool:
        """Stale: open and without news for longer than the chantier's reporting period."""
        if self.is_closed:
            return False
        now = now or timezone.now()
        last = self.last_update_at or self.created_at
        return last < now - datetime.timedelta(days=period_days)


class ActionRecommendation(models.Model):
    action = models.ForeignKey(
        Action,
        verbose_name=_("action"),
        on_delete=models.CASCADE,
        related_name="recommendation_links",
    )
    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        verbose_name=_("recommandation"),
        on_delete=models.CASCADE,
        related_name="action_links",
    )
    contribution = models.CharField(
        _("contribution"),
        max_length=300,
        blank=True,
        help_text=_("Comment cette action contribue à la recommandation."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lien action–recommandation")
        verbose_name_plural = _("liens action–recommandation")
        constraints = [
            models.UniqueConstraint(
                fields=["action", "recommendation"],
                name="action_recommendation_unique",
                violation_error_message=_("Cette action est déjà liée à cette recommandation."),
            )
        ]

    def __str__(self):
        return f"{self.action_id} → {self.recommendation_id}"


class ActionPartner(VersionedModel):
    class Role(models.TextChoices):
        LEAD = "lead", _("Porteur")
        CONTRIBUTOR = "contributor", _("Contributeur")
        FUNDER = "funder", _("Bailleur de fonds")
        EXPERT = "expert", _("Expert")

    class Stage(models.TextChoices):
        IDENTIFIED = "identified", _("Identifié")
        APPROACHED = "approached", _("Approché")
        INTERESTED = "interested", _("Intéressé")
        COMMITTED = "committed", _("Engagé")
        ACTIVE = "active", _("Actif")
        WITHDRAWN = "withdrawn", _("Retiré")

    class ContributionKind(models.TextChoices):
        MONEY = "money", _("Financière")
        IN_KIND = "in_kind", _("En nature")
        PEOPLE = "people", _("Ressources humaines")

    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="partners"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="action_partnerships",
    )
    role = models.CharField(_("rôle"), max_length=15, choices=Role.choices)
    stage = models.CharField(
        _("étape d'engagement"), max_length=15, choices=Stage.choices, default=Stage.IDENTIFIED
    )
    contribution_kind = models.CharField(
        _("type de contribution"), max_length=10, choices=ContributionKind.choices, blank=True
    )
    contribution_amount = models.DecimalField(
        _("montant de la contribution ($ CA)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    contribution_description = models.CharField(
        _("description de la contribution"), max_length=300, blank=True
    )
    contact = models.CharField(_("personne-ressource"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partenaire d'une action")
        verbose_name_plural = _("partenaires des actions")
        constraints = [
            models.UniqueConstraint(
                fields=["action", "organisation"],
                name="action_partner_unique",
                violation_error_message=_("Cette organisation est déjà partenaire de l'action."),
            ),
            models.CheckConstraint(
                condition=Q(contribution_amount__isnull=True) | Q(contribution_amount__gte=0),
                name="partner_contribution_non_negative",
                violation_error_message=_("Une contribution ne peut être négative."),
            ),
        ]
        indexes = [models.Index(fields=["stage"])]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()}, {self.get_stage_display()})"


class Milestone(VersionedModel):
    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("titre"), max_length=200)
    due_date = models.DateField(_("échéance"))
    reached_on = models.DateField(_("atteint le"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jalon")
        verbose_name_plural = _("jalons")
        ordering = ["action", "due_date"]

    def __str__(self):
        return self.title


class ProgressUpdate(models.Model):
    """Append-only log of progress. The action's percent and status follow the latest one."""

    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="updates"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.PROTECT,
        related_name="progress_updates",
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    percent_complete = models.PositiveSmallIntegerField(_("avancement (%)"))
    status = models.CharField(_("statut"), max_length=15, choices=ActionStatus.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    blockers = models.TextField(_("obstacles"), blank=True)
    evidence_url = models.URLField(_("lien vers une preuve"), blank=True)
    nothing_new = models.BooleanField(_("rien de nouveau"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mise à jour de l'avancement")
        verbose_name_plural = _("mises à jour de l'avancement")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0, percent_complete__lte=100),
                name="update_percent_0_100",
                violation_error_message=_("L'avancement doit être compris entre 0 et 100 %%."),
            ),
        ]
        indexes = [models.Index(fields=["action", "-created_at"])]

    def __str__(self):
        return f"{self.action.code} {self.created_at:%Y-%m-%d}: {self.percent_complete} %"


class Indicator(VersionedModel):
    chantier = models.ForeignKey(
        Chantier, verbose_name=_("chantier"), on_delete=models.CASCADE, related_name="indicators"
    )
    action = models.ForeignKey(
        Action,
        verbose_name=_("action"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
    )
    name = models.CharField(_("nom"), max_length=200)
    unit = models.CharField(_("unité"), max_length=30)
    baseline = models.DecimalField(_("valeur de départ"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("cible"), max_digits=14, decimal_places=2)
    target_date = models.DateField(_("date cible"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["chantier", "name"]

    def __str__(self):
        return f"{self.name} ({self.unit})"


class Measurement(models.Model):
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicateur"),
        on_delete=models.CASCADE,
        related_name="measurements",
    )
    date = models.DateField(_("date"))
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    comment = models.CharField(_("commentaire"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        on_delete=models.PROTECT,
        related_name="measurements",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mesure")
        verbose_name_plural = _("mesures")
        ordering = ["indicator", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "date"],
                name="measurement_one_per_day",
                violation_error_message=_(
                    "Une mesure existe déjà à cette date pour cet indicateur."
                ),
            )
        ]

    def __str__(self):
        return f"{self.indicator}: {self.value} ({self.date})"
