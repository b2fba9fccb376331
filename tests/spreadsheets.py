"""Building CSV and XLSX files in tests."""

import csv
import io

from openpyxl import Workbook, load_workbook


def make_csv(rows, *, sep: str = ";", encoding: str = "utf-8") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def make_xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read_xlsx(data: bytes) -> list[list]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]


def read_csv(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def outcomes(report) -> list[tuple]:
    return [(r.number, r.code, r.outcome) for r in report.rows]


def errors(report) -> list[tuple]:
    return [(r.number, e.column, e.message) for r in report.rows for e in r.errors]


def changes(report, number: int) -> list[tuple]:
    row = next(r for r in report.rows if r.number == number)
    return [(c.label, c.old, c.new) for c in row.changes]
