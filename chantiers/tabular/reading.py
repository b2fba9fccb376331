"""Reading CSV and XLSX files into rows keyed by column, with limits, file type,
encoding and separator detection, and header matching."""

import codecs
import csv
import io
import os
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from chantiers.tabular.cells import CONTROL_CHARS, blank, normalise

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_ROWS = 20_000
# An XLSX is a zip: refuse one that would inflate to far more than the size limit.
XLSX_INFLATION_FACTOR = 30

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
        # Some tools write a wrong <dimension> (e.g. "A1"); read-only mode trusts it and
        # would stop there. Read every row the sheet really has.
        sheet.reset_dimensions()
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(values)
        except TabularError:
            raise
        except Exception as exc:
            raise TabularError(_("Ce fichier .xlsx est illisible ou endommagé.")) from exc
    finally:
        workbook.close()


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
        if all(blank(v) for v in values):
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
