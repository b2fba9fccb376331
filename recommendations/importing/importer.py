"""Planning (validation, report) and applying an import of recommendations."""

from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from chantiers import tabular
from chantiers.models import Chantier
from chantiers.tabular import CellError, Importer, Report, RowResult, Table
from recommendations.importing.columns import (
    COLUMNS,
    LABELS,
    Disposition,
    disposition_label,
    disposition_lookup,
)
from recommendations.importing.resolvers import (
    AxisResolver,
    NewAxis,
    NewStudy,
    StudyResolver,
    display_name,
)
from recommendations.models import Recommendation, StrategicAxis, Study
from recommendations.services import TRANSITIONS

BATCH = 500


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
        existing = Recommendation.objects.filter(chantier=self.chantier).order_by("pk")
        if self.for_update:
            existing = existing.select_for_update()
        for rec in existing:
            self.existing.setdefault(rec.code.casefold(), []).append(rec)
        self.axes = AxisResolver(self.chantier, create_missing=self.create_missing)
        self.studies = StudyResolver(create_missing=self.create_missing)
        self.dispositions = disposition_lookup()
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
                result.change(
                    LABELS[key], "", display_name(value) if key in ("axis", "study") else value
                )
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
                result.change(LABELS[fk], display_name(old_obj), str(target))
            elif (old_obj.pk if old_obj else None) != (target.pk if target else None):
                setattr(rec, fk, target)
                changed.append(fk)
                result.change(LABELS[fk], display_name(old_obj), display_name(target))
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
            tabular.check_versions(
                Recommendation.objects.filter(chantier=self.chantier),
                {rec.pk: rec.version for rec in plan.to_update},
                codes={rec.pk: rec.code for rec in plan.to_update},
            )
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
