"""Import and export of a chantier's recommendations (CSV / XLSX).

Rows are matched to recommendations by code within the chantier (case-insensitive).
An empty cell in a column the file has clears that field; a column the file does not
have leaves the field alone.

Dispositions: the import may change a recommendation's disposition, but only along
the moves `recommendations.services.TRANSITIONS` allows, with the justification the
model requires (« Non retenue », « Fermée sans mise en œuvre »), and never to
« Fusionnée » or « Transférée », which need a target chosen on the recommendation's
page. A new recommendation starts « À l'étude », so a file may create it « Retenue »,
« Reportée » or « Non retenue » but not « Mise en œuvre ». As in `set_disposition`, a
changed disposition gets today's date. Tiers (override included), scores and ranks
are computed by the prioritisation and are exported for reading only.

Unknown axes and studies are refused unless the caller asks for them to be created.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from chantiers import tabular
from chantiers.models import Chantier
from chantiers.tabular import CellError, Column, Importer, Report, RowResult, Table
from recommendations.models import Recommendation, StrategicAxis, Study
from recommendations.services import TRANSITIONS

Disposition = Recommendation.Disposition
BATCH = 500

COLUMNS = [
    Column(
        "code",
        "Code",
        ("Code de la recommandation", "N°", "No", "Numéro", "Identifiant", "Recommendation code"),
        required=True,
        help=gettext_lazy("Code unique dans le chantier, par exemple R-042."),
    ),
    Column(
        "title",
        "Titre",
        ("Intitulé", "Titre de la recommandation", "Title"),
        help=gettext_lazy("Obligatoire pour une nouvelle recommandation (300 caractères au plus)."),
    ),
    Column(
        "text",
        "Texte",
        ("Description", "Texte de l'étude", "Texte verbatim", "Verbatim", "Extrait", "Text"),
        help=gettext_lazy("Texte de la recommandation tel qu'il figure dans l'étude."),
    ),
    Column(
        "source_location",
        "Emplacement",
        ("Emplacement dans l'étude", "Page", "Section", "Page ou section", "Location"),
        help=gettext_lazy("Page ou section de l'étude (100 caractères au plus)."),
    ),
    Column(
        "axis",
        "Axe",
        ("Axe stratégique", "Thème", "Axis", "Strategic axis"),
        help=gettext_lazy("Code ou nom d'un axe stratégique du chantier."),
    ),
    Column(
        "study",
        "Étude",
        ("Étude source", "Source", "Study", "Source study"),
        help=gettext_lazy("Titre ou référence de l'étude source."),
    ),
    Column(
        "study_year",
        "Année de l'étude",
        ("Année", "Study year", "Year"),
        help=gettext_lazy("Année de l'étude (1900 à 2100) ; distingue deux études de même titre."),
    ),
    Column(
        "disposition",
        "Décision",
        ("Statut", "Disposition", "Décision du comité", "Status", "Decision"),
        help=gettext_lazy(
            "À l'étude, Retenue, Reportée, Non retenue, En mise en œuvre, Mise en œuvre, "
            "Fermée sans mise en œuvre. Une fusion ou un transfert se fait sur la fiche."
        ),
    ),
    Column(
        "justification",
        "Justification",
        ("Justification de la décision", "Rationale"),
        help=gettext_lazy("Obligatoire pour « Non retenue » et « Fermée sans mise en œuvre »."),
    ),
    Column(
        "disposition_date",
        "Date de la décision",
        ("Disposition date",),
        readonly=True,
        help=gettext_lazy("Date du dernier changement de décision."),
    ),
    Column(
        "tier",
        "Niveau",
        ("Niveau de priorité", "Priorité", "Tier"),
        readonly=True,
        help=gettext_lazy("P1, P2 ou P3, calculé par la priorisation."),
    ),
    Column(
        "score", "Score", (), readonly=True, help=gettext_lazy("Score 0–100 de la priorisation.")
    ),
    Column("rank", "Rang", ("Rank",), readonly=True, help=gettext_lazy("Rang dans le chantier.")),
]
LABELS = {c.key: c.label for c in COLUMNS}

DISPOSITION_EN = {
    Disposition.UNDER_REVIEW: ("under review", "pending"),
    Disposition.RETAINED: ("retained", "accepted"),
    Disposition.POSTPONED: ("postponed", "deferred"),
    Disposition.NOT_RETAINED: ("not retained", "rejected"),
    Disposition.MERGED: ("merged",),
    Disposition.TRANSFERRED: ("transferred",),
    Disposition.IN_IMPLEMENTATION: ("in implementation", "in progress"),
    Disposition.IMPLEMENTED: ("implemented", "done"),
    Disposition.CLOSED_UNIMPLEMENTED: ("closed without implementation", "closed unimplemented"),
}


def disposition_label(value: str) -> str:
    with translation.override("fr-ca"):
        return str(Disposition(value).label)


def _disposition_lookup() -> dict[str, str]:
    lookup = {}
    for value, label in Disposition.choices:
        lookup[tabular.normalise(value)] = value
        lookup[tabular.normalise(label)] = value
        lookup[tabular.normalise(disposition_label(value))] = value
        for alias in DISPOSITION_EN[value]:
            lookup[tabular.normalise(alias)] = value
    return lookup


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


@dataclass
class Plan:
    to_create: list[dict] = field(default_factory=list)  # field values of new recommendations
    to_update: list[Recommendation] = field(default_factory=list)
    update_fields: set[str] = field(default_factory=set)
    new_axes: dict[str, NewAxis] = field(default_factory=dict)
    new_studies: dict[tuple, NewStudy] = field(default_factory=dict)
    # Recommendations (instances, or field values of new ones) whose axis or study is
    # still to be created.
    pending: list[tuple[Recommendation | dict, str, NewAxis | NewStudy]] = field(
        default_factory=list
    )


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
        if year is not None and len(candidates) > 1:
            candidates = [s for s in candidates if s.year == year] or candidates
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise CellError(
                _("Plusieurs études s'appellent « %(v)s » : précisez l'année de l'étude.")
                % {"v": value}
            )
        if not self.create_missing:
            raise CellError(
                _(
                    "Étude inconnue : « %(v)s ». Corrigez-la, ou cochez « créer les axes et "
                    "études manquants »."
                )
                % {"v": value}
            )
        if (key, year) not in self.new:
            self.new[(key, year)] = NewStudy(title=value[:300], year=year)
        return self.new[(key, year)]


def _name(obj) -> str:
    if obj is None:
        return ""
    if isinstance(obj, StrategicAxis):
        return obj.name
    if isinstance(obj, Study):
        return obj.title
    return str(obj)


class RecommendationImporter(Importer):
    columns = COLUMNS

    def __init__(self, chantier: Chantier, *, create_missing: bool = False):
        self.chantier = chantier
        self.create_missing = create_missing

    def lock(self) -> None:
        Chantier.objects.select_for_update().filter(pk=self.chantier.pk).first()

    def plan(self, table: Table, report: Report, *, progress) -> Plan:
        plan = Plan()
        self.existing: dict[str, list[Recommendation]] = {}
        for rec in Recommendation.objects.filter(chantier=self.chantier).order_by("pk"):
            self.existing.setdefault(rec.code.casefold(), []).append(rec)
        self.axes = AxisResolver(self.chantier, create_missing=self.create_missing)
        self.studies = StudyResolver(create_missing=self.create_missing)
        self.dispositions = _disposition_lookup()
        self.labels = {value: disposition_label(value) for value in Disposition.values}
        self.today = timezone.localdate()
        self.seen: dict[str, int] = {}
        total = len(table.rows)
        for index, row in enumerate(table.rows):
            if index % BATCH == 0:
                progress("analyse", index, total)
            result = RowResult(number=row.number, code="")
            report.rows.append(result)
            self._plan_row(row, result, plan)
        progress("analyse", total, total)
        plan.new_axes = self.axes.new
        plan.new_studies = self.studies.new
        if plan.new_axes:
            report.notes.append(
                _("Axes à créer : %(names)s.")
                % {"names": ", ".join(f"{a.name} ({a.code})" for a in plan.new_axes.values())}
            )
        if plan.new_studies:
            report.notes.append(
                _("Études à créer : %(names)s.")
                % {"names": ", ".join(s.title for s in plan.new_studies.values())}
            )
        return plan

    def _plan_row(self, row, result: RowResult, plan: Plan) -> None:
        code = tabular.text(row.cells.get("code"))
        result.code = code
        if not code:
            result.error(LABELS["code"], _("Code manquant."))
            return
        if len(code) > 30:
            result.error(LABELS["code"], _("Code trop long (30 caractères au plus)."))
            return
        key = code.casefold()
        if key in self.seen:
            result.error(
                LABELS["code"],
                _("Code en double dans le fichier (déjà à la ligne %(n)d).")
                % {"n": self.seen[key]},
            )
            return
        self.seen[key] = row.number
        matches = self.existing.get(key, [])
        if len(matches) > 1:
            result.error(
                LABELS["code"],
                _("Plusieurs recommandations du chantier ont ce code à la casse près."),
            )
            return
        rec = matches[0] if matches else None
        creating = rec is None
        values: dict[str, object] = {}

        def read(key, parse):
            if not row.has(key):
                return
            try:
                values[key] = parse(row.cells[key])
            except CellError as exc:
                result.error(LABELS[key], exc.message)

        read("title", lambda v: tabular.check_length(tabular.text(v), 300))
        read("text", lambda v: tabular.text(v, multiline=True))
        read("source_location", lambda v: tabular.check_length(tabular.text(v), 100))
        read("study_year", lambda v: tabular.parse_int(v, minimum=1900, maximum=2100))
        read("justification", lambda v: tabular.text(v, multiline=True))

        title_failed = any(e.column == LABELS["title"] for e in result.errors)
        if not title_failed and (
            ("title" in values and not values["title"]) or (creating and "title" not in values)
        ):
            result.error(LABELS["title"], _("Titre manquant."))
        if row.has("axis"):
            raw = tabular.text(row.cells["axis"])
            try:
                values["axis"] = self.axes.resolve(raw) if raw else None
            except CellError as exc:
                result.error(LABELS["axis"], exc.message)
        if row.has("study"):
            raw = tabular.text(row.cells["study"])
            year = values.get("study_year")
            try:
                values["study"] = self.studies.resolve(raw, year) if raw else None
            except CellError as exc:
                result.error(LABELS["study"], exc.message)

        current = rec.disposition if rec else Disposition.UNDER_REVIEW
        disposition = current
        if row.has("disposition"):
            raw = tabular.text(row.cells["disposition"])
            if raw:
                disposition = self.dispositions.get(tabular.normalise(raw))
                if disposition is None:
                    result.error(
                        LABELS["disposition"],
                        _("Décision inconnue : « %(v)s ». Valeurs admises : %(values)s.")
                        % {
                            "v": raw,
                            "values": ", ".join(self.labels.values()),
                        },
                    )
                    disposition = current
            # An empty cell leaves the disposition as it is: it cannot be cleared.
            if disposition != current:
                if disposition in (Disposition.MERGED, Disposition.TRANSFERRED):
                    result.error(
                        LABELS["disposition"],
                        _(
                            "Une fusion ou un transfert ne se fait pas par importation : "
                            "utilisez la fiche de la recommandation."
                        ),
                    )
                elif disposition not in TRANSITIONS[current]:
                    result.error(
                        LABELS["disposition"],
                        _("Impossible de passer de « %(old)s » à « %(new)s ».")
                        % {
                            "old": self.labels[current],
                            "new": self.labels[disposition],
                        },
                    )
        justification = values.get("justification", rec.disposition_justification if rec else "")
        if disposition in Recommendation.JUSTIFIED_DISPOSITIONS and not justification:
            result.error(
                LABELS["justification"],
                _("Une justification est requise pour la décision « %(d)s ».")
                % {"d": self.labels[disposition]},
            )
        if result.errors:
            return

        if creating:
            self._plan_create(code, values, disposition, result, plan)
        else:
            self._plan_update(rec, values, current, disposition, result, plan)

    def _plan_create(self, code, values, disposition, result, plan: Plan) -> None:
        """A new recommendation, kept as field values: the model instance is only built
        when applying (a dry run of 10,000 rows need not build 10,000 instances)."""
        result.created = True
        fields = {"code": code}
        for key, name in (
            ("title", "title"),
            ("text", "text"),
            ("source_location", "source_location"),
            ("axis", "axis"),
            ("study", "study"),
            ("justification", "disposition_justification"),
        ):
            value = values.get(key)
            if value in (None, ""):
                continue
            if isinstance(value, NewAxis | NewStudy):
                plan.pending.append((fields, name, value))
                result.change(LABELS[key], "", str(value))
            else:
                fields[name] = value
                result.change(LABELS[key], "", _name(value) if key in ("axis", "study") else value)
        if disposition != Disposition.UNDER_REVIEW:
            fields["disposition"] = disposition
            fields["disposition_date"] = self.today
            result.change(
                LABELS["disposition"],
                self.labels[Disposition.UNDER_REVIEW],
                self.labels[disposition],
            )
        plan.to_create.append(fields)

    def _plan_update(self, rec, values, current, disposition, result, plan: Plan) -> None:
        changed: list[str] = []

        def assign(field_name, label, new, multiline=False):
            old = getattr(rec, field_name)
            if tabular.same_text(old, new, multiline=multiline):
                return
            setattr(rec, field_name, new)
            changed.append(field_name)
            result.change(label, old, new)

        if "title" in values:
            assign("title", LABELS["title"], values["title"])
        if "text" in values:
            assign("text", LABELS["text"], values["text"], multiline=True)
        if "source_location" in values:
            assign("source_location", LABELS["source_location"], values["source_location"])
        for fk in ("axis", "study"):
            if fk not in values:
                continue
            target = values[fk]
            resolver = self.axes if fk == "axis" else self.studies
            old_obj = resolver.by_id.get(getattr(rec, f"{fk}_id"))
            if isinstance(target, NewAxis | NewStudy):
                plan.pending.append((rec, fk, target))
                changed.append(fk)
                result.change(LABELS[fk], _name(old_obj), str(target))
            elif (old_obj.pk if old_obj else None) != (target.pk if target else None):
                setattr(rec, fk, target)
                changed.append(fk)
                result.change(LABELS[fk], _name(old_obj), _name(target))
        if disposition != current:
            rec.disposition = disposition
            rec.disposition_date = self.today
            changed += ["disposition", "disposition_date"]
            result.change(LABELS["disposition"], self.labels[current], self.labels[disposition])
        if "justification" in values:
            assign(
                "disposition_justification",
                LABELS["justification"],
                values["justification"],
                multiline=True,
            )
        if changed:
            plan.to_update.append(rec)
            plan.update_fields.update(changed)

    def apply(self, plan: Plan, *, by, reason: str, progress) -> None:
        kwargs = {"batch_size": BATCH, "default_user": by, "default_change_reason": reason}
        if plan.new_axes:
            start = (
                StrategicAxis.objects.filter(chantier=self.chantier).aggregate(m=Max("order"))["m"]
                or 0
            )
            for offset, new in enumerate(plan.new_axes.values(), start=1):
                new.obj = StrategicAxis(
                    chantier=self.chantier, code=new.code, name=new.name, order=start + offset
                )
            bulk_create_with_history(
                [n.obj for n in plan.new_axes.values()], StrategicAxis, **kwargs
            )
        if plan.new_studies:
            for new in plan.new_studies.values():
                new.obj = Study(title=new.title, year=new.year)
            bulk_create_with_history([n.obj for n in plan.new_studies.values()], Study, **kwargs)
        for target, fk, new in plan.pending:
            if isinstance(target, dict):
                target[fk] = new.obj
            else:
                setattr(target, fk, new.obj)
        total = len(plan.to_create) + len(plan.to_update)
        progress("enregistrement", 0, total)
        for start in range(0, len(plan.to_create), BATCH * 4):
            chunk = [
                Recommendation(chantier=self.chantier, **fields)
                for fields in plan.to_create[start : start + BATCH * 4]
            ]
            bulk_create_with_history(chunk, Recommendation, **kwargs)
            progress("enregistrement", min(start + BATCH * 4, len(plan.to_create)), total)
        if plan.to_update:
            for rec in plan.to_update:
                rec.version += 1
            fields = sorted(plan.update_fields | {"version"})
            for start in range(0, len(plan.to_update), BATCH * 4):
                bulk_update_with_history(
                    plan.to_update[start : start + BATCH * 4], Recommendation, fields, **kwargs
                )
                progress(
                    "enregistrement",
                    len(plan.to_create) + min(start + BATCH * 4, len(plan.to_update)),
                    total,
                )


def import_recommendations(
    data: bytes,
    *,
    filename: str,
    chantier: Chantier,
    by,
    dry_run: bool = True,
    create_missing: bool = False,
    expected_digest: str | None = None,
    progress=None,
) -> Report:
    """Dry run (default) or apply an import of recommendations into `chantier`; see
    `chantiers.tabular.run_import` for the all-or-nothing rules."""
    return tabular.run_import(
        RecommendationImporter(chantier, create_missing=create_missing),
        data,
        filename=filename,
        by=by,
        dry_run=dry_run,
        expected_digest=expected_digest,
        progress=progress,
    )


# ---------------------------------------------------------------------------
# Export


def export_rows(queryset) -> list[list]:
    """One row per recommendation, in COLUMNS order (same headers as the import)."""
    rows = []
    for rec in queryset.select_related("axis", "study"):
        rows.append(
            [
                rec.code,
                rec.title,
                rec.text,
                rec.source_location,
                rec.axis.name if rec.axis_id else "",
                rec.study.title if rec.study_id else "",
                rec.study.year if rec.study_id else None,
                disposition_label(rec.disposition),
                rec.disposition_justification,
                rec.disposition_date,
                rec.tier,
                rec.score,
                rec.rank,
            ]
        )
    return rows
