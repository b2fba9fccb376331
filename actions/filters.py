"""The action list's filters, shared by the web list, the API and the exports.
Expects a queryset from actions.queries (annotated with `late` and `stale`)."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from actions.models import Action, ActionPartner, ActionRecommendation, ActionStatus
from chantiers.models import Organisation
from recommendations.models import Recommendation, StrategicAxis


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Recherche"))
    owner = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.none(), label=_("Responsable")
    )
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices, label=_("Statut"))
    late = django_filters.BooleanFilter(label=_("En retard"))
    stale = django_filters.BooleanFilter(label=_("Sans nouvelles"))
    axis = django_filters.ModelChoiceFilter(queryset=StrategicAxis.objects.none(), label=_("Axe"))
    partner = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(), method="filter_partner", label=_("Partenaire")
    )
    recommendation = django_filters.ModelChoiceFilter(
        queryset=Recommendation.objects.none(),
        method="filter_recommendation",
        label=_("Recommandation"),
    )

    class Meta:
        model = Action
        fields = ["q", "owner", "status", "late", "stale", "axis", "partner", "recommendation"]

    def __init__(self, *args, chantier=None, **kwargs):
        super().__init__(*args, **kwargs)
        if chantier is not None:
            self.filters["owner"].queryset = get_user_model().objects.filter(
                memberships__chantier=chantier
            )
            self.filters["axis"].queryset = StrategicAxis.objects.filter(chantier=chantier)
            self.filters["recommendation"].queryset = Recommendation.objects.filter(
                chantier=chantier
            )

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(title__icontains=value))

    def filter_partner(self, queryset, name, value):
        return queryset.filter(
            Exists(ActionPartner.objects.filter(action=OuterRef("pk"), organisation=value))
        )

    def filter_recommendation(self, queryset, name, value):
        return queryset.filter(
            Exists(ActionRecommendation.objects.filter(action=OuterRef("pk"), recommendation=value))
        )
