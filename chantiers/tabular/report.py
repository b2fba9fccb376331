"""The per-row outcome of an import: created, updated (old → new), unchanged, error."""

import hashlib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chantiers.tabular.cells import display


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"

    LABELS = {
        CREATED: gettext_lazy("créée"),
        UPDATED: gettext_lazy("modifiée"),
        UNCHANGED: gettext_lazy("inchangée"),
        ERROR: gettext_lazy("erreur"),
    }


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class RowError:
    column: str
    message: str


@dataclass
class RowResult:
    number: int
    code: str
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: bool = False

    @property
    def outcome(self) -> str:
        if self.errors:
            return Outcome.ERROR
        if self.created:
            return Outcome.CREATED
        return Outcome.UPDATED if self.changes else Outcome.UNCHANGED

    @property
    def outcome_label(self) -> str:
        return str(Outcome.LABELS[self.outcome])

    def error(self, column: str, message) -> None:
        self.errors.append(RowError(column=column, message=str(message)))

    def change(self, label: str, old, new) -> None:
        self.changes.append(Change(label=label, old=display(old), new=display(new)))


@dataclass
class Report:
    filename: str
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. the axes that will be created
    applied: bool = False
    stale: bool = False  # the data changed between the dry run and the apply
    seconds: float = 0.0

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(r.errors for r in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(
            (Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED, Outcome.ERROR), 0
        )
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    def digest(self) -> str:
        """A fingerprint of what applying would do: if it differs at apply time, the
        data changed since the dry run the user approved."""
        h = hashlib.sha256()
        for row in self.rows:
            h.update(f"{row.number}\x1f{row.code}\x1f{row.outcome}\x1e".encode())
            for c in row.changes:
                h.update(f"{c.label}\x1f{c.old}\x1f{c.new}\x1e".encode())
        for note in self.notes:
            h.update(f"{note}\x1e".encode())
        return h.hexdigest()

    def summary(self) -> str:
        c = self.counts
        if self.applied:
            return (
                _("%(created)d créée(s), %(updated)d modifiée(s), %(unchanged)d inchangée(s)") % c
            )
        return (
            _(
                "%(created)d à créer, %(updated)d à modifier, %(unchanged)d inchangée(s), "
                "%(error)d en erreur"
            )
            % c
        )

    def text_lines(self, *, errors_only: bool = False) -> list[str]:
        """The report as plain text, one line per row (and one per change or error)."""
        lines = [_("Fichier : %(name)s") % {"name": self.filename}]
        lines += [_("ERREUR : %(msg)s") % {"msg": e} for e in self.file_errors]
        if self.ignored_columns:
            lines.append(
                _("Colonnes ignorées : %(cols)s") % {"cols": ", ".join(self.ignored_columns)}
            )
        lines += self.notes
        for row in self.rows:
            if errors_only and not row.errors:
                continue
            lines.append(
                _("Ligne %(n)d\t%(code)s\t%(outcome)s")
                % {"n": row.number, "code": row.code or "—", "outcome": row.outcome_label}
            )
            for error in row.errors:
                lines.append(f"\t{error.column} : {error.message}")
            for change in row.changes:
                lines.append(f"\t{change.label} : {change.old} → {change.new}")
        if self.rows:
            lines.append(self.summary())
        return lines
