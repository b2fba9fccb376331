"""Writing CSV and XLSX files: exports and import templates."""

import codecs
import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from chantiers.tabular.cells import CONTROL_CHARS, format_decimal, neutralise
from chantiers.tabular.reading import Column


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
