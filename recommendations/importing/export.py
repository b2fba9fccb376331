"""Recommendation rows for the CSV / XLSX export (same headers as the import)."""

from recommendations.importing.columns import disposition_label


def export_rows(queryset) -> list[list]:
    """One row per recommendation, in COLUMNS order (same headers as the import)."""
    rows = []
    for rec in queryset.select_related("axis", "study"):
        rows.append(
            [
                rec.code,
                rec.title,
                rec.text,
                rec.source_location,
                rec.axis.name if rec.axis_id else "",
                rec.study.title if rec.study_id else "",
                rec.study.year if rec.study_id else None,
                disposition_label(rec.disposition),
                rec.disposition_justification,
                rec.disposition_date,
                rec.tier,
                rec.score,
                rec.rank,
            ]
        )
    return rows
