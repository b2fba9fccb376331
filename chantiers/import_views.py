"""The web side of imports and exports, shared by recommendations and actions:
upload → dry-run report → « Appliquer »; filtered exports; template files.

Between the dry run and the apply, the uploaded file waits on the server under a
random token (chantiers.tabular.stash); the session holds that token, the file's hash,
the options and the fingerprint of the dry run the user saw. The apply re-reads and
re-validates the stored file itself: nothing parsed in the browser is trusted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from chantiers import tabular
from chantiers.permissions import can_edit, readable_chantier, require
from chantiers.tabular import Column, Report, TabularError

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Above this many rows, the full table of the report starts folded.
FOLD_ROWS = 300


@dataclass(frozen=True)
class Spec:
    """What differs between the recommendation and the action import/export pages."""

    kind: str  # session key part and URL-name prefix: "recommendation" / "action"
    title: str
    file_stem: str  # "recommandations" → aluminerie-avenir-recommandations-2026-11-02.csv
    columns: Sequence[Column]
    run: Callable[..., Report]
    export_rows: Callable
    queryset: Callable  # chantier → the list page's base queryset
    filterset: type
    list_url: str
    create_missing_label: str


class UploadForm(forms.Form):
    # Empty files reach the importer, which explains the problem in its own words.
    fichier = forms.FileField(label=gettext_lazy("Fichier (.csv ou .xlsx)"), allow_empty_file=True)
    create_missing = forms.BooleanField(required=False)


def _session_key(spec: Spec, chantier) -> str:
    return f"import:{spec.kind}:{chantier.pk}"


def _forget(request, key: str) -> None:
    entry = request.session.pop(key, None)
    if entry:
        tabular.discard(entry.get("token", ""))


def _context(request, spec: Spec, chantier, **extra) -> dict:
    report = extra.get("report")
    return {
        "chantier": chantier,
        "spec": spec,
        "columns": spec.columns,
        "max_size": tabular.human_size(tabular.max_bytes()),
        "max_rows": tabular.max_rows(),
        "import_url": reverse(f"{spec.kind}-import", args=[chantier.code]),
        "apply_url": reverse(f"{spec.kind}-import-apply", args=[chantier.code]),
        "template_csv": reverse(f"{spec.kind}-import-template", args=[chantier.code, "csv"]),
        "template_xlsx": reverse(f"{spec.kind}-import-template", args=[chantier.code, "xlsx"]),
        "list_url": reverse(spec.list_url, args=[chantier.code]),
        "fold": report is not None and len(report.rows) > FOLD_ROWS,
        **extra,
    }


def import_page(request, code: str, spec: Spec):
    """GET: the upload form. POST: dry run of the uploaded file and its report."""
    chantier = readable_chantier(request.user, code)
    require(can_edit(request.user, chantier))
    key = _session_key(spec, chantier)
    form = UploadForm()
    report = token = None
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            _forget(request, key)
            upload = form.cleaned_data["fichier"]
            create_missing = form.cleaned_data["create_missing"]
            try:
                tabular.check_size(upload.size)
                data = upload.read()
            except TabularError as exc:
                report = Report(filename=tabular.clean_filename(upload.name))
                report.file_errors.append(exc.message)
            else:
                report = spec.run(
                    data,
                    filename=upload.name,
                    chantier=chantier,
                    by=request.user,
                    dry_run=True,
                    create_missing=create_missing,
                )
                if not report.has_errors:
                    token = tabular.stash(data)
                    request.session[key] = {
                        "token": token,
                        "filename": report.filename,
                        "sha256": tabular.sha256(data),
                        "create_missing": create_missing,
                        "digest": report.digest(),
                    }
    return render(
        request,
        "chantiers/import.html",
        _context(request, spec, chantier, form=form, report=report, token=token),
    )


@require_POST
def apply_page(request, code: str, spec: Spec):
    """Apply the file whose dry run the user just read. Refuses if the session does not
    hold that dry run, if the stored file changed, or if the data changed since (then
    shows the new report to approve)."""
    chantier = readable_chantier(request.user, code)
    require(can_edit(request.user, chantier))
    key = _session_key(spec, chantier)
    entry = request.session.get(key)
    token = request.POST.get("token", "")
    data = tabular.unstash(token) if entry and entry.get("token") == token else None
    if data is None or tabular.sha256(data) != entry.get("sha256"):
        _forget(request, key)
        messages.error(
            request,
            _("Cet essai n'est plus disponible : téléversez de nouveau le fichier."),
        )
        return redirect(f"{spec.kind}-import", chantier.code)
    report = spec.run(
        data,
        filename=entry["filename"],
        chantier=chantier,
        by=request.user,
        dry_run=False,
        create_missing=entry["create_missing"],
        expected_digest=entry["digest"],
    )
    if report.applied:
        _forget(request, key)
        messages.success(
            request,
            _("Importation de « %(name)s » appliquée : %(summary)s.")
            % {"name": report.filename, "summary": report.summary()},
        )
        return redirect(spec.list_url, chantier.code)
    if report.stale and not report.has_errors:
        entry["digest"] = report.digest()
        request.session[key] = entry
    else:
        _forget(request, key)
        token = None
    return render(
        request,
        "chantiers/import.html",
        _context(request, spec, chantier, form=UploadForm(), report=report, token=token),
    )


def _file_response(content: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _write(spec: Spec, fmt: str, rows, *, with_help: bool) -> bytes:
    if fmt == "csv":
        return tabular.csv_bytes(spec.columns, rows)
    return tabular.xlsx_bytes(
        spec.columns,
        rows,
        sheet_title=spec.file_stem.capitalize(),
        help_rows=tabular.help_rows(spec.columns) if with_help else None,
    )


def export_file(request, code: str, fmt: str, spec: Spec):
    """The list page's rows, filtered by the same GET parameters, as CSV or XLSX."""
    if fmt not in FORMATS:
        raise Http404
    chantier = readable_chantier(request.user, code)
    filterset = spec.filterset(request.GET, queryset=spec.queryset(chantier), chantier=chantier)
    rows = spec.export_rows(filterset.qs)
    today = timezone.localdate().isoformat()
    content = _write(spec, fmt, rows, with_help=False)
    return _file_response(content, fmt, f"{chantier.code}-{spec.file_stem}-{today}.{fmt}")


def template_file(request, code: str, fmt: str, spec: Spec):
    """An empty file with the import's headers (and, in XLSX, a help sheet)."""
    if fmt not in FORMATS:
        raise Http404
    readable_chantier(request.user, code)
    content = _write(spec, fmt, [], with_help=True)
    return _file_response(content, fmt, f"modele-{spec.file_stem}.{fmt}")
