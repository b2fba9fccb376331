"""Forms of the action pages: shape only. Labels, widgets and choices come from the
models; the rules (and the saving) belong to actions.services, whose ValidationError
the views put next to the fields (see actions.views.common.add_service_errors)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.models import (
    Action,
    ActionPartner,
    ActionPlan,
    ActionStatus,
    Indicator,
    Milestone,
)
from actions.services import (
    ACTION_FIELDS,
    INDICATOR_FIELDS,
    MILESTONE_FIELDS,
    OWNER_ROLES,
    PARTNER_FIELDS,
    PLAN_FIELDS,
)
from chantiers.models import CommitteeMeeting, Organisation
from recommendations.models import Recommendation, StrategicAxis


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def person_label(user) -> str:
    return user.get_full_name() or user.username


def organisation_label(organisation) -> str:
    if organisation.acronym and organisation.acronym != organisation.name:
        return f"{organisation.name} ({organisation.acronym})"
    return organisation.name


class ShapeForm(forms.ModelForm):
    """A ModelForm that only parses: the model is not cleaned nor changed here, because
    the service validates (with per-field French messages) and saves."""

    def _post_clean(self):
        pass


class EditFields(forms.Form):
    """What every edit form carries: the version read (optimistic concurrency) and an
    optional 'why', kept in history."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Pourquoi ce changement ? (facultatif)"), max_length=100, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version


class PlanForm(ShapeForm):
    class Meta:
        model = ActionPlan
        fields = PLAN_FIELDS
        widgets = {"period_start": DateInput, "period_end": DateInput}


class PlanEditForm(PlanForm, EditFields):
    pass


class PlanApproveForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label=_("Réunion du comité qui approuve le plan"),
        queryset=CommitteeMeeting.objects.none(),
        empty_label=_("— choisir une réunion —"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = CommitteeMeeting.objects.filter(
            chantier_id=plan.chantier_id
        ).order_by("-date")
        self.fields["version"].initial = plan.version


class ActionForm(ShapeForm):
    class Meta:
        model = Action
        fields = ACTION_FIELDS
        # French users type "1 500,50": numbers are read in the active language.
        localized_fields = ("budget_planned", "budget_spent")
        widgets = {
            "start_date": DateInput,
            "due_date": DateInput,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, chantier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = ActionPlan.objects.filter(chantier=chantier)
        self.fields["axis"].queryset = StrategicAxis.objects.filter(chantier=chantier)
        self.fields["lead_organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["lead_organisation"].label_from_instance = organisation_label
        owner = self.fields["owner"]
        owner.queryset = (
            get_user_model()
            .objects.filter(memberships__chantier=chantier, memberships__role__in=OWNER_ROLES)
            .order_by("last_name", "first_name", "username")
        )
        owner.label_from_instance = person_label


class ActionEditForm(ActionForm, EditFields):
    pass


class PartnerForm(ShapeForm):
    class Meta:
        model = ActionPartner
        fields = PARTNER_FIELDS
        localized_fields = ("contribution_amount",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["organisation"].label_from_instance = organisation_label


class PartnerEditForm(PartnerForm, EditFields):
    pass


class MilestoneForm(ShapeForm):
    class Meta:
        model = Milestone
        fields = MILESTONE_FIELDS
        widgets = {"due_date": DateInput}


class MilestoneEditForm(MilestoneForm, EditFields):
    pass


class IndicatorForm(ShapeForm):
    class Meta:
        model = Indicator
        fields = INDICATOR_FIELDS
        localized_fields = ("baseline", "target")
        widgets = {"target_date": DateInput}


class IndicatorEditForm(IndicatorForm, EditFields):
    pass


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Pourquoi ? (facultatif, gardé dans l'historique)"), max_length=100, required=False
    )


class RecommendationLinkForm(forms.Form):
    recommendation = forms.ModelChoiceField(
        label=_("Recommandation"),
        queryset=Recommendation.objects.none(),
        empty_label=_("— choisir une recommandation —"),
    )
    contribution = forms.CharField(
        label=_("Comment l'action y contribue (facultatif)"), max_length=300, required=False
    )

    def __init__(self, *args, chantier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].queryset = Recommendation.objects.filter(
            chantier=chantier
        ).order_by("code")


class ProgressForm(forms.Form):
    """The 30-second update: percent and status are pre-filled with the current ones."""

    percent = forms.IntegerField(
        label=_("Avancement (%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    status = forms.ChoiceField(label=_("Statut"), choices=ActionStatus.choices)
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire si l'avancement recule ou si le statut se dégrade."),
    )
    blockers = forms.CharField(
        label=_("Obstacles"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_url = forms.URLField(
        label=_("Lien vers une preuve (facultatif)"),
        required=False,
        assume_scheme="https",
    )

    def __init__(self, *args, action: Action, **kwargs):
        kwargs.setdefault("prefix", f"a{action.pk}")
        kwargs.setdefault("initial", {"percent": action.percent_complete, "status": action.status})
        super().__init__(*args, **kwargs)


class MeasurementForm(forms.Form):
    value = forms.DecimalField(
        label=_("Valeur"),
        max_digits=14,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput)
    comment = forms.CharField(label=_("Commentaire"), max_length=300, required=False)

    def __init__(self, *args, indicator: Indicator, **kwargs):
        kwargs.setdefault("prefix", f"i{indicator.pk}")
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)


def polish_filter_form(form) -> None:
    """Readable choices for the action list's filters (ActionFilter is shared with the
    API, so its form is adjusted here, for people)."""
    for name in ("late", "stale"):
        form.fields[name].widget.choices = [
            ("unknown", _("Toutes")),
            ("true", _("Oui")),
            ("false", _("Non")),
        ]
    form.fields["owner"].label_from_instance = person_label
    form.fields["owner"].empty_label = _("Toutes les personnes")
    # django-filter's choice iterator keeps the field it was built for: replace the
    # choices rather than the empty label.
    status = form.fields["status"]
    status.empty_label = None
    status.choices = [("", _("Tous les statuts")), *ActionStatus.choices]
    form.fields["axis"].empty_label = _("Tous les axes")
    form.fields["partner"].empty_label = _("Tous les partenaires")
    form.fields["recommendation"].empty_label = _("Toutes les recommandations")
