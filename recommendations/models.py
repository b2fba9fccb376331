from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chantiers.models import Chantier, Organisation, VersionedModel

# Every criterion is scored on the same 1–5 scale (DESIGN §2), so the database
# itself can refuse an out-of-scale score.
SCALE_MIN = 1
SCALE_MAX = 5


class Tier(models.TextChoices):
    P1 = "P1", _("P1 — prioritaire")
    P2 = "P2", _("P2 — importante")
    P3 = "P3", _("P3 — à considérer")


class StrategicAxis(models.Model):
    chantier = models.ForeignKey(
        Chantier, verbose_name=_("chantier"), on_delete=models.CASCADE, related_name="axes"
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("axe stratégique")
        verbose_name_plural = _("axes stratégiques")
        ordering = ["chantier", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["chantier", "code"],
                name="axis_code_unique_in_chantier",
                violation_error_message=_("Ce code d'axe existe déjà dans ce chantier."),
            )
        ]

    def __str__(self):
        return self.name


class Study(models.Model):
    """A published study. Studies are public documents shared by every chantier."""

    title = models.CharField(_("titre"), max_length=300)
    authors = models.CharField(_("auteurs"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    reference = models.CharField(_("référence"), max_length=300, blank=True)
    url = models.URLField(_("lien"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("étude")
        verbose_name_plural = _("études")
        ordering = ["-year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2100),
                name="study_year_plausible",
                violation_error_message=_("L'année doit être comprise entre 1900 et 2100."),
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.year})" if self.year else self.title


class Recommendation(VersionedModel):
    class Disposition(models.TextChoices):
        UNDER_REVIEW = "under_review", _("À l'étude")
        RETAINED = "retained", _("Retenue")
        POSTPONED = "postponed", _("Reportée")
        NOT_RETAINED = "not_retained", _("Non retenue")
        MERGED = "merged", _("Fusionnée")
        TRANSFERRED = "transferred", _("Transférée")
        IN_IMPLEMENTATION = "in_implementation", _("En mise en œuvre")
        IMPLEMENTED = "implemented", _("Mise en œuvre")
        CLOSED_UNIMPLEMENTED = "closed_unimplemented", _("Fermée sans mise en œuvre")

    JUSTIFIED_DISPOSITIONS = (Disposition.NOT_RETAINED, Disposition.CLOSED_UNIMPLEMENTED)

    chantier = models.ForeignKey(
        Chantier,
        verbose_name=_("chantier"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("titre"), max_length=300)
    text = models.TextField(_("texte de l'étude (verbatim)"), blank=True)
    source_location = models.CharField(
        _("emplacement dans l'étude"), max_length=100, blank=True, help_text=_("Page ou section.")
    )
    axis = models.ForeignKey(
        StrategicAxis,
        verbose_name=_("axe stratégique"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    study = models.ForeignKey(
        Study,
        verbose_name=_("étude source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    disposition = models.CharField(
        _("décision"),
        max_length=25,
        choices=Disposition.choices,
        default=Disposition.UNDER_REVIEW,
    )
    disposition_justification = models.TextField(_("justification de la décision"), blank=True)
    disposition_date = models.DateField(_("date de la décision"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("fusionnée dans"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_sources",
    )
    transferred_to = models.ForeignKey(
        Chantier,
        verbose_name=_("transférée au chantier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    transferred_from = models.ForeignKey(
        "self",
        verbose_name=_("transférée depuis"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transfers",
    )
    # Priority, computed by recommendations.services.recompute_priorities and stored
    # so that lists sort and filter without aggregating assessments.
    score = models.DecimalField(
        _("score (0–100)"), max_digits=5, decimal_places=2, null=True, blank=True, editable=False
    )
    rank = models.PositiveIntegerField(_("rang"), null=True, blank=True, editable=False)
    computed_tier = models.CharField(
        _("niveau calculé"), max_length=2, choices=Tier.choices, blank=True, editable=False
    )
    tier_override = models.CharField(
        _("niveau imposé"), max_length=2, choices=Tier.choices, blank=True, editable=False
    )
    tier_override_justification = models.TextField(
        _("justification du niveau imposé"), blank=True, editable=False
    )
    tier = models.CharField(
        _("niveau de priorité"), max_length=2, choices=Tier.choices, blank=True, editable=False
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recommandation")
        verbose_name_plural = _("recommandations")
        ordering = ["chantier", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["chantier", "code"],
                name="recommendation_code_unique_in_chantier",
                violation_error_message=_(
                    "Ce code de recommandation existe déjà dans ce chantier."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(disposition__in=["not_retained", "closed_unimplemented"])
                | ~Q(disposition_justification=""),
                name="recommendation_justification_required",
                violation_error_message=_("Une justification est requise pour cette décision."),
            ),
            models.CheckConstraint(
                condition=~Q(disposition="merged") | Q(merged_into__isnull=False),
                name="recommendation_merged_has_target",
                violation_error_message=_("Une recommandation fusionnée doit indiquer sa cible."),
            ),
            models.CheckConstraint(
                condition=~Q(disposition="transferred") | Q(transferred_to__isnull=False),
                name="recommendation_transferred_has_target",
                violation_error_message=_(
                    "Une recommandation transférée doit indiquer son chantier."
                ),
            ),
            models.CheckConstraint(
                condition=Q(tier_override="") | ~Q(tier_override_justification=""),
                name="recommendation_override_justified",
                violation_error_message=_("Un niveau imposé exige une justification."),
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="recommendation_score_0_100",
            ),
        ]
        indexes = [
            models.Index(fields=["chantier", "disposition"]),
            models.Index(fields=["chantier", "tier"]),
            models.Index(fields=["chantier", "rank"]),
            models.Index(fields=["chantier", "axis"]),
        ]

    def __str__(self):
        return f"{self.code} — {self.title}"

    # Written only by recommendations.services.recompute_priorities, in bulk.
    PRIORITY_FIELDS = ("score", "rank", "computed_tier", "tier")

    def save(self, *args, **kwargs):
        # Priorities are recomputed in bulk behind any instance a form or service holds:
        # reload them so that this save neither reverts them nor records stale values
        # in history.
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            stale = [
                f for f in self.PRIORITY_FIELDS if update_fields is None or f not in update_fields
            ]
            if stale:
                self.refresh_from_db(fields=stale)
        return super().save(*args, **kwargs)

    @property
    def has_disposition(self) -> bool:
        return self.disposition != self.Disposition.UNDER_REVIEW

    @property
    def tier_is_overridden(self) -> bool:
        return bool(self.tier_override)


class PrioritisationRound(VersionedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Ouverte")
        FROZEN = "frozen", _("Figée")

    chantier = models.ForeignKey(
        Chantier, verbose_name=_("chantier"), on_delete=models.CASCADE, related_name="rounds"
    )
    name = models.CharField(_("nom"), max_length=200)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("ronde précédente"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_rounds",
    )
    opened_on = models.DateField(_("ouverte le"))
    frozen_at = models.DateTimeField(_("figée le"), null=True, blank=True, editable=False)
    validated_by_meeting = models.ForeignKey(
        "chantiers.CommitteeMeeting",
        verbose_name=_("validée par la réunion"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="validated_rounds",
    )
    p1_threshold = models.DecimalField(_("seuil P1"), max_digits=5, decimal_places=2, default=70)
    p2_threshold = models.DecimalField(_("seuil P2"), max_digits=5, decimal_places=2, default=50)
    spread_threshold = models.PositiveSmallIntegerField(
        _("écart signalé entre évaluateurs"),
        default=2,
        help_text=_("Un écart (max − min) à partir de cette valeur est mis en évidence."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ronde de priorisation")
        verbose_name_plural = _("rondes de priorisation")
        ordering = ["chantier", "-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["chantier"],
                condition=Q(status="open"),
                name="round_one_open_per_chantier",
                violation_error_message=_("Une ronde est déjà ouverte dans ce chantier."),
            ),
            models.CheckConstraint(
                condition=Q(p2_threshold__gte=0)
                & Q(p1_threshold__lte=100)
                & Q(p1_threshold__gt=models.F("p2_threshold")),
                name="round_thresholds_ordered",
                violation_error_message=_(
                    "Les seuils doivent respecter 0 ≤ seuil P2 < seuil P1 ≤ 100."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="frozen") | Q(frozen_at__isnull=False),
                name="round_frozen_has_date",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.FROZEN

    # A round read from the database as frozen can no longer be saved or deleted,
    # whatever the write path (admin form, API, import): its thresholds, scope and
    # validating meeting are part of the record the committee approved. Freezing
    # itself is the save of a round that was read open.
    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_frozen = instance.__dict__.get("status") == cls.Status.FROZEN
        return instance

    def _refuse_if_stored_frozen(self):
        if getattr(self, "_stored_frozen", False):
            raise ValidationError(
                _("La ronde « %(round)s » est figée : elle ne peut plus être modifiée.")
                % {"round": self}
            )

    def clean(self):
        super().clean()
        self._refuse_if_stored_frozen()

    def save(self, *args, **kwargs):
        self._refuse_if_stored_frozen()
        result = super().save(*args, **kwargs)
        self._stored_frozen = self.is_frozen
        return result

    def delete(self, *args, **kwargs):
        self._refuse_if_stored_frozen()
        return super().delete(*args, **kwargs)


def ensure_round_open(prioritisation_round: PrioritisationRound) -> None:
    if prioritisation_round.is_frozen:
        raise ValidationError(
            _("La ronde « %(round)s » est figée : ses scores et ses poids ne peuvent plus changer.")
            % {"round": prioritisation_round}
        )


class RoundGuardMixin:
    """Refuses any save or delete once the round is frozen, whatever the write path
    (admin, form, API, import): the check sits in the model itself."""

    def _round(self) -> PrioritisationRound:
        raise NotImplementedError

    def clean(self):
        super().clean()
        if self._round_id_set():
            ensure_round_open(self._round())

    def _round_id_set(self) -> bool:
        return True

    def _round_as_stored(self) -> PrioritisationRound:
        # Read the status from the database: a criterion or assessment loaded before
        # the round was frozen carries a stale copy of its round.
        rnd = self._round()
        rnd.refresh_from_db(fields=["status"])
        return rnd

    def save(self, *args, **kwargs):
        ensure_round_open(self._round_as_stored())
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        ensure_round_open(self._round_as_stored())
        return super().delete(*args, **kwargs)


class Criterion(RoundGuardMixin, VersionedModel):
    """A criterion as used in one round: each round keeps its own copy of names,
    rubrics and weights, so a frozen round stays reproducible."""

    class Direction(models.TextChoices):
        HIGHER_IS_BETTER = "higher", _("Plus c'est élevé, mieux c'est")
        LOWER_IS_BETTER = "lower", _("Plus c'est bas, mieux c'est")

    round = models.ForeignKey(
        PrioritisationRound,
        verbose_name=_("ronde"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("nom"), max_length=100)
    rubric = models.TextField(
        _("grille (que veut dire 1…5)"), blank=True, help_text=_("Une ligne par niveau.")
    )
    weight = models.DecimalField(_("poids"), max_digits=6, decimal_places=2, default=1)
    direction = models.CharField(
        _("sens"), max_length=10, choices=Direction.choices, default=Direction.HIGHER_IS_BETTER
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("critère")
        verbose_name_plural = _("critères")
        ordering = ["round", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "code"],
                name="criterion_code_unique_in_round",
                violation_error_message=_("Ce code de critère existe déjà dans cette ronde."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="criterion_weight_positive",
                violation_error_message=_("Le poids doit être strictement positif."),
            ),
        ]

    def __str__(self):
        return self.name

    def _round(self):
        return self.round

    def _round_id_set(self):
        return self.round_id is not None


class Assessment(RoundGuardMixin, VersionedModel):
    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("critère"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("recommandation"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("évaluateur"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    score = models.PositiveSmallIntegerField(_("note"))
    rationale = models.TextField(_("justification"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "recommendation", "assessor"],
                name="assessment_one_per_assessor",
                violation_error_message=_(
                    "Cet évaluateur a déjà noté cette recommandation sur ce critère dans cette ronde."
                ),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=SCALE_MIN, score__lte=SCALE_MAX),
                name="assessment_score_in_scale",
                violation_error_message=_("La note doit être comprise entre 1 et 5."),
            ),
        ]
        indexes = [models.Index(fields=["recommendation", "criterion"])]

    def __str__(self):
        return f"{self.recommendation.code} / {self.criterion} / {self.assessor}: {self.score}"

    def _round(self):
        return self.criterion.round

    def _round_id_set(self):
        return self.criterion_id is not None


class RoundRecommendation(RoundGuardMixin, models.Model):
    """A recommendation in a round's scope: the rows of the scoring grid."""

    round = models.ForeignKey(
        PrioritisationRound,
        verbose_name=_("ronde"),
        on_delete=models.CASCADE,
        related_name="scope_links",
    )
    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("recommandation"),
        on_delete=models.CASCADE,
        related_name="round_links",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recommandation d'une ronde")
        verbose_name_plural = _("recommandations des rondes")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "recommendation"],
                name="round_recommendation_unique",
                violation_error_message=_("Cette recommandation est déjà dans la ronde."),
            )
        ]

    def __str__(self):
        return f"{self.round_id} → {self.recommendation_id}"

    def _round(self):
        return self.round

    def _round_id_set(self):
        return self.round_id is not None

    def clean(self):
        super().clean()
        if (
            self.round_id
            and self.recommendation_id
            and self.round.chantier_id != self.recommendation.chantier_id
        ):
            raise ValidationError(
                {"recommendation": _("Cette recommandation appartient à un autre chantier.")}
            )


class RoundAssessor(RoundGuardMixin, models.Model):
    """A person expected to score every cell of a round."""

    round = models.ForeignKey(
        PrioritisationRound,
        verbose_name=_("ronde"),
        on_delete=models.CASCADE,
        related_name="assessor_links",
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("évaluateur"),
        on_delete=models.PROTECT,
        related_name="round_links",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("évaluateur d'une ronde")
        verbose_name_plural = _("évaluateurs des rondes")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "assessor"],
                name="round_assessor_unique",
                violation_error_message=_("Cette personne évalue déjà cette ronde."),
            )
        ]

    def __str__(self):
        return f"{self.round_id} → {self.assessor_id}"

    def _round(self):
        return self.round

    def _round_id_set(self):
        return self.round_id is not None


@receiver(pre_delete, sender=Recommendation)
def _keep_frozen_rounds_whole(sender, instance, **kwargs):
    """Deleting a recommendation would cascade into the scores and scope of frozen
    rounds: refuse it, so that a frozen round stays as the committee validated it."""
    frozen = PrioritisationRound.Status.FROZEN
    if (
        Assessment.objects.filter(recommendation=instance, criterion__round__status=frozen).exists()
        or RoundRecommendation.objects.filter(
            recommendation=instance, round__status=frozen
        ).exists()
    ):
        raise ValidationError(
            _("%(code)s fait partie d'une ronde figée : elle ne peut pas être supprimée.")
            % {"code": instance.code}
        )


@receiver(pre_delete, sender=PrioritisationRound)
def _keep_frozen_round(sender, instance, **kwargs):
    # Covers cascades (deleting a chantier) as well as direct deletes.
    if instance.status == PrioritisationRound.Status.FROZEN:
        raise ValidationError(
            _("La ronde « %(round)s » est figée : elle ne peut pas être supprimée.")
            % {"round": instance}
        )
