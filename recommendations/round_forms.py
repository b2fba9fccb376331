"""Forms of the prioritisation pages: shape and bounds only; the rules live in
recommendations.services."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recommendations.models import SCALE_MAX, SCALE_MIN, Criterion, Recommendation, Tier

REASON_HELP = _("Pourquoi ce changement ? La raison est gardée dans l'historique.")


def reason_field(required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=_("Raison du changement"), max_length=100, required=required, help_text=REASON_HELP
    )


class OpenRoundForm(forms.Form):
    name = forms.CharField(label=_("Nom de la ronde"), max_length=200)
    opened_on = forms.DateField(
        label=_("Ouverte le"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ThresholdsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    p1_threshold = forms.DecimalField(
        label=_("Seuil P1 (score ≥)"), min_value=0, max_value=100, decimal_places=2
    )
    p2_threshold = forms.DecimalField(
        label=_("Seuil P2 (score ≥)"), min_value=0, max_value=100, decimal_places=2
    )
    spread_threshold = forms.IntegerField(
        label=_("Écart signalé entre évaluateurs (max − min ≥)"),
        min_value=1,
        max_value=SCALE_MAX - SCALE_MIN,
        required=False,
    )
    reason = reason_field()

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("p1_threshold"), data.get("p2_threshold")
        if p1 is not None and p2 is not None and not p2 < p1:
            self.add_error("p1_threshold", _("Le seuil P1 doit dépasser le seuil P2."))
        return data


class CriterionForm(forms.Form):
    """Edit an existing criterion (its code is fixed: it matches criteria across rounds)."""

    criterion = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Nom"), max_length=100)
    rubric = forms.CharField(
        label=_("Grille (que veut dire 1…5)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Une ligne par niveau."),
    )
    weight = forms.DecimalField(
        label=_("Poids"), min_value=Decimal("0.01"), max_digits=6, decimal_places=2
    )
    direction = forms.ChoiceField(label=_("Sens"), choices=Criterion.Direction.choices)
    order = forms.IntegerField(label=_("Ordre"), min_value=0, max_value=32767)
    reason = reason_field()


class NewCriterionForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=30,
        help_text=_("Court et stable : il relie ce critère à celui des rondes suivantes."),
    )
    name = forms.CharField(label=_("Nom"), max_length=100)
    rubric = forms.CharField(
        label=_("Grille (que veut dire 1…5)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    weight = forms.DecimalField(
        label=_("Poids"),
        min_value=Decimal("0.01"),
        max_digits=6,
        decimal_places=2,
        initial=Decimal(1),
    )
    direction = forms.ChoiceField(
        label=_("Sens"),
        choices=Criterion.Direction.choices,
        initial=Criterion.Direction.HIGHER_IS_BETTER,
    )
    reason = reason_field(required=False)


class RemoveCriterionForm(forms.Form):
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    reason = reason_field()


class ScopeForm(forms.Form):
    recommendations = forms.ModelMultipleChoiceField(
        label=_("Recommandations de la ronde"),
        queryset=Recommendation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    reason = reason_field(required=False)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendations"].queryset = queryset


class AssessorsForm(forms.Form):
    assessors = forms.ModelMultipleChoiceField(
        label=_("Évaluateurs"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    reason = reason_field(required=False)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessors"].queryset = queryset


class FreezeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    meeting = forms.ModelChoiceField(
        label=_("Réunion du comité qui valide la ronde"),
        queryset=None,
        empty_label=_("— choisir —"),
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


class OverrideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    tier = forms.ChoiceField(
        label=_("Niveau imposé"),
        choices=[("", _("Aucun : suivre le niveau calculé")), *Tier.choices],
        required=False,
    )
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour imposer un niveau ; visible partout où le niveau l'est."),
    )


class ScoreForm(forms.Form):
    """The JSON body of a scoring request. An empty score withdraws the cell's score."""

    recommendation = forms.IntegerField()
    criterion = forms.IntegerField()
    score = forms.IntegerField(
        required=False,
        validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)],
        error_messages={"invalid": _("La note doit être un entier de 1 à 5.")},
    )
    rationale = forms.CharField(required=False, max_length=5000, strip=True)


class WeightForm(forms.Form):
    criterion = forms.IntegerField()
    version = forms.IntegerField()
    weight = forms.DecimalField(min_value=Decimal("0.01"), max_digits=6, decimal_places=2)
    reason = reason_field()


SORTS = ("code", "title", "axis", "disposition", "score", "rank", "tier", "spread", "todo")


class WorkspaceFilterForm(forms.Form):
    q = forms.CharField(label=_("Recherche"), required=False)
    axis = forms.TypedChoiceField(label=_("Axe"), required=False, coerce=int, empty_value=None)
    disposition = forms.ChoiceField(
        label=_("Décision"),
        required=False,
        choices=[("", _("Toutes")), *Recommendation.Disposition.choices],
    )
    tier = forms.ChoiceField(
        label=_("Niveau"),
        required=False,
        choices=[("", _("Tous")), *Tier.choices, ("none", _("Sans score"))],
    )
    todo = forms.BooleanField(label=_("Qu'il me reste à noter"), required=False)
    disagreement = forms.BooleanField(label=_("Avec désaccord"), required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)
    per_page = forms.TypedChoiceField(
        label=_("Lignes par page"),
        required=False,
        coerce=int,
        empty_value=100,
        initial=100,
        choices=[(50, "50"), (100, "100"), (250, "250"), (1000, "1000")],
    )

    def __init__(self, *args, axes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].choices = [("", _("Tous"))] + [(a.pk, a.name) for a in axes]


class SensitivityForm(forms.Form):
    n = forms.IntegerField(label=_("Taille du peloton de tête (N)"), min_value=1, max_value=500)
    pct = forms.IntegerField(
        label=_("Variation supplémentaire des poids (%)"), min_value=1, max_value=90
    )


class CompareForm(forms.Form):
    a = forms.TypedChoiceField(label=_("Ronde de référence"), coerce=int)
    b = forms.TypedChoiceField(label=_("Ronde comparée"), coerce=int)

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(r.pk, str(r)) for r in rounds]
        self.fields["a"].choices = self.fields["b"].choices = choices
