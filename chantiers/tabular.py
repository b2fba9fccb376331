"""Reading and writing spreadsheets (CSV and XLSX) for imports and exports.

One place for what every import and export shares:
- file checks and limits (settings IMPORT_MAX_BYTES and IMPORT_MAX_ROWS), file type
  detection, CSV encoding (UTF-8, UTF-8 with BOM, Windows-1252) and separator (`,` `;`
  or tab) detection, XLSX reading with openpyxl in read-only mode;
- header matching: French headers as a francophone types them, case-, accent- and
  punctuation-insensitive, with English equivalents;
- cell parsing (text, dates, numbers) with French conventions (12 500,50 ; 31/12/2026);
- spreadsheet formula neutralisation on export (a leading `'` before = + - @ tab CR)
  and its exact inverse on import, so that an export re-imports unchanged;
- the per-row report (created / updated with old → new / unchanged / error) and the
  two-step web flow's stash of uploaded files;
- `run_import`, the transaction around an importer's plan and apply steps: nothing is
  written unless every row is valid, and everything is written in one transaction.

App importers (recommendations/importing.py, actions/importing.py) only describe their
columns and how a row maps onto their models.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import functools
import hashlib
import io
import os
import re
import secrets
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_ROWS = 20_000
# An XLSX is a zip: refuse one that would inflate to far more than the size limit.
XLSX_INFLATION_FACTOR = 30

# A cell starting with one of these is run as a formula by spreadsheet software.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Control characters (except tab and newlines) are refused by openpyxl and mean nothing
# to a reader.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

CSV_EXTENSIONS = (".csv", ".txt")
XLSX_EXTENSIONS = (".xlsx", ".xlsm")


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


class TabularError(Exception):
    """A problem with the file as a whole; the message is for the user."""

    def __init__(self, message: str):
        self.message = str(message)
        super().__init__(self.message)


class CellError(Exception):
    """A cell that cannot be read; the message is for the user."""

    def __init__(self, message: str):
        self.message = str(message)
        super().__init__(self.message)


# ---------------------------------------------------------------------------
# Columns and headers


LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def ascii_fold(value) -> str:
    """'Main-d'œuvre' → 'Main-d'oeuvre', 'Étude' → 'Etude' (letters of other scripts kept)."""
    text = unicodedata.normalize("NFKD", str(value or "").translate(LIGATURES))
    return "".join(c for c in text if not unicodedata.combining(c))


def normalise(value) -> str:
    """Lower case, no accents, punctuation as single spaces: 'Étude (source)' → 'etude source'."""
    return _normalise(str(value if value is not None else ""))


@functools.lru_cache(maxsize=4096)
def _normalise(value: str) -> str:
    # Cached: a file repeats the same axes, studies and decisions on every row.
    return re.sub(r"[\W_]+", " ", ascii_fold(value).casefold()).strip()


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the French header written on export and in the templates
    aliases: tuple[str, ...] = ()  # other accepted headers (French variants, English)
    required: bool = False  # the file must have this column
    readonly: bool = False  # exported for reading, ignored on import
    help: object = ""  # what the column holds, for the template's help sheet

    def names(self) -> set[str]:
        return {normalise(self.label), *(normalise(a) for a in self.aliases)}


@dataclass
class Row:
    number: int  # the row number the user sees in the spreadsheet
    cells: dict[str, object]  # column key → raw value (str, int, float, date, datetime, None)

    def has(self, key: str) -> bool:
        return key in self.cells


@dataclass
class Table:
    filename: str
    columns: list[Column]  # the importable columns present in the file, in file order
    rows: list[Row]
    ignored: list[str] = field(default_factory=list)  # headers read but not imported

    def has_column(self, key: str) -> bool:
        return any(c.key == key for c in self.columns)


def match_headers(headers: Sequence, columns: Sequence[Column]) -> tuple[dict[int, Column], list]:
    """Map file column indexes to known columns. Returns (mapping, ignored headers).
    Read-only and unknown columns are ignored; a column given twice is an error."""
    by_name = {}
    for column in columns:
        for name in column.names():
            by_name[name] = column
    mapping: dict[int, Column] = {}
    seen: dict[str, str] = {}
    ignored = []
    for index, header in enumerate(headers):
        raw = str(header if header is not None else "").strip()
        if not raw:
            continue
        column = by_name.get(normalise(raw))
        if column is None or column.readonly:
            ignored.append(raw)
            continue
        if column.key in seen:
            raise TabularError(
                _("Les colonnes « %(a)s » et « %(b)s » désignent la même donnée (%(label)s).")
                % {"a": seen[column.key], "b": raw, "label": column.label}
            )
        seen[column.key] = raw
        mapping[index] = column
    missing = [c.label for c in columns if c.required and c.key not in seen]
    if not mapping:
        raise TabularError(
            _(
                "Aucune ligne d'en-tête reconnue : la première ligne doit nommer les colonnes "
                "(par exemple %(names)s). Téléchargez le modèle pour voir les colonnes attendues."
            )
            % {"names": ", ".join(c.label for c in columns[:4])}
        )
    if missing:
        raise TabularError(
            _("Colonne obligatoire absente : %(names)s.") % {"names": ", ".join(missing)}
        )
    return mapping, ignored


# ---------------------------------------------------------------------------
# Reading files


def clean_filename(name: str) -> str:
    name = os.path.basename(str(name or "").replace("\\", "/"))
    name = CONTROL_CHARS.sub("", name).replace("\n", " ").replace("\r", " ").strip()
    return name[:120] or "fichier"


def detect_kind(data: bytes, filename: str) -> str:
    """'csv' or 'xlsx', from the content first (a renamed file is still what it is)."""
    lower = filename.lower()
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TabularError(
            _(
                "Les classeurs Excel 97-2003 (.xls) ne sont pas pris en charge : "
                "enregistrez le fichier au format .xlsx ou .csv."
            )
        )
    if lower.endswith(XLSX_EXTENSIONS):
        raise TabularError(_("Ce fichier .xlsx est illisible ou endommagé."))
    if lower.endswith(CSV_EXTENSIONS):
        return "csv"
    if b"\x00" in data[:4096] or lower.endswith((".pdf", ".doc", ".docx", ".ods", ".odt")):
        raise TabularError(
            _("Type de fichier non pris en charge : fournissez un fichier .csv ou .xlsx.")
        )
    # Without a known extension, plain text is read as CSV.
    return "csv"


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) or Windows-1252, the encodings Excel writes CSV in."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise TabularError(
            _("Encodage du fichier non reconnu : enregistrez-le en « CSV UTF-8 » ou en .xlsx.")
        ) from exc


def sniff_delimiter(text: str) -> str:
    """The separator of the header line: `;` (French Excel), `,` or tab, whichever
    occurs most outside quotes."""
    first = ""
    for line in text.splitlines():
        if line.strip():
            first = line
            break
    counts = dict.fromkeys((";", ",", "\t"), 0)
    in_quotes = False
    for char in first:
        if char == '"':
            in_quotes = not in_quotes
        elif not in_quotes and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] else ","


def _csv_records(data: bytes) -> Iterable[tuple[int, list]]:
    text = decode_text(data)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # Rows are numbered as a spreadsheet shows them: one per record, even when a quoted
    # cell spans several lines of the file.
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise TabularError(
            _("Fichier CSV mal formé vers la ligne %(line)d : %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from exc


def _xlsx_records(data: bytes) -> Iterable[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
        if inflated > max_bytes() * XLSX_INFLATION_FACTOR:
            raise TabularError(_("Ce classeur est trop volumineux une fois décompressé."))
        # data_only: the values the user sees, not the formulas behind them.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except TabularError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise TabularError(_("Ce fichier .xlsx est illisible ou endommagé.")) from exc
    try:
        if not workbook.worksheets:
            raise TabularError(_("Ce classeur ne contient aucune feuille."))
        sheet = workbook.worksheets[0]
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(values)
        except TabularError:
            raise
        except Exception as exc:
            raise TabularError(_("Ce fichier .xlsx est illisible ou endommagé.")) from exc
    finally:
        workbook.close()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_table(data: bytes, filename: str, columns: Sequence[Column]) -> Table:
    """Read a CSV or XLSX file into rows keyed by column. The header is the first
    non-empty row; empty rows are skipped. Raises TabularError with a clear message
    on any problem with the file as a whole."""
    filename = clean_filename(filename)
    check_size(len(data))
    if not data.strip():
        raise TabularError(_("Le fichier est vide."))
    kind = detect_kind(data, filename)
    records = _xlsx_records(data) if kind == "xlsx" else _csv_records(data)
    row_limit = max_rows()
    mapping: dict[int, Column] | None = None
    ignored: list[str] = []
    rows: list[Row] = []
    for number, values in records:
        if all(_blank(v) for v in values):
            continue
        if mapping is None:
            mapping, ignored = match_headers(values, columns)
            continue
        if len(rows) >= row_limit:
            raise TabularError(
                _("Trop de lignes : la limite est de %(limit)s lignes par fichier.")
                % {"limit": f"{row_limit:,}".replace(",", " ")}
            )
        cells = {col.key: values[i] if i < len(values) else None for i, col in mapping.items()}
        rows.append(Row(number=number, cells=cells))
    if mapping is None:
        raise TabularError(_("Le fichier est vide."))
    if not rows:
        raise TabularError(_("Le fichier ne contient que la ligne d'en-tête : aucune donnée."))
    ordered = [mapping[i] for i in sorted(mapping)]
    return Table(filename=filename, columns=ordered, rows=rows, ignored=ignored)


def check_size(size: int) -> None:
    limit = max_bytes()
    if size > limit:
        raise TabularError(
            _("Fichier trop volumineux (%(size)s) : la limite est de %(limit)s.")
            % {"size": human_size(size), "limit": human_size(limit)}
        )


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return _("%(n)s Mo") % {"n": f"{size / (1024 * 1024):.1f}".replace(".", ",")}
    if size >= 1024:
        return _("%(n)s ko") % {"n": size // 1024}
    return _("%(n)s octets") % {"n": size}


# ---------------------------------------------------------------------------
# Cells


def neutralise(value: str) -> str:
    """Prefix with `'` a text a spreadsheet would run as a formula. Exact inverse of
    `unneutralise`: a text already starting with `'` + trigger gets one more `'`."""
    return "'" + value if _needs_prefix(value) else value


def _needs_prefix(value: str) -> bool:
    stripped = value.lstrip("'")
    return bool(stripped) and stripped[0] in FORMULA_TRIGGERS


def unneutralise(value: str) -> str:
    if value.startswith("'") and _needs_prefix(value[1:]):
        return value[1:]
    return value


def text(value, *, multiline: bool = False) -> str:
    """A cell as clean text: formula prefix removed, control characters dropped,
    line endings unified, surrounding spaces trimmed."""
    if type(value) is str:
        result = value.strip()
        # Fast path: plain one-line text, the common case.
        if result.isprintable() and "  " not in result:
            return unneutralise(result) if result[:1] == "'" else result
    elif value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        value = value.isoformat()
    result = unneutralise(str(value).strip())
    result = CONTROL_CHARS.sub("", result).replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        result = " ".join(result.split())
    return result.strip()


def same_text(old: str | None, new: str | None, *, multiline: bool = False) -> bool:
    return text(old or "", multiline=multiline) == text(new or "", multiline=multiline)


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d/%m/%y")


def parse_date(value) -> datetime.date | None:
    """ISO (2026-12-31) or French day-first (31/12/2026) dates, or a date cell."""
    if _blank(value):
        return None
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(_("« %(v)s » n'est pas une date (attendu : AAAA-MM-JJ).") % {"v": value})
    else:
        raw = text(value)
        raw = raw.split(" ")[0] if re.match(r"^\d{4}-\d{2}-\d{2}[ T]", raw) else raw
        result = None
        for fmt in DATE_FORMATS:
            try:
                result = datetime.datetime.strptime(raw, fmt).date()
                break
            except ValueError:
                continue
        if result is None:
            raise CellError(
                _("« %(v)s » n'est pas une date valide (attendu : AAAA-MM-JJ ou JJ/MM/AAAA).")
                % {"v": raw}
            )
    if not 1900 <= result.year <= 2100:
        raise CellError(
            _("La date %(d)s est hors de la plage admise (1900 à 2100).")
            % {"d": result.isoformat()}
        )
    return result


def parse_decimal(value, *, places: int = 2, maximum: Decimal | None = None) -> Decimal | None:
    """Numbers as French and English spreadsheets write them: 12 500,50 / 12,500.50 /
    12500.5 $. Refuses negatives and values beyond `maximum`."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("« %(v)s » n'est pas un nombre.") % {"v": value})
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        raw = text(value)
        raw = re.sub(r"[\s\u00a0\u202f$€]|CAD|CA", "", raw, flags=re.IGNORECASE)
        if "," in raw and "." in raw:
            # The last separator is the decimal one: 12,500.50 or 12.500,50.
            if raw.rfind(",") > raw.rfind("."):
                raw = raw.replace(".", "").replace(",", ".")
            else:
                raw = raw.replace(",", "")
        else:
            raw = raw.replace(",", ".")
        try:
            number = Decimal(raw)
        except InvalidOperation as exc:
            raise CellError(_("« %(v)s » n'est pas un nombre.") % {"v": text(value)}) from exc
    if not number.is_finite():
        raise CellError(_("« %(v)s » n'est pas un nombre.") % {"v": text(value)})
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if number < 0:
        raise CellError(_("La valeur ne peut être négative (%(v)s).") % {"v": number})
    if maximum is not None and number > maximum:
        raise CellError(
            _("La valeur %(v)s dépasse le maximum admis (%(max)s).") % {"v": number, "max": maximum}
        )
    return number


def parse_int(value, *, minimum: int, maximum: int) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = value if isinstance(value, int) and not isinstance(value, bool) else text(value)
    try:
        number = int(raw)
    except (TypeError, ValueError) as exc:
        raise CellError(_("« %(v)s » n'est pas un nombre entier.") % {"v": raw}) from exc
    if not minimum <= number <= maximum:
        raise CellError(
            _("La valeur %(v)s est hors de la plage admise (%(min)s à %(max)s).")
            % {"v": number, "min": minimum, "max": maximum}
        )
    return number


def split_list(value, *, separators: str = ",;\n") -> list[str]:
    """'R-001, R-002; R-003' → ['R-001', 'R-002', 'R-003'] (order kept, duplicates dropped)."""
    raw = text(value, multiline=True)
    parts = re.split("[" + re.escape(separators) + "]", raw)
    result = []
    for part in parts:
        part = " ".join(part.split())
        if part and part not in result:
            result.append(part)
    return result


def check_length(value: str, limit: int) -> str:
    if len(value) > limit:
        raise CellError(
            _("Texte trop long : %(n)d caractères pour un maximum de %(max)d.")
            % {"n": len(value), "max": limit}
        )
    return value


# ---------------------------------------------------------------------------
# Report


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


def display(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format_decimal(value)
    return str(value)


def format_decimal(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


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


Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def change_reason(filename: str) -> str:
    """The history reason of every row an import writes (history keeps 100 characters)."""
    prefix = _("Importation du fichier « ")
    room = 100 - len(prefix) - 2
    name = filename if len(filename) <= room else filename[: room - 1] + "…"
    return f"{prefix}{name} »"


class Importer:
    """What an app provides: its columns, a planner (reads the database, validates every
    row, fills `report`, writes nothing) and an applier (writes the plan)."""

    columns: Sequence[Column] = ()

    def plan(self, table: Table, report: Report, *, progress: Progress):  # pragma: no cover
        raise NotImplementedError

    def apply(self, plan, *, by, reason: str, progress: Progress) -> None:  # pragma: no cover
        raise NotImplementedError

    def lock(self) -> None:
        """Serialise concurrent applies into the same scope (row lock on PostgreSQL)."""


def run_import(
    importer: Importer,
    data: bytes,
    *,
    filename: str,
    by,
    dry_run: bool = True,
    expected_digest: str | None = None,
    progress: Progress | None = None,
) -> Report:
    """Dry run or apply `data` with `importer`. The apply re-reads the database and
    re-validates every row inside one transaction; it writes nothing if any row is in
    error, if the outcome differs from the dry run the user approved (`expected_digest`),
    or if the database refuses a write (everything is rolled back)."""
    started = time.perf_counter()
    progress = progress or _no_progress
    filename = clean_filename(filename)
    report = Report(filename=filename)
    try:
        table = read_table(data, filename, importer.columns)
    except TabularError as exc:
        report.file_errors.append(exc.message)
        return report
    report.ignored_columns = table.ignored
    try:
        with transaction.atomic():
            if not dry_run:
                importer.lock()
            plan = importer.plan(table, report, progress=progress)
            if dry_run or report.has_errors:
                return report
            if expected_digest is not None and report.digest() != expected_digest:
                report.stale = True
                return report
            importer.apply(plan, by=by, reason=change_reason(filename), progress=progress)
            report.applied = True
    except DatabaseError as exc:
        report.applied = False
        report.file_errors.append(
            _("La base de données a refusé l'importation ; rien n'a été enregistré (%(err)s).")
            % {"err": exc}
        )
    finally:
        report.seconds = time.perf_counter() - started
    return report


# ---------------------------------------------------------------------------
# Writing files


def export_cell(value):
    """A value as written to a file: text neutralised against formulas and cleaned of
    control characters; dates and numbers kept as such."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, datetime.datetime | datetime.date | int | Decimal):
        return value
    value = CONTROL_CHARS.sub("", str(value))
    return neutralise(value)


def csv_bytes(columns: Sequence[Column], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with BOM and `;` separators: what French Excel opens correctly."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.label for c in columns])
    for row in rows:
        cells = []
        for value in row:
            value = export_cell(value)
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = format_decimal(value)
            cells.append(value)
        writer.writerow(cells)
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def xlsx_bytes(
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    *,
    sheet_title: str,
    help_rows: Sequence[Sequence[str]] | None = None,
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.label) + 4)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for value in row:
            value = export_cell(value)
            if isinstance(value, datetime.datetime | datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
            else:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    # Never a formula, whatever the text starts with.
                    cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    if help_rows:
        notes = workbook.create_sheet(title=_("Aide")[:31])
        notes.column_dimensions["A"].width = 28
        notes.column_dimensions["B"].width = 90
        for help_row in help_rows:
            cells = []
            for value in help_row:
                cell = WriteOnlyCell(notes, value=CONTROL_CHARS.sub("", str(value)))
                cell.data_type = "s"
                cells.append(cell)
            notes.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def help_rows(columns: Sequence[Column]) -> list[list[str]]:
    rows = [[_("Colonne"), _("Contenu")]]
    for column in columns:
        note = str(column.help)
        if column.required:
            note = _("Obligatoire. ") + note
        if column.readonly:
            note = _("Lecture seule : ignorée à l'importation. ") + note
        if column.aliases:
            note += " " + _("Autres en-têtes acceptés : %(names)s.") % {
                "names": ", ".join(column.aliases)
            }
        rows.append([column.label, note])
    return rows


# ---------------------------------------------------------------------------
# Uploaded files kept between the dry run and the apply

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
STASH_TTL_SECONDS = 24 * 3600


def stash_dir() -> Path:
    """Where uploads wait for their apply. With several app servers, point
    IMPORT_UPLOAD_DIR at a shared volume."""
    configured = getattr(settings, "IMPORT_UPLOAD_DIR", None)
    path = Path(configured) if configured else Path(tempfile.gettempdir()) / "chantiers-imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def stash(data: bytes) -> str:
    """Keep `data` under a random token (the session remembers the token and the
    file's hash). Also removes stale uploads."""
    directory = stash_dir()
    cutoff = time.time() - STASH_TTL_SECONDS
    for old in directory.glob("*.upload"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass
    token = secrets.token_urlsafe(24)
    path = directory / f"{token}.upload"
    with open(path, "xb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)
    return token


def unstash(token: str) -> bytes | None:
    if not TOKEN_RE.match(token or ""):
        return None
    try:
        return (stash_dir() / f"{token}.upload").read_bytes()
    except OSError:
        return None


def discard(token: str) -> None:
    if TOKEN_RE.match(token or ""):
        try:
            (stash_dir() / f"{token}.upload").unlink()
        except OSError:
            pass


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
