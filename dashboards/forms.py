from django import forms
from django.utils.translation import gettext_lazy as _

from recommendations.models import Tier


class DashboardFilterForm(forms.Form):
    """GET filters of the chantier dashboard: they apply to every figure of the page.
    Unknown values are reported and ignored, never an error page."""

    axis = forms.ChoiceField(label=_("Axe stratégique"), required=False)
    tier = forms.ChoiceField(
        label=_("Niveau de priorité"),
        required=False,
        choices=[("", _("Tous les niveaux")), *Tier.choices],
    )
    x = forms.ChoiceField(label=_("Critère en abscisse"), required=False)
    y = forms.ChoiceField(label=_("Critère en ordonnée"), required=False)

    def __init__(self, data, *, axes, criteria):
        super().__init__(data)
        self.fields["axis"].choices = [("", _("Tous les axes")), *[(a.code, a.name) for a in axes]]
        criterion_choices = [(c.code, c.name) for c in criteria]
        self.fields["x"].choices = [("", "—"), *criterion_choices]
        self.fields["y"].choices = [("", "—"), *criterion_choices]

    def value(self, name: str) -> str:
        """The cleaned value, or "" when it was missing or invalid."""
        if not self.is_bound:
            return ""
        self.is_valid()
        return self.cleaned_data.get(name) or ""
