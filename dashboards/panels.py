"""Dashboard panels: a figure, its data table with the same numbers (the accessible
text alternative), and the empty-state message when there is nothing to draw.

Pure like dashboards.figures: rows in, panels out, no database."""

import datetime
import json
from dataclasses import dataclass, field
from functools import cached_property
from html import escape

import plotly.graph_objects as go
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from plotly.utils import PlotlyJSONEncoder

from actions.models import ActionStatus
from dashboards import figures
from dashboards.queries import (
    AxisRow,
    EngagementCell,
    Funnel,
    GanttRow,
    IndicatorRow,
    MatrixPoint,
    MonthPoint,
    PortfolioRow,
)
from recommendations.models import Recommendation

Disposition = Recommendation.Disposition
# Same escapes as Django's json_script: the JSON can sit in a <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def tabular(value) -> str:
    """A table cell: numbers grouped by thousands as the active language writes them (one
    decimal at most, none for whole numbers), dates in the short format, a dash for
    nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float):
        return number_format(
            value, decimal_pos=1 if isinstance(value, float) else None, force_grouping=True
        )
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


@dataclass
class Table:
    columns: list[str]
    rows: list[list]

    def html(self, caption: str = "") -> SafeString:
        """The table as HTML, built here rather than in a template: a dashboard's tables
        hold a few thousand cells, and Django's template engine (or format_html per
        cell) would take longer over them than the database over the whole page."""
        parts = ['<table class="data">']
        if caption:
            parts.append(f"<caption>{escape(str(caption))}</caption>")
        parts.append("<thead><tr>")
        parts += [f'<th scope="col">{escape(str(c))}</th>' for c in self.columns]
        parts.append("</tr></thead><tbody>")
        for row in self.rows:
            cells = [escape(tabular(v)) for v in row]
            parts.append(
                f'<tr><th scope="row">{cells[0]}</th>'
                + "".join(f"<td>{c}</td>" for c in cells[1:])
                + "</tr>"
            )
        parts.append("</tbody></table>")
        return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


@dataclass
class Chart:
    key: str
    title: str
    figure: go.Figure | None
    table: Table | None = None
    empty: str = ""
    note: str = ""
    # URL with "__id__" where charts.js puts customdata[0] of the clicked point.
    click_url: str = ""
    extra: dict = field(default_factory=dict)

    @cached_property
    def json(self) -> str:
        """The figure as compact JSON (what the browser receives)."""
        if self.figure is None:
            return ""
        return json.dumps(
            self.figure.to_plotly_json(),
            cls=PlotlyJSONEncoder,
            separators=(",", ":"),
            ensure_ascii=False,
        )

    @property
    def script_json(self) -> SafeString:
        return mark_safe(self.json.translate(_JSON_SCRIPT_ESCAPES))  # noqa: S308 - escaped above


def json_size(charts: list[Chart]) -> int:
    """Bytes of figure JSON a page sends (UTF-8)."""
    return sum(len(c.json.encode()) for c in charts)


def _yes_no(value: bool) -> str:
    return _("oui") if value else _("non")


# ---------------------------------------------------------------------------
# Chantier dashboard


def axis_progress(rows: list[AxisRow]) -> Chart:
    title = _("Avancement par axe stratégique")
    if not any(r.actions for r in rows):
        return Chart(
            "axis-progress",
            title,
            None,
            empty=_(
                "Aucune action dans ce périmètre : l'avancement par axe apparaîtra dès que "
                "le plan d'action comptera des actions."
            ),
        )
    table = Table(
        [
            _("Axe"),
            _("Actions"),
            _("Actions actives"),
            _("Avancement moyen (%)"),
            _("En retard"),
            _("À risque"),
            _("Sans nouvelles"),
        ],
        [[r.name, r.actions, r.active, r.percent, r.late, r.at_risk, r.stale] for r in rows],
    )
    return Chart(
        "axis-progress",
        title,
        figures.axis_progress_figure(rows),
        table,
        note=_("Moyenne simple de l'avancement des actions de l'axe, actions annulées exclues."),
    )


def budget(rows: list[AxisRow]) -> Chart:
    title = _("Budget prévu et dépensé par axe")
    if not any(r.budget_planned or r.budget_spent for r in rows):
        return Chart(
            "budget",
            title,
            None,
            empty=_("Aucun budget n'est encore saisi sur les actions de ce périmètre."),
        )
    table = Table(
        [_("Axe"), _("Prévu ($ CA)"), _("Dépensé ($ CA)"), _("Dépensé / prévu (%)")],
        [
            [
                r.name,
                r.budget_planned,
                r.budget_spent,
                round(r.budget_spent / r.budget_planned * 100, 1) if r.budget_planned else None,
            ]
            for r in rows
        ],
    )
    return Chart("budget", title, figures.budget_figure(rows), table)


def matrix(
    points: list[MatrixPoint],
    total: int,
    *,
    x_label: str,
    y_label: str,
    click_url: str,
    has_round: bool,
) -> Chart:
    title = _("Matrice de priorisation")
    if not has_round:
        return Chart(
            "matrix",
            title,
            None,
            empty=_(
                "Aucune ronde de priorisation n'a encore de notes : la matrice apparaîtra "
                "dès les premières évaluations."
            ),
        )
    if not points:
        return Chart(
            "matrix",
            title,
            None,
            empty=_(
                "Aucune recommandation de ce périmètre n'est notée sur ces deux critères dans "
                "la ronde courante. Choisissez d'autres critères ou élargissez les filtres."
            ),
        )
    note = _(
        "Chaque bulle est une recommandation : position = moyenne des évaluateurs sur les "
        "deux critères (légèrement décalée pour rester lisible), surface = score pondéré, "
        "couleur = niveau. Cliquez sur une bulle pour ouvrir la recommandation."
    )
    if total > len(points):
        note += " " + _(
            "Les %(shown)d recommandations au meilleur score sont affichées, sur %(total)d notées."
        ) % {"shown": len(points), "total": total}
    table = Table(
        [_("Code"), _("Titre"), x_label, y_label, _("Score"), _("Niveau")],
        [[p.code, p.title, p.x, p.y, p.score, figures.tier_label(p.tier)] for p in points],
    )
    return Chart(
        "matrix",
        title,
        figures.matrix_figure(points, x_label=x_label, y_label=y_label),
        table,
        note=note,
        click_url=click_url,
    )


def gantt(rows: list[GanttRow], total: int, *, today) -> Chart:
    title = _("Échéancier des actions")
    if not rows:
        return Chart(
            "gantt",
            title,
            None,
            empty=_(
                "Aucune action datée dans ce périmètre : donnez une date de début et une "
                "échéance aux actions pour les voir sur l'échéancier."
            ),
        )
    note = _("Rouge : action en retard (signalée en retard, ou échéance dépassée).")
    if total > len(rows):
        note += " " + _(
            "Les %(shown)d actions les plus urgentes sont affichées sur %(total)d : en retard, "
            "puis à risque ou bloquées, puis les autres actions ouvertes, par échéance."
        ) % {"shown": len(rows), "total": total}
    table = Table(
        [
            _("Code"),
            _("Titre"),
            _("Début"),
            _("Échéance"),
            _("Statut"),
            _("Avancement (%)"),
            _("En retard"),
        ],
        [
            [r.code, r.title, r.start, r.due, figures.status_label(r.status), r.percent]
            + [_yes_no(r.late)]
            for r in rows
        ],
    )
    return Chart("gantt", title, figures.gantt_figure(rows, today=today), table, note=note)


def monthly_progress(points: list[MonthPoint]) -> Chart:
    title = _("Avancement au fil du temps")
    if not points:
        return Chart(
            "progress-over-time",
            title,
            None,
            empty=_(
                "Aucune mise à jour d'avancement n'a encore été saisie : la courbe se "
                "construit à partir du journal des mises à jour."
            ),
        )
    table = Table(
        [_("Mois"), _("Avancement moyen (%)"), _("Actions comptées")],
        [[p.month.strftime("%Y-%m"), p.percent, p.actions] for p in points],
    )
    return Chart(
        "progress-over-time",
        title,
        figures.monthly_progress_figure(points),
        table,
        note=_(
            "Moyenne, à la fin de chaque mois, du dernier avancement saisi de chaque action "
            "(0 % avant sa première mise à jour ; actions annulées exclues)."
        ),
    )


def funnel(data: Funnel) -> Chart:
    title = _("Couverture des recommandations")
    if not data.recommendations:
        return Chart(
            "funnel",
            title,
            None,
            empty=_(
                "Aucune recommandation dans ce périmètre : importez les recommandations des "
                "études pour suivre leur couverture."
            ),
        )
    values = [data.recommendations, data.retained, data.with_action, data.implemented]
    table = Table(
        [_("Étape"), _("Nombre")],
        [[label, n] for label, n in zip(figures.funnel_labels(), values, strict=True)]
        + [[_("En attente d'une décision"), data.awaiting]],
    )
    return Chart(
        "funnel",
        title,
        figures.funnel_figure(data),
        table,
        note=_("Recommandations fusionnées ou transférées exclues."),
    )


def engagement(cells: list[EngagementCell], total: int, *, axes: dict) -> Chart:
    title = _("Engagement des partenaires par axe")
    if not cells:
        return Chart(
            "partners",
            title,
            None,
            empty=_("Aucun partenaire n'est encore associé aux actions de ce périmètre."),
        )
    note = _("Chaque case montre l'étape la plus avancée et le nombre de partenariats.")
    shown = len({c.organisation_id for c in cells})
    if total > shown:
        note += " " + _(
            "Les %(shown)d organisations les plus engagées sont affichées sur %(total)d."
        ) % {"shown": shown, "total": total}
    table = Table(
        [_("Organisation"), _("Axe"), _("Étape la plus avancée"), _("Partenariats")],
        [
            [
                c.organisation,
                axes.get(c.axis_id, _("Sans axe")),
                figures.stage_label(c.stage),
                c.partnerships,
            ]
            for c in cells
        ],
    )
    return Chart("partners", title, figures.engagement_figure(cells, axes=axes), table, note=note)


def indicators(rows: list[IndicatorRow], total: int) -> Chart:
    title = _("Indicateurs et cibles")
    if not any(r.progress is not None for r in rows):
        return Chart(
            "indicators",
            title,
            None,
            empty=_(
                "Aucun indicateur mesuré dans ce périmètre : définissez des indicateurs avec "
                "une cible et saisissez leurs mesures."
            )
            if not rows
            else _("Les indicateurs n'ont encore aucune mesure."),
        )
    note = _("0 % = valeur de départ, 100 % = cible atteinte.")
    if total > len(rows):
        note += " " + _("%(shown)d indicateurs affichés sur %(total)d.") % {
            "shown": len(rows),
            "total": total,
        }
    table = Table(
        [
            _("Indicateur"),
            _("Unité"),
            _("Départ"),
            _("Cible"),
            _("Dernière mesure"),
            _("Date"),
            _("Progression vers la cible (%)"),
        ],
        [[r.name, r.unit, r.baseline, r.target, r.latest, r.latest_date, r.progress] for r in rows],
    )
    return Chart("indicators", title, figures.indicators_figure(rows), table, note=note)


# ---------------------------------------------------------------------------
# Counts by category (portfolio and report)


def _counts_table(first_column, rows, *, order, label) -> Table:
    categories = figures._present(order, (counts for _name, counts in rows))
    return Table(
        [first_column, *[label(c) for c in categories], _("Total")],
        [
            [name, *[counts.get(c, 0) for c in categories], sum(counts.values())]
            for name, counts in rows
        ],
    )


def dispositions(rows: list[tuple[str, dict]], *, first_column: str, key="dispositions") -> Chart:
    title = _("Recommandations par décision")
    if not any(sum(counts.values()) for _n, counts in rows):
        return Chart(key, title, None, empty=_("Aucune recommandation pour l'instant."))
    return Chart(
        key,
        title,
        figures.dispositions_figure(rows),
        _counts_table(
            first_column, rows, order=Disposition.values, label=figures.disposition_label
        ),
    )


def statuses(rows: list[tuple[str, dict]], *, first_column: str, key="statuses") -> Chart:
    title = _("Actions par statut")
    if not any(sum(counts.values()) for _n, counts in rows):
        return Chart(key, title, None, empty=_("Aucune action pour l'instant."))
    return Chart(
        key,
        title,
        figures.statuses_figure(rows),
        _counts_table(first_column, rows, order=ActionStatus.values, label=figures.status_label),
    )


# ---------------------------------------------------------------------------
# Portfolio


def portfolio(rows: list[PortfolioRow]) -> list[Chart]:
    column = _("Chantier")
    charts = [
        dispositions([(r.name, r.dispositions) for r in rows], first_column=column),
        statuses([(r.name, r.statuses) for r in rows], first_column=column),
    ]
    if any(r.counted for r in rows):
        charts.append(
            Chart(
                "progress",
                _("Avancement moyen des actions"),
                figures.portfolio_progress_figure(rows),
                Table(
                    [column, _("Actions comptées"), _("Avancement moyen (%)")],
                    [[r.name, r.counted, r.percent] for r in rows],
                ),
                note=_("Actions annulées exclues."),
            )
        )
        series = figures.alert_series()
        charts.append(
            Chart(
                "alerts",
                _("Actions en retard, à risque et sans nouvelles"),
                figures.portfolio_alerts_figure(rows),
                Table(
                    [column, *[label for label, _a, _c in series]],
                    [[r.name, *[getattr(r, attr) for _l, attr, _c in series]] for r in rows],
                ),
                note=_(
                    "Sans nouvelles : action ouverte sans mise à jour depuis plus longtemps "
                    "que la période de suivi du chantier."
                ),
            )
        )
    return charts


# ---------------------------------------------------------------------------
# Committee report: figures from key figures (a snapshot or computed)


def report_charts(figures_: dict) -> list[Chart]:
    """The report's figures, from a key-figures dict (dashboards.queries.key_figures or
    a meeting snapshot). Keys missing from an older snapshot give an empty state."""
    label = _("Chantier")
    charts = [
        dispositions(
            [(label, figures_.get("dispositions") or {})],
            first_column=label,
            key="report-dispositions",
        ),
        statuses(
            [(label, figures_.get("action_statuses") or {})],
            first_column=label,
            key="report-statuses",
        ),
    ]
    if "funnel" in figures_:
        chart = funnel(Funnel.from_dict(figures_["funnel"]))
        chart.key = "report-funnel"
        charts.append(chart)
    if "axes" in figures_:
        chart = axis_progress([AxisRow.from_dict(a) for a in figures_["axes"]])
        chart.key = "report-axes"
        charts.append(chart)
    return charts


def key_figure_lines() -> list[tuple[str, str]]:
    """(key, label) of the headline numbers compared from one meeting to the next."""
    return [
        ("recommendations", _("Recommandations")),
        ("awaiting_disposition", _("En attente d'une décision")),
        ("retained", _("Retenues")),
        ("with_action", _("Retenues avec au moins une action")),
        ("implemented", _("Mises en œuvre")),
        ("actions", _("Actions")),
        ("percent_complete", _("Avancement moyen (%)")),
        ("late", _("Actions en retard")),
        ("at_risk", _("Actions à risque")),
        ("stale", _("Actions sans nouvelles")),
        ("partners_engaged", _("Partenariats engagés ou actifs")),
        ("budget_planned", _("Budget prévu ($ CA)")),
        ("budget_spent", _("Budget dépensé ($ CA)")),
    ]


def _figure_value(data: dict | None, key: str):
    if data is None:
        return None
    if key in ("retained", "with_action", "implemented"):
        return (data.get("funnel") or {}).get(key)
    return data.get(key)


def comparison(before: dict | None, after: dict) -> Table:
    """Each headline number before (the previous meeting's snapshot), now, and the
    difference; a number absent from either side has no difference."""
    rows = []
    for key, label in key_figure_lines():
        old, new = _figure_value(before, key), _figure_value(after, key)
        diff = round(new - old, 1) if old is not None and new is not None else None
        if isinstance(diff, float) and diff.is_integer() and isinstance(old, int):
            diff = int(diff)
        rows.append([label, old, new, diff])
    return Table([_("Indicateur"), _("Réunion précédente"), _("Cette réunion"), _("Écart")], rows)
