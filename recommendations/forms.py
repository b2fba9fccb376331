"""Recommendation forms: shape only; the rules live in recommendations.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chantiers.forms import VersionedForm
from chantiers.models import Chantier
from recommendations.models import Recommendation, StrategicAxis, Study, Tier
from recommendations.queries import ABSORBED
from recommendations.services import TRANSITIONS

Disposition = Recommendation.Disposition

# The disposition choices read as what the lead does, not as the resulting state.
DISPOSITION_VERBS = {
    Disposition.UNDER_REVIEW: _("Remettre à l'étude"),
    Disposition.RETAINED: _("Retenir"),
    Disposition.POSTPONED: _("Reporter"),
    Disposition.NOT_RETAINED: _("Ne pas retenir"),
    Disposition.MERGED: _("Fusionner dans une autre recommandation"),
    Disposition.TRANSFERRED: _("Transférer à un autre chantier"),
    Disposition.IN_IMPLEMENTATION: _("Passer en mise en œuvre"),
    Disposition.IMPLEMENTED: _("Fermer : mise en œuvre"),
    Disposition.CLOSED_UNIMPLEMENTED: _("Fermer sans mise en œuvre"),
}


class RecommendationForm(VersionedForm):
    code = forms.CharField(
        label=_("Code"), max_length=30, help_text=_("Unique dans le chantier, par exemple R-042.")
    )
    title = forms.CharField(label=_("Titre"), max_length=300)
    text = forms.CharField(
        label=_("Texte de l'étude (verbatim)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Recopiez le passage de l'étude tel quel."),
    )
    study = forms.ModelChoiceField(
        label=_("Étude source"), queryset=Study.objects.none(), required=False
    )
    source_location = forms.CharField(
        label=_("Emplacement dans l'étude"),
        max_length=100,
        required=False,
        help_text=_("Page ou section."),
    )
    axis = forms.ModelChoiceField(
        label=_("Axe stratégique"), queryset=StrategicAxis.objects.none(), required=False
    )
    reason = forms.CharField(
        label=_("Pourquoi ce changement ?"),
        required=False,
        max_length=100,
        help_text=_("Facultatif ; conservé dans l'historique."),
    )

    def __init__(self, *args, chantier: Chantier, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = StrategicAxis.objects.filter(chantier=chantier)
        self.fields["study"].queryset = Study.objects.select_related("organisation")
        self.fields["axis"].empty_label = _("— aucun axe —")
        self.fields["study"].empty_label = _("— aucune étude —")
        if creating:
            del self.fields["version"]
            del self.fields["reason"]


class DispositionForm(VersionedForm):
    disposition = forms.ChoiceField(label=_("Décision"), widget=forms.RadioSelect)
    tier = forms.ChoiceField(label=_("Niveau de priorité"), required=False)
    into = forms.ModelChoiceField(
        label=_("Fusionner dans"), queryset=Recommendation.objects.none(), required=False
    )
    to = forms.ModelChoiceField(
        label=_("Transférer au chantier"), queryset=Chantier.objects.none(), required=False
    )
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Obligatoire pour ne pas retenir, pour fermer sans mise en œuvre, et pour "
            "retenir à un autre niveau que le niveau calculé."
        ),
    )

    def __init__(self, *args, recommendation: Recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS[recommendation.disposition]
        self.fields["disposition"].choices = [
            (value, DISPOSITION_VERBS[value]) for value in Disposition.values if value in allowed
        ]
        computed = recommendation.computed_tier
        self.fields["tier"].choices = [
            (
                "",
                _("Niveau calculé (%(tier)s)") % {"tier": computed}
                if computed
                else _("Niveau calculé (pas encore de score)"),
            ),
            *Tier.choices,
        ]
        self.fields["into"].queryset = (
            Recommendation.objects.filter(chantier_id=recommendation.chantier_id)
            .exclude(pk=recommendation.pk)
            .exclude(
                disposition__in=[
                    *ABSORBED,
                    Disposition.NOT_RETAINED,
                    Disposition.CLOSED_UNIMPLEMENTED,
                ]
            )
            .order_by("code")
        )
        self.fields["into"].empty_label = _("— choisir la recommandation cible —")
        self.fields["to"].queryset = Chantier.objects.exclude(
            pk=recommendation.chantier_id
        ).order_by("name")
        self.fields["to"].empty_label = _("— choisir le chantier —")


class TierOverrideForm(VersionedForm):
    tier = forms.ChoiceField(label=_("Niveau imposé"), required=False)
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Obligatoire pour imposer un niveau ; conservée dans l'historique."),
    )

    def __init__(self, *args, recommendation: Recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        computed = recommendation.computed_tier or "—"
        self.fields["tier"].choices = [
            ("", _("Aucun : revenir au niveau calculé (%(tier)s)") % {"tier": computed}),
            *Tier.choices,
        ]
