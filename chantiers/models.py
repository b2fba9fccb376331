from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class StaleObjectError(Exception):
    """Raised when an object changed in the database since it was read (lost-update guard)."""

    def __init__(self, instance):
        self.instance = instance
        super().__init__(
            _(
                "« %(obj)s » a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert. "
                "Rechargez la page pour voir ses changements, puis refaites les vôtres."
            )
            % {"obj": instance}
        )


class VersionedModel(models.Model):
    """Optimistic concurrency: every save bumps `version` and only succeeds if the row
    still has the version this instance was read with. The check runs inside the
    UPDATE statement itself, so two concurrent saves cannot both win."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            return super().save(*args, **kwargs)
        self._expected_version = self.version
        self.version += 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "version" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "version"]
        try:
            return super().save(*args, **kwargs)
        except Exception:
            # Whatever refused the save (stale version, constraint), the instance still
            # holds the version it was read with, so a corrected retry can succeed.
            self.version = self._expected_version
            raise

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        expected = getattr(self, "_expected_version", None)
        if expected is None:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        if base_qs.filter(pk=pk_val, version=expected)._update(values) == 1:
            return True
        raise StaleObjectError(self)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CLUSTER = "cluster", _("Créneau / grappe")
        SMELTER = "smelter", _("Aluminerie")
        PROCESSOR = "processor", _("Transformateur")
        SUPPLIER = "supplier", _("Équipementier")
        RESEARCH = "research", _("Centre de recherche")
        NETWORK = "network", _("Réseau")
        FUNDER = "funder", _("Organisme de financement")
        MINISTRY = "ministry", _("Ministère")
        OTHER_CLUSTER = "other_cluster", _("Autre grappe")
        UNION = "union", _("Syndicat")

    name = models.CharField(_("nom"), max_length=200, unique=True)
    acronym = models.CharField(_("sigle"), max_length=30, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    website = models.URLField(_("site web"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.acronym or self.name


class Chantier(VersionedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Prévu")
        ACTIVE = "active", _("Actif")
        CLOSED = "closed", _("Fermé")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    mandate = models.TextField(_("mandat"), blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    start_date = models.DateField(_("date de début"), null=True, blank=True)
    end_date = models.DateField(_("date de fin"), null=True, blank=True)
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation responsable"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_chantiers",
    )
    reporting_period_days = models.PositiveSmallIntegerField(
        _("période de suivi (jours)"),
        default=30,
        help_text=_(
            "Une action sans nouvelles depuis plus longtemps est signalée « sans nouvelles »."
        ),
    )
    p1_threshold = models.DecimalField(
        _("seuil P1 par défaut"), max_digits=5, decimal_places=2, default=70
    )
    p2_threshold = models.DecimalField(
        _("seuil P2 par défaut"), max_digits=5, decimal_places=2, default=50
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chantier")
        verbose_name_plural = _("chantiers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="chantier_end_after_start",
                violation_error_message=_("La date de fin ne peut précéder la date de début."),
            ),
            models.CheckConstraint(
                condition=Q(p2_threshold__gte=0)
                & Q(p1_threshold__lte=100)
                & Q(p1_threshold__gt=models.F("p2_threshold")),
                name="chantier_thresholds_ordered",
                violation_error_message=_(
                    "Les seuils doivent respecter 0 ≤ seuil P2 < seuil P1 ≤ 100."
                ),
            ),
            models.CheckConstraint(
                condition=Q(reporting_period_days__gte=1),
                name="chantier_reporting_period_positive",
                violation_error_message=_("La période de suivi doit être d'au moins un jour."),
            ),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Responsable du chantier")
        COMMITTEE = "committee", _("Membre du comité")
        STAFF = "staff", _("Chargé·e de projet")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    chantier = models.ForeignKey(
        Chantier, verbose_name=_("chantier"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rôle dans un chantier")
        verbose_name_plural = _("rôles dans les chantiers")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "chantier"],
                name="membership_one_role_per_chantier",
                violation_error_message=_("Cette personne a déjà un rôle dans ce chantier."),
            )
        ]
        indexes = [models.Index(fields=["chantier", "role"])]

    def __str__(self):
        return f"{self.user} — {self.chantier} ({self.get_role_display()})"


class CommitteeMeeting(VersionedModel):
    chantier = models.ForeignKey(
        Chantier, verbose_name=_("chantier"), on_delete=models.CASCADE, related_name="meetings"
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("titre"), max_length=200)
    minutes = models.TextField(_("procès-verbal"), blank=True)
    closed_at = models.DateTimeField(_("fermée le"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("réunion du comité")
        verbose_name_plural = _("réunions du comité")
        ordering = ["-date"]
        indexes = [models.Index(fields=["chantier", "date"])]

    def __str__(self):
        return f"{self.title} ({self.date:%Y-%m-%d})"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Decision(VersionedModel):
    class Kind(models.TextChoices):
        DECISION = "decision", _("Décision")
        INFORMATION = "information", _("Information")
        NEW_ACTION = "new_action", _("Nouvelle action")

    class Status(models.TextChoices):
        OPEN = "open", _("À suivre")
        IN_PROGRESS = "in_progress", _("En cours")
        DONE = "done", _("Réalisée")
        CANCELLED = "cancelled", _("Annulée")

    meeting = models.ForeignKey(
        CommitteeMeeting,
        verbose_name=_("réunion"),
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    kind = models.CharField(_("nature"), max_length=15, choices=Kind.choices)
    text = models.TextField(_("texte"))
    follow_up_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsable du suivi"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions_to_follow",
    )
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=15, choices=Status.choices, default=Status.OPEN
    )
    follow_up = models.TextField(_("suivi"), blank=True)
    recommendations = models.ManyToManyField(
        "recommendations.Recommendation",
        through="DecisionRecommendation",
        verbose_name=_("recommandations"),
        blank=True,
        related_name="decisions",
    )
    actions = models.ManyToManyField(
        "actions.Action",
        through="DecisionAction",
        verbose_name=_("actions"),
        blank=True,
        related_name="decisions",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["meeting__date", "pk"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.get_kind_display()} : {self.text[:60]}"


class DecisionRecommendation(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, verbose_name=_("décision"))
    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        on_delete=models.CASCADE,
        verbose_name=_("recommandation"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recommandation liée à une décision")
        verbose_name_plural = _("recommandations liées aux décisions")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "recommendation"], name="decision_recommendation_unique"
            )
        ]

    def __str__(self):
        return f"{self.decision_id} → {self.recommendation_id}"


class DecisionAction(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, verbose_name=_("décision"))
    action = models.ForeignKey("actions.Action", on_delete=models.CASCADE, verbose_name=_("action"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action liée à une décision")
        verbose_name_plural = _("actions liées aux décisions")
        constraints = [
            models.UniqueConstraint(fields=["decision", "action"], name="decision_action_unique")
        ]

    def __str__(self):
        return f"{self.decision_id} → {self.action_id}"
