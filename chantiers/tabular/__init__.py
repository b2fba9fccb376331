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

from chantiers.tabular.cells import (
    CONTROL_CHARS,
    FORMULA_TRIGGERS,
    CellError,
    ascii_fold,
    blank,
    check_length,
    display,
    format_decimal,
    neutralise,
    normalise,
    parse_date,
    parse_decimal,
    parse_int,
    same_text,
    split_list,
    text,
    unneutralise,
)
from chantiers.tabular.reading import (
    Column,
    Row,
    Table,
    TabularError,
    check_size,
    clean_filename,
    decode_text,
    detect_kind,
    human_size,
    match_headers,
    max_bytes,
    max_rows,
    read_table,
    sniff_delimiter,
)
from chantiers.tabular.report import Change, Outcome, Report, RowError, RowResult
from chantiers.tabular.running import (
    ConcurrentEdit,
    Importer,
    Progress,
    change_reason,
    check_versions,
    run_import,
)
from chantiers.tabular.stash import discard, sha256, stash, stash_dir, unstash
from chantiers.tabular.writing import csv_bytes, export_cell, help_rows, xlsx_bytes

__all__ = [
    "CONTROL_CHARS",
    "FORMULA_TRIGGERS",
    "CellError",
    "Change",
    "Column",
    "ConcurrentEdit",
    "Importer",
    "Outcome",
    "Progress",
    "Report",
    "Row",
    "RowError",
    "RowResult",
    "Table",
    "TabularError",
    "ascii_fold",
    "blank",
    "change_reason",
    "check_length",
    "check_size",
    "check_versions",
    "clean_filename",
    "csv_bytes",
    "decode_text",
    "detect_kind",
    "discard",
    "display",
    "export_cell",
    "format_decimal",
    "help_rows",
    "human_size",
    "match_headers",
    "max_bytes",
    "max_rows",
    "neutralise",
    "normalise",
    "parse_date",
    "parse_decimal",
    "parse_int",
    "read_table",
    "run_import",
    "same_text",
    "sha256",
    "sniff_delimiter",
    "split_list",
    "stash",
    "stash_dir",
    "text",
    "unneutralise",
    "unstash",
    "xlsx_bytes",
]
