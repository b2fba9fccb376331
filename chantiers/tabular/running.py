"""The transaction around an importer's plan and apply steps (all or nothing)."""

import time
from collections.abc import Callable, Sequence

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from chantiers.tabular.reading import Column, Table, TabularError, clean_filename, read_table
from chantiers.tabular.report import Report

Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def change_reason(filename: str) -> str:
    """The history reason of every row an import writes (history keeps 100 characters)."""
    prefix = _("Importation du fichier « ")
    room = 100 - len(prefix) - 2
    name = filename if len(filename) <= room else filename[: room - 1] + "…"
    return f"{prefix}{name} »"


class ConcurrentEdit(Exception):
    """Rows the import is about to update changed since it read them."""

    def __init__(self, message: str):
        self.message = str(message)
        super().__init__(self.message)


def check_versions(queryset, expected: dict[int, int], *, codes: dict[int, str]) -> None:
    """Refuse (ConcurrentEdit) if a row of `queryset` planned for update no longer has the
    version the plan read: someone saved it meanwhile, and a bulk update would silently
    overwrite their change. One query, whatever the number of rows."""
    if not expected:
        return
    current = dict(queryset.values_list("pk", "version"))
    changed = sorted(codes[pk] for pk, version in expected.items() if current.get(pk) != version)
    if changed:
        shown = ", ".join(changed[:10]) + (" …" if len(changed) > 10 else "")
        raise ConcurrentEdit(
            _(
                "Modifié par quelqu'un d'autre pendant l'importation : %(codes)s. Rien n'a été "
                "enregistré : refaites l'essai."
            )
            % {"codes": shown}
        )


class Importer:
    """What an app provides: its columns, a planner (reads the database, validates every
    row, fills `report`, writes nothing) and an applier (writes the plan).

    `for_update` is true while applying: the planner then reads the rows it may change
    with SELECT … FOR UPDATE (PostgreSQL), so that a form saved meanwhile waits and then
    fails its own version check instead of being overwritten."""

    columns: Sequence[Column] = ()
    for_update: bool = False

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
                importer.for_update = True
                importer.lock()
            plan = importer.plan(table, report, progress=progress)
            if dry_run or report.has_errors:
                return report
            if expected_digest is not None and report.digest() != expected_digest:
                report.stale = True
                return report
            importer.apply(plan, by=by, reason=change_reason(filename), progress=progress)
            report.applied = True
    except ConcurrentEdit as exc:
        report.applied = False
        report.file_errors.append(exc.message)
    except DatabaseError as exc:
        report.applied = False
        report.file_errors.append(
            _("La base de données a refusé l'importation ; rien n'a été enregistré (%(err)s).")
            % {"err": exc}
        )
    finally:
        report.seconds = time.perf_counter() - started
    return report
