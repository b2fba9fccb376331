"""A round's full scoring table for the committee's file: per assessor and consensus,
to CSV (one sheet) and XLSX (summary, every assessment with its rationale, criteria,
round). Pure functions of what queries.round_table and two more reads return."""

import csv
import io
import re
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations.queries import RoundTable

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
TWO = Decimal("0.01")


def text(value) -> str:
    """Safe spreadsheet text: no control characters (openpyxl refuses them) and no
    leading character a spreadsheet would read as a formula."""
    value = _CONTROL.sub("", str(value or ""))
    if value[:1] in ("=", "+", "-", "@"):
        value = "'" + value
    return value


def _name(user) -> str:
    return user.get_full_name() or user.username


def summary_rows(table: RoundTable, assessments, assessors) -> tuple[list[str], list[list]]:
    """The wide table: one row per recommendation; for each criterion every assessor's
    score, the consensus mean and the spread; then score, rank and tiers."""
    scores = {(a.recommendation_id, a.criterion_id, a.assessor_id): a.score for a in assessments}
    header = [_("Code"), _("Titre"), _("Axe"), _("Décision")]
    for c in table.criteria:
        header += [f"{c.code} — {_name(u)}" for u in assessors]
        header += [f"{c.code} — {_('moyenne')}", f"{c.code} — {_('écart')}"]
    header += [
        _("Score (0–100)"),
        _("Rang"),
        _("Niveau calculé"),
        _("Niveau imposé"),
        _("Justification du niveau imposé"),
        _("Niveau"),
    ]
    rows = []
    for rec in table.recommendations:
        result = table.results[rec.pk]
        row = [
            text(rec.code),
            text(rec.title),
            text(rec.axis.name if rec.axis_id else ""),
            rec.get_disposition_display(),
        ]
        for c in table.criteria:
            row += [scores.get((rec.pk, c.pk, u.pk)) for u in assessors]
            consensus = table.consensus.get((rec.pk, c.pk))
            row += [consensus.mean.quantize(TWO), consensus.spread] if consensus else [None, None]
        row += [
            result.score,
            result.rank,
            result.tier,
            rec.tier_override,
            text(rec.tier_override_justification),
            rec.tier_override or result.tier,
        ]
        rows.append(row)
    return header, rows


def round_csv(table: RoundTable, assessments, assessors) -> str:
    header, rows = summary_rows(table, assessments, assessors)
    out = io.StringIO()
    out.write("\ufeff")  # so that spreadsheet programs read the accents as UTF-8
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def round_xlsx(table: RoundTable, assessments, assessors) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    rnd = table.round
    # Write-only: rows stream out, several times faster than the default workbook.
    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def new_sheet(title, header):
        ws = book.create_sheet(title)
        ws.freeze_panes = "A2"
        cells = []
        for value in header:
            cell = WriteOnlyCell(ws, value=value)
            cell.font = bold
            cells.append(cell)
        ws.append(cells)
        return ws

    header, rows = summary_rows(table, assessments, assessors)
    sheet = new_sheet(_("Synthèse"), header)
    for row in rows:
        sheet.append(row)

    criteria = {c.pk: c for c in table.criteria}
    codes = {r.pk: r for r in table.recommendations}
    detail = new_sheet(
        _("Évaluations"),
        [_("Code"), _("Titre"), _("Critère"), _("Évaluateur"), _("Note"), _("Justification")],
    )
    for a in assessments:
        rec = codes.get(a.recommendation_id)
        criterion = criteria.get(a.criterion_id)
        if rec is None or criterion is None:
            continue
        detail.append(
            [
                text(rec.code),
                text(rec.title),
                text(criterion.name),
                text(_name(a.assessor)),
                a.score,
                text(a.rationale),
            ]
        )

    crit_sheet = new_sheet(_("Critères"), [_("Code"), _("Nom"), _("Poids"), _("Sens"), _("Grille")])
    for c in table.criteria:
        crit_sheet.append(
            [text(c.code), text(c.name), c.weight, c.get_direction_display(), text(c.rubric)]
        )

    about = new_sheet(_("Ronde"), [_("Ronde"), text(rnd.name)])
    meeting = rnd.validated_by_meeting
    for label, value in [
        (_("Statut"), rnd.get_status_display()),
        (_("Ouverte le"), rnd.opened_on),
        (
            _("Figée le"),
            timezone.localtime(rnd.frozen_at).replace(tzinfo=None) if rnd.frozen_at else None,
        ),
        (_("Validée par la réunion"), text(str(meeting)) if meeting else ""),
        (_("Seuil P1"), rnd.p1_threshold),
        (_("Seuil P2"), rnd.p2_threshold),
        (_("Écart signalé"), rnd.spread_threshold),
    ]:
        about.append([label, value])

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
