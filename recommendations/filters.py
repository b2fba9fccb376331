"""The recommendation list's filters, shared by the web list, the API and the exports,
so that "export what I see" exports exactly what the list shows."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from recommendations.models import Recommendation, StrategicAxis, Study, Tier


class RecommendationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Recherche"))
    axis = django_filters.ModelChoiceFilter(queryset=StrategicAxis.objects.none(), label=_("Axe"))
    disposition = django_filters.ChoiceFilter(
        choices=Recommendation.Disposition.choices, label=_("Décision")
    )
    tier = django_filters.ChoiceFilter(choices=Tier.choices, label=_("Niveau"))
    study = django_filters.ModelChoiceFilter(queryset=Study.objects.all(), label=_("Étude"))
    awaiting = django_filters.BooleanFilter(method="filter_awaiting", label=_("Sans décision"))

    class Meta:
        model = Recommendation
        fields = ["q", "axis", "disposition", "tier", "study", "awaiting"]

    def __init__(self, *args, chantier=None, **kwargs):
        super().__init__(*args, **kwargs)
        if chantier is not None:
            self.filters["axis"].queryset = StrategicAxis.objects.filter(chantier=chantier)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value) | Q(title__icontains=value) | Q(text__icontains=value)
        )

    def filter_awaiting(self, queryset, name, value):
        if value is None:
            return queryset
        op = queryset.filter if value else queryset.exclude
        return op(disposition=Recommendation.Disposition.UNDER_REVIEW)
