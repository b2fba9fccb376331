"""Form helpers shared by the chantier pages, and the meeting and decision forms.
Forms describe shape only: the rules live in chantiers.services."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chantiers.history import timeline_since
from chantiers.models import Chantier, Decision


class VersionedForm(forms.Form):
    """Carries the version of the object as it was read, so that a save made after
    someone else's is refused instead of silently overwriting it (DESIGN §2)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names; messages about
    fields the form does not show go to the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def refuse_stale(form: forms.Form, instance, version: int) -> list:
    """Mark the form as refused because `instance` changed since `version` was read;
    return the history entries of what changed meanwhile. Works on a fresh, unbound
    form too (shown when the old one no longer makes sense)."""
    if not form.is_bound:
        form.full_clean()  # gives the unbound form its (empty) errors
        form.cleaned_data = {}
    form.add_error(
        None,
        _(
            "Quelqu'un d'autre a modifié cet élément depuis que vous l'avez ouvert : vos "
            "changements n'ont pas été enregistrés. Voyez ci-dessous ce qui a changé, puis "
            "refaites vos changements sur la version actuelle."
        ),
    )
    return timeline_since(instance, version)


def posted_version(request) -> int | None:
    """The version a POSTed form says it read, if it is a number."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def chantier_members(chantier: Chantier):
    return (
        get_user_model()
        .objects.filter(memberships__chantier=chantier)
        .order_by("last_name", "first_name", "username")
        .distinct()
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class MeetingForm(VersionedForm):
    date = forms.DateField(label=_("Date"), widget=date_input())
    title = forms.CharField(label=_("Titre"), max_length=200)
    minutes = forms.CharField(
        label=_("Procès-verbal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Ordre du jour, présences, échanges : le compte rendu de la réunion."),
    )
    reason = forms.CharField(
        label=_("Pourquoi ce changement ?"),
        required=False,
        max_length=100,
        help_text=_("Facultatif ; conservé dans l'historique."),
    )

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            del self.fields["version"]
            del self.fields["reason"]


class DecisionForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Nature"), choices=Decision.Kind.choices)
    text = forms.CharField(label=_("Texte"), widget=forms.Textarea(attrs={"rows": 4}))
    recommendations = forms.ModelMultipleChoiceField(
        label=_("Recommandations concernées"), queryset=None, required=False
    )
    actions = forms.ModelMultipleChoiceField(
        label=_("Actions concernées"), queryset=None, required=False
    )
    follow_up_owner = UserChoiceField(
        label=_("Responsable du suivi"), queryset=None, required=False
    )
    due_date = forms.DateField(label=_("Échéance"), required=False, widget=date_input())
    reason = forms.CharField(
        label=_("Pourquoi ce changement ?"),
        required=False,
        max_length=100,
        help_text=_("Facultatif ; conservé dans l'historique."),
    )

    def __init__(self, *args, chantier: Chantier, creating: bool = False, **kwargs):
        from actions.models import Action
        from recommendations.models import Recommendation

        super().__init__(*args, **kwargs)
        self.fields["recommendations"].queryset = Recommendation.objects.filter(
            chantier=chantier
        ).order_by("code")
        self.fields["actions"].queryset = Action.objects.filter(chantier=chantier).order_by("code")
        self.fields["follow_up_owner"].queryset = chantier_members(chantier)
        self.fields["follow_up_owner"].empty_label = _("— personne —")
        if creating:
            del self.fields["version"]
            del self.fields["reason"]


class FollowUpForm(VersionedForm):
    status = forms.ChoiceField(label=_("Statut"), choices=Decision.Status.choices)
    follow_up = forms.CharField(
        label=_("Suivi"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Où en est la décision : ce qui a été fait, ce qui reste."),
    )
