"""History helpers shared by services, the UI and the API.

Services always stamp the acting user on the instance before saving, so the history
row names the right person whatever the write path (request, API, command, import);
HistoryRequestMiddleware is only a safety net for admin forms.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _

# Fields that change on every save and say nothing to a reader.
HIDDEN_FIELDS = {"version", "last_update_at"}


def stamp(instance: models.Model, *, by, reason: str = "") -> models.Model:
    """Set who makes the next save of `instance` and why (read by simple_history)."""
    instance._history_user = by
    # Always overwrite: a reason left from an earlier save must not label this one.
    instance._change_reason = reason[:100] or None
    return instance


def system_user():
    """The named account that management commands act as when no person is given."""
    user, _created = get_user_model().objects.get_or_create(
        username=settings.SYSTEM_USERNAME,
        defaults={"first_name": "Système", "is_active": False},
    )
    return user


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class Entry:
    when: object
    user: object
    reason: str
    kind: str  # "+", "~" or "-", as simple_history's history_type
    changes: list[Change] = field(default_factory=list)
    # The primary key of the object the entry is about (timelines may mix several).
    object_id: object = None

    @property
    def kind_label(self) -> str:
        return {"+": _("Création"), "~": _("Modification"), "-": _("Suppression")}[self.kind]


def _display(model_field, value, related_names) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        return related_names.get(model_field.related_model, {}).get(value, f"#{value}")
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    return str(value)


def timeline(records) -> list[Entry]:
    """Field-level changes from a sequence of historical records of one or more objects,
    newest first. Costs one query for the records, one per related model named in them,
    and one for the users, whatever the number of records."""
    records = sorted(records, key=lambda r: (r.history_date, r.history_id))
    if not records:
        return []
    model = records[0].instance_type
    tracked = [
        f for f in model._meta.concrete_fields if f.name not in HIDDEN_FIELDS and not f.primary_key
    ]
    # Resolve every foreign key value named in the records with one query per model.
    wanted = defaultdict(set)
    for record in records:
        for f in tracked:
            if f.is_relation:
                value = getattr(record, f.attname)
                if value is not None:
                    wanted[f.related_model].add(value)
    related_names = {
        rel_model: {o.pk: str(o) for o in rel_model._default_manager.filter(pk__in=pks)}
        for rel_model, pks in wanted.items()
    }
    user_ids = {r.history_user_id for r in records if r.history_user_id}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=user_ids)}

    previous_by_object: dict = {}
    entries = []
    for record in records:
        object_id = getattr(record, model._meta.pk.attname)
        previous = previous_by_object.get(object_id)
        changes = []
        for f in tracked:
            new = getattr(record, f.attname)
            old = getattr(previous, f.attname) if previous is not None else None
            if previous is not None and old == new:
                continue
            if previous is None and record.history_type == "+" and new in (None, ""):
                continue
            if record.history_type == "-":
                continue
            changes.append(
                Change(
                    field=f.name,
                    label=str(f.verbose_name),
                    old=_display(f, old, related_names) if previous is not None else "",
                    new=_display(f, new, related_names),
                )
            )
        previous_by_object[object_id] = record
        if changes or record.history_type != "~" or record.history_change_reason:
            entries.append(
                Entry(
                    when=record.history_date,
                    user=users.get(record.history_user_id),
                    reason=record.history_change_reason or "",
                    kind=record.history_type,
                    changes=changes,
                    object_id=object_id,
                )
            )
    entries.reverse()
    return entries


def object_timeline(instance: models.Model) -> list[Entry]:
    return timeline(instance.history.all())


def timeline_since(instance: models.Model, version: int) -> list[Entry]:
    """What changed on a VersionedModel instance after the `version` someone read: the
    entries of the saves that came later, diffed against the state at that version.
    Shown when a stale edit is refused, so the person sees what the other one changed."""
    records = list(instance.history.filter(version__gte=version))
    records.sort(key=lambda r: (r.history_date, r.history_id))
    at_version = [i for i, r in enumerate(records) if r.version == version]
    if not at_version:
        return timeline(records)
    # The last record at the version read is the baseline; its own entry is dropped.
    return timeline(records[at_version[-1] :])[:-1]
