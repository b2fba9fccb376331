"""Axes and studies named in a file: found by code, name, title or reference, or
planned for creation when the user asked for it."""

from dataclasses import dataclass

from django.utils.text import slugify
from django.utils.translation import gettext as _

from chantiers import tabular
from chantiers.models import Chantier
from chantiers.tabular import CellError
from recommendations.models import StrategicAxis, Study


@dataclass
class NewAxis:
    code: str
    name: str
    obj: StrategicAxis | None = None

    def __str__(self):
        return _("%(name)s (nouvel axe)") % {"name": self.name}


@dataclass
class NewStudy:
    title: str
    year: int | None
    obj: Study | None = None

    def __str__(self):
        return _("%(title)s (nouvelle étude)") % {"title": self.title}


class AxisResolver:
    """An axis from a cell: its code or its name, within the chantier."""

    def __init__(self, chantier: Chantier, *, create_missing: bool):
        self.chantier = chantier
        self.create_missing = create_missing
        self.axes = list(StrategicAxis.objects.filter(chantier=chantier))
        self.by_id = {a.pk: a for a in self.axes}
        self.by_code: dict[str, list] = {}
        self.by_name: dict[str, list] = {}
        for axis in self.axes:
            self.by_code.setdefault(tabular.normalise(axis.code), []).append(axis)
            self.by_name.setdefault(tabular.normalise(axis.name), []).append(axis)
        self.new: dict[str, NewAxis] = {}

    def resolve(self, value: str) -> StrategicAxis | NewAxis:
        key = tabular.normalise(value)
        found = {a.pk: a for a in self.by_code.get(key, []) + self.by_name.get(key, [])}
        if len(found) == 1:
            return next(iter(found.values()))
        if len(found) > 1:
            raise CellError(
                _("« %(v)s » désigne plusieurs axes : indiquez le code de l'axe.") % {"v": value}
            )
        if not self.create_missing:
            raise CellError(
                _(
                    "Axe inconnu dans ce chantier : « %(v)s ». Corrigez-le, ou cochez « créer "
                    "les axes et études manquants »."
                )
                % {"v": value}
            )
        if key not in self.new:
            self.new[key] = NewAxis(code=self._new_code(value), name=value[:200])
        return self.new[key]

    def _new_code(self, value: str) -> str:
        taken = {a.code.casefold() for a in self.axes} | {
            n.code.casefold() for n in self.new.values()
        }
        base = slugify(tabular.ascii_fold(value)).upper()[:30].strip("-") or "AXE"
        code, suffix = base, 1
        while code.casefold() in taken:
            suffix += 1
            code = f"{base[: 30 - len(str(suffix)) - 1]}-{suffix}"
        return code


class StudyResolver:
    """A study from its title or reference (studies are shared by every chantier),
    narrowed by year when the file gives one."""

    def __init__(self, *, create_missing: bool):
        self.create_missing = create_missing
        self.index: dict[str, list[Study]] = {}
        self.by_id: dict[int, Study] = {}
        for study in Study.objects.all():
            self.by_id[study.pk] = study
            self.index.setdefault(tabular.normalise(study.title), []).append(study)
            if study.reference:
                self.index.setdefault(tabular.normalise(study.reference), []).append(study)
        self.new: dict[tuple, NewStudy] = {}

    def resolve(self, value: str, year: int | None) -> Study | NewStudy:
        key = tabular.normalise(value)
        candidates = list({s.pk: s for s in self.index.get(key, [])}.values())
        if year is not None:
            # A year names one edition: « Diagnostic 2024 » is not « Diagnostic 2019 ».
            candidates = [s for s in candidates if s.year == year]
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise CellError(
                _("Plusieurs études s'appellent « %(v)s » : précisez l'année de l'étude.")
                % {"v": value}
                if year is None
                else _("Plusieurs études « %(v)s » datent de %(y)s : indiquez leur référence.")
                % {"v": value, "y": year}
            )
        if not self.create_missing:
            raise CellError(
                _(
                    "Étude inconnue : « %(v)s ». Corrigez-la, ou cochez « créer les axes et "
                    "études manquants »."
                )
                % {"v": f"{value} ({year})" if year else value}
            )
        if (key, year) not in self.new:
            self.new[(key, year)] = NewStudy(title=value[:300], year=year)
        return self.new[(key, year)]


def display_name(obj) -> str:
    if obj is None:
        return ""
    if isinstance(obj, StrategicAxis):
        return obj.name
    if isinstance(obj, Study):
        return obj.title
    return str(obj)
