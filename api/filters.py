"""Filter building blocks that cannot be turned into a 500: ids are bounded integers
(an out-of-range id would overflow SQLite), texts are bounded strings."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """Filter on a foreign key by id, without confirming that the id exists elsewhere."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0); anything else is an error, not "no filter"."""

    widget = forms.TextInput  # NullBooleanSelect would turn anything unknown into None
    accepted = {"true": True, "1": True, "false": False, "0": False, "": None}

    def to_python(self, value):
        if value is None or isinstance(value, bool):
            return value
        key = str(value).strip().lower()
        if key not in self.accepted:
            raise forms.ValidationError(_("Valeur attendue : true ou false."), code="invalid")
        return self.accepted[key]

    def validate(self, value):
        pass


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class ChantierCodeFilter(django_filters.CharFilter):
    def __init__(self, path: str = "chantier", **kwargs):
        kwargs.setdefault("label", "chantier")
        kwargs.setdefault("max_length", 50)
        super().__init__(field_name=f"{path}__code" if path != "pk" else "code", **kwargs)


def filterset(model, path: str | None = "chantier", ids=(), choices=(), dates=(), booleans=()):
    """A FilterSet for `model`: `chantier` (code), exact ids, choices, date ranges."""
    attrs = {}
    if path is not None:
        attrs["chantier"] = ChantierCodeFilter(path)
    for name in ids:
        attrs[name] = IdFilter(field_name=name)
    for name in choices:
        attrs[name] = django_filters.ChoiceFilter(
            field_name=name, choices=model._meta.get_field(name).choices
        )
    for name in dates:
        attrs[f"{name}_after"] = django_filters.DateFilter(field_name=name, lookup_expr="gte")
        attrs[f"{name}_before"] = django_filters.DateFilter(field_name=name, lookup_expr="lte")
    for name in booleans:
        attrs[name] = BooleanFilter(field_name=name)
    meta = type("Meta", (), {"model": model, "fields": []})
    return type(f"{model.__name__}APIFilter", (django_filters.FilterSet,), {**attrs, "Meta": meta})
