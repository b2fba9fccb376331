"""Plotly figures built from the rows of dashboards.queries. Pure functions: no database,
titles and labels in the active language (call them while handling the request).

Each figure has a data table with the same numbers (dashboards.tables), and views
pair them in a dashboards.tables.Chart."""

import datetime
import zlib
from collections.abc import Iterable

import plotly.graph_objects as go
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from actions.models import ActionPartner, ActionStatus
from dashboards.queries import (
    STAGE_LEVEL,
    AxisRow,
    EngagementCell,
    Funnel,
    GanttRow,
    IndicatorRow,
    MatrixPoint,
    MonthPoint,
    PortfolioRow,
)
from recommendations.models import Recommendation, Tier

Disposition = Recommendation.Disposition

# A small house template: Plotly's default one would add ~8 KB to every figure.
TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
        colorway=["#0b5cab", "#f79009", "#12b76a", "#d92d20", "#7a5af8", "#667085"],
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        margin={"l": 60, "r": 20, "t": 56, "b": 48},
        xaxis={"gridcolor": "#e6e9ee", "zerolinecolor": "#c5ccd6", "automargin": True},
        yaxis={"gridcolor": "#e6e9ee", "zerolinecolor": "#c5ccd6", "automargin": True},
        # At the bottom of the figure, below the axis title (plotly.js keeps room for it).
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "x": 0,
            "traceorder": "normal",
        },
        hoverlabel={"font": {"size": 12}},
        title={"x": 0, "xanchor": "left", "font": {"size": 16}},
    )
)

_TEMPLATE_JSON = TEMPLATE.to_plotly_json()

DISPOSITION_COLOURS = {
    Disposition.UNDER_REVIEW: "#98a2b3",
    Disposition.RETAINED: "#53b1fd",
    Disposition.POSTPONED: "#fdb022",
    Disposition.NOT_RETAINED: "#667085",
    Disposition.MERGED: "#b692f6",
    Disposition.TRANSFERRED: "#7a5af8",
    Disposition.IN_IMPLEMENTATION: "#1570ef",
    Disposition.IMPLEMENTED: "#12b76a",
    Disposition.CLOSED_UNIMPLEMENTED: "#344054",
}
STATUS_COLOURS = {
    ActionStatus.NOT_STARTED: "#98a2b3",
    ActionStatus.ON_TRACK: "#2e90fa",
    ActionStatus.AT_RISK: "#f79009",
    ActionStatus.LATE: "#d92d20",
    ActionStatus.BLOCKED: "#912018",
    ActionStatus.DONE: "#12b76a",
    ActionStatus.CANCELLED: "#475467",
}
TIER_COLOURS = {Tier.P1: "#b42318", Tier.P2: "#f79009", Tier.P3: "#2e90fa", "": "#98a2b3"}
# Commitment stages from withdrawn (0) to active (5).
STAGE_COLOURS = ["#d0d5dd", "#d1e9ff", "#84caff", "#2e90fa", "#1570ef", "#0b4a8b"]
LATE_COLOUR = "#d92d20"
DONE_COLOUR = "#12b76a"
OPEN_COLOUR = "#2e90fa"
CLOSED_COLOUR = "#98a2b3"


def disposition_label(value: str) -> str:
    return str(Disposition(value).label) if value in Disposition.values else value


def status_label(value: str) -> str:
    return str(ActionStatus(value).label) if value in ActionStatus.values else value


def tier_label(value: str) -> str:
    return value or _("Non priorisée")


def stage_label(value: str) -> str:
    stages = ActionPartner.Stage
    return str(stages(value).label) if value in stages.values else value


def _separators() -> str:
    """Decimal then thousands separator, as the active language writes numbers."""
    return ".," if (get_language() or "fr").startswith("en") else ", "


def _figure(title: str, *, height: int = 380, **layout) -> go.Figure:
    """An empty figure in the house style. Its layout is not re-validated here: plotly.py
    would check the whole template again for every figure (~10 ms each, the largest cost
    of a dashboard page). The template was validated once, at import; the traces are
    validated when built; tests validate every complete figure (test_figures.py)."""
    return go.Figure(
        layout={
            "template": _TEMPLATE_JSON,
            "title": {"text": title},
            "height": height,
            "separators": _separators(),
            **layout,
        },
        _validate=False,
    )


def _number(value, decimals: int = 1) -> str:
    """A number as the active language writes it (50,0 in French, 50.0 in English)."""
    return number_format(value, decimal_pos=decimals)


def _bar_height(n: int, *, per_bar: int = 28, base: int = 140) -> int:
    return max(240, base + per_bar * n)


def _present(order: Iterable[str], counts: Iterable[dict]) -> list[str]:
    """The keys of `order` that have a count somewhere, in that order; unknown keys after."""
    seen = set()
    for c in counts:
        seen.update(k for k, v in c.items() if v)
    order = list(order)
    return [k for k in order if k in seen] + sorted(seen - set(order))


# ---------------------------------------------------------------------------
# Chantier dashboard


def axis_progress_figure(rows: list[AxisRow]) -> go.Figure:
    """Mean percent complete by strategic axis (horizontal bars, 0–100)."""
    fig = _figure(
        _("Avancement par axe stratégique"),
        height=_bar_height(len(rows)),
        xaxis={"range": [0, 100], "title": {"text": _("Avancement moyen (%)")}},
        yaxis={"autorange": "reversed"},
        showlegend=False,
    )
    fig.add_trace(
        go.Bar(
            orientation="h",
            y=[r.name for r in rows],
            x=[r.percent or 0 for r in rows],
            text=[
                _("%(p)s %% · %(n)d action(s)") % {"p": _number(r.percent), "n": r.counted}
                if r.percent is not None
                else _("aucune action")
                for r in rows
            ],
            textposition="auto",
            marker={"color": [OPEN_COLOUR if r.active else CLOSED_COLOUR for r in rows]},
            customdata=[[r.counted, r.active, r.late] for r in rows],
            hovertemplate=_(
                "<b>%{y}</b><br>Avancement moyen : %{x} %<br>Actions comptées : "
                "%{customdata[0]}<br>Actions actives : %{customdata[1]}<br>"
                "En retard : %{customdata[2]}<extra></extra>"
            ),
        )
    )
    return fig


def budget_figure(rows: list[AxisRow]) -> go.Figure:
    """Budget planned vs spent by axis (grouped bars, CAD)."""
    fig = _figure(
        _("Budget prévu et dépensé par axe"),
        height=_bar_height(len(rows), per_bar=40),
        barmode="group",
        xaxis={"title": {"text": _("$ CA")}, "tickformat": ",.0f"},
        yaxis={"autorange": "reversed"},
    )
    names = [r.name for r in rows]
    for label, values, colour in (
        (_("Prévu"), [r.budget_planned for r in rows], "#84caff"),
        (_("Dépensé"), [r.budget_spent for r in rows], "#0b5cab"),
    ):
        fig.add_trace(
            go.Bar(
                name=label,
                orientation="h",
                y=names,
                x=values,
                marker={"color": colour},
                hovertemplate="<b>%{y}</b><br>" + label + " : %{x:,.0f} $<extra></extra>",
            )
        )
    return fig


def _jitter(pk: int, amplitude: float = 0.12) -> float:
    """A small, stable offset so that recommendations with the same consensus do not
    hide each other; the hover and the table show the exact values."""
    return round(((zlib.crc32(str(pk).encode()) % 1000) / 1000 - 0.5) * 2 * amplitude, 3)


def matrix_figure(points: list[MatrixPoint], *, x_label: str, y_label: str) -> go.Figure:
    """Prioritisation matrix: consensus on two criteria, bubble area = score, colour =
    tier. customdata[0] is the recommendation id (charts.js opens it on click)."""
    fig = _figure(
        _("Matrice de priorisation : %(y)s selon %(x)s") % {"x": x_label, "y": y_label},
        height=520,
        xaxis={"title": {"text": x_label}, "range": [0.6, 5.4], "dtick": 1},
        yaxis={"title": {"text": y_label}, "range": [0.6, 5.4], "dtick": 1},
        legend={"title": {"text": _("Niveau")}},
    )
    top = max((p.score or 0 for p in points), default=0) or 100
    for tier in [*Tier.values, ""]:
        group = [p for p in points if p.tier == tier]
        if not group:
            continue
        fig.add_trace(
            go.Scatter(
                name=tier_label(tier),
                mode="markers",
                x=[round(p.x + _jitter(p.recommendation_id), 3) for p in group],
                y=[round(p.y + _jitter(p.recommendation_id * 7919), 3) for p in group],
                marker={
                    "size": [max(p.score or 0, 4) for p in group],
                    "sizemode": "area",
                    "sizeref": 2 * top / 28**2,
                    "sizemin": 4,
                    "color": TIER_COLOURS[tier],
                    "opacity": 0.75,
                    "line": {"width": 1, "color": "#ffffff"},
                },
                customdata=[
                    [p.recommendation_id, p.code, p.title[:80], p.x, p.y, p.score] for p in group
                ],
                hovertemplate=(
                    "<b>%{customdata[1]}</b> %{customdata[2]}<br>"
                    + x_label
                    + " : %{customdata[3]}<br>"
                    + y_label
                    + " : %{customdata[4]}<br>"
                    + _("Score")
                    + " : %{customdata[5]}<extra></extra>"
                ),
            )
        )
    return fig


def gantt_figure(rows: list[GanttRow], *, today: datetime.date) -> go.Figure:
    """Action timeline: one bar per action from start to due date, late actions in red,
    a vertical line for today."""
    fig = _figure(
        _("Échéancier des actions"),
        height=_bar_height(len(rows), per_bar=24, base=160),
        xaxis={"type": "date", "title": {"text": ""}, "tickformat": "%Y-%m"},
        yaxis={
            "autorange": "reversed",
            "type": "category",
            "categoryorder": "array",
            "categoryarray": [r.code for r in rows],
        },
        bargap=0.3,
    )
    groups = (
        (_("En retard"), LATE_COLOUR, lambda r: r.late),
        (_("En cours"), OPEN_COLOUR, lambda r: not r.late and r.status not in _CLOSED),
        (_("Terminée ou annulée"), CLOSED_COLOUR, lambda r: not r.late and r.status in _CLOSED),
    )
    for label, colour, keep in groups:
        group = [r for r in rows if keep(r)]
        if not group:
            continue
        fig.add_trace(
            go.Bar(
                name=label,
                orientation="h",
                y=[r.code for r in group],
                base=[r.start.isoformat() for r in group],
                # On a date axis, a bar's length is in milliseconds.
                x=[(r.due - r.start).days * 86_400_000 for r in group],
                marker={"color": colour},
                text=[f"{r.percent} %" for r in group],
                textposition="inside",
                insidetextanchor="start",
                customdata=[
                    [r.title[:80], r.start.isoformat(), r.due.isoformat(), status_label(r.status)]
                    for r in group
                ],
                hovertemplate=_(
                    "<b>%{y}</b> %{customdata[0]}<br>%{customdata[1]} → %{customdata[2]}<br>"
                    "%{customdata[3]} · %{text}<extra></extra>"
                ),
            )
        )
    fig.add_shape(
        type="line",
        x0=today.isoformat(),
        x1=today.isoformat(),
        y0=0,
        y1=1,
        xref="x",
        yref="paper",
        line={"color": "#1d2733", "width": 2, "dash": "dot"},
    )
    fig.add_annotation(
        x=today.isoformat(),
        y=1,
        xref="x",
        yref="paper",
        text=_("Aujourd'hui"),
        showarrow=False,
        yanchor="top",
        xanchor="left",
        bgcolor="rgba(255,255,255,0.8)",
        font={"size": 11},
    )
    return fig


_CLOSED = (ActionStatus.DONE, ActionStatus.CANCELLED)


def monthly_progress_figure(points: list[MonthPoint]) -> go.Figure:
    fig = _figure(
        _("Avancement au fil du temps"),
        xaxis={"type": "date", "tickformat": "%Y-%m", "dtick": "M1" if len(points) <= 18 else "M3"},
        yaxis={"range": [0, 100], "title": {"text": _("Avancement moyen (%)")}},
        showlegend=False,
    )
    fig.add_trace(
        go.Scatter(
            mode="lines+markers",
            x=[p.month.isoformat() for p in points],
            y=[p.percent for p in points],
            customdata=[[p.actions] for p in points],
            line={"color": OPEN_COLOUR, "width": 3},
            hovertemplate=_(
                "%{x|%Y-%m} : %{y} %<br>%{customdata[0]} action(s) comptée(s)<extra></extra>"
            ),
        )
    )
    return fig


def funnel_figure(funnel: Funnel) -> go.Figure:
    fig = _figure(_("Couverture des recommandations"), height=340, showlegend=False)
    fig.add_trace(
        go.Funnel(
            y=funnel_labels(),
            x=[funnel.recommendations, funnel.retained, funnel.with_action, funnel.implemented],
            textinfo="value+percent initial",
            marker={"color": ["#98a2b3", "#53b1fd", "#1570ef", "#12b76a"]},
            hovertemplate="%{y} : %{x}<extra></extra>",
        )
    )
    fig.add_annotation(
        text=_("En attente d'une décision : %(n)d") % {"n": funnel.awaiting},
        xref="paper",
        yref="paper",
        x=1,
        y=1.06,
        showarrow=False,
        xanchor="right",
        font={"color": "#b54708"},
    )
    return fig


def funnel_labels() -> list[str]:
    return [
        _("Recommandations"),
        _("Retenues"),
        _("Avec au moins une action"),
        _("Mises en œuvre"),
    ]


def _wrap(label: str, width: int = 14) -> str:
    """Break a long category label over lines (Plotly understands <br>)."""
    lines, line = [], ""
    for word in label.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def engagement_figure(cells: list[EngagementCell], *, axes: dict) -> go.Figure:
    """Organisation × axis heatmap of the most advanced commitment stage."""
    organisations = list(dict.fromkeys(c.organisation for c in cells))
    axis_ids = [a for a in axes if any(c.axis_id == a for c in cells)]
    if any(c.axis_id is None for c in cells):
        axis_ids.append(None)
    column = {a: i for i, a in enumerate(axis_ids)}
    row = {o: i for i, o in enumerate(organisations)}
    z = [[None] * len(axis_ids) for _o in organisations]
    text = [[""] * len(axis_ids) for _o in organisations]
    for c in cells:
        i, j = row[c.organisation], column[c.axis_id]
        z[i][j] = c.level
        text[i][j] = _("%(stage)s (%(n)d)") % {"stage": stage_label(c.stage), "n": c.partnerships}
    levels = sorted(STAGE_LEVEL.items(), key=lambda item: item[1])
    scale = []
    for level, colour in enumerate(STAGE_COLOURS):
        scale += [[level / 6, colour], [(level + 1) / 6, colour]]
    fig = _figure(
        _("Engagement des partenaires par axe"),
        height=max(300, 150 + 26 * len(organisations)),
        xaxis={"side": "top", "tickangle": 0, "title": {"text": ""}},
        yaxis={"autorange": "reversed"},
        margin={"t": 140},
    )
    fig.add_trace(
        go.Heatmap(
            x=[_wrap(axes.get(a, _("Sans axe"))) for a in axis_ids],
            y=organisations,
            z=z,
            text=text,
            # Cell labels only while they fit; the hover always has them.
            texttemplate="%{text}" if len(axis_ids) <= 10 else "",
            textfont={"size": 10},
            zmin=-0.5,
            zmax=5.5,
            colorscale=scale,
            xgap=2,
            ygap=2,
            hovertemplate="<b>%{y}</b> · %{x}<br>%{text}<extra></extra>",
            colorbar={
                "title": {"text": _("Étape")},
                "tickvals": [level for _s, level in levels],
                "ticktext": [stage_label(s) for s, _level in levels],
            },
        )
    )
    return fig


def indicators_figure(rows: list[IndicatorRow]) -> go.Figure:
    """How far each indicator went from its baseline (0 %) to its target (100 %)."""
    measured = [r for r in rows if r.progress is not None]
    fig = _figure(
        _("Indicateurs : progression vers la cible"),
        height=_bar_height(len(measured)),
        xaxis={"title": {"text": _("% du chemin vers la cible")}},
        yaxis={"autorange": "reversed"},
        showlegend=False,
    )
    fig.add_trace(
        go.Bar(
            orientation="h",
            y=[r.name for r in measured],
            x=[r.progress for r in measured],
            marker={"color": [DONE_COLOUR if r.progress >= 100 else OPEN_COLOUR for r in measured]},
            text=[f"{_number(r.progress)} %" for r in measured],
            textposition="auto",
            customdata=[
                [r.latest, r.unit, r.baseline, r.target, r.latest_date.isoformat()]
                for r in measured
            ],
            hovertemplate=_(
                "<b>%{y}</b><br>Dernière mesure : %{customdata[0]} %{customdata[1]} "
                "(%{customdata[4]})<br>Départ : %{customdata[2]} · Cible : %{customdata[3]}"
                "<extra></extra>"
            ),
        )
    )
    fig.add_vline(x=100, line={"color": DONE_COLOUR, "dash": "dash", "width": 2})
    return fig


# ---------------------------------------------------------------------------
# Counts by category (portfolio, report)


def stacked_counts_figure(
    title: str,
    rows: list[tuple[str, dict[str, int]]],
    *,
    order: Iterable[str],
    label,
    colours: dict,
) -> go.Figure:
    """One horizontal stacked bar per row label, one trace per category."""
    categories = _present(order, (counts for _name, counts in rows))
    fig = _figure(
        title,
        height=_bar_height(len(rows), per_bar=36, base=170),
        barmode="stack",
        yaxis={"autorange": "reversed"},
    )
    for key in categories:
        fig.add_trace(
            go.Bar(
                name=label(key),
                orientation="h",
                y=[name for name, _counts in rows],
                x=[counts.get(key, 0) for _name, counts in rows],
                marker={"color": colours.get(key, "#667085")},
                hovertemplate="<b>%{y}</b><br>" + label(key) + " : %{x}<extra></extra>",
            )
        )
    return fig


def dispositions_figure(rows: list[tuple[str, dict[str, int]]]) -> go.Figure:
    return stacked_counts_figure(
        _("Recommandations par décision"),
        rows,
        order=Disposition.values,
        label=disposition_label,
        colours=DISPOSITION_COLOURS,
    )


def statuses_figure(rows: list[tuple[str, dict[str, int]]]) -> go.Figure:
    return stacked_counts_figure(
        _("Actions par statut"),
        rows,
        order=ActionStatus.values,
        label=status_label,
        colours=STATUS_COLOURS,
    )


def portfolio_progress_figure(rows: list[PortfolioRow]) -> go.Figure:
    fig = _figure(
        _("Avancement moyen des actions"),
        height=_bar_height(len(rows), per_bar=36),
        xaxis={"range": [0, 100], "title": {"text": _("Avancement moyen (%)")}},
        yaxis={"autorange": "reversed"},
        showlegend=False,
    )
    fig.add_trace(
        go.Bar(
            orientation="h",
            y=[r.name for r in rows],
            x=[r.percent or 0 for r in rows],
            text=[
                f"{_number(r.percent)} %" if r.percent is not None else _("aucune action")
                for r in rows
            ],
            textposition="auto",
            marker={"color": OPEN_COLOUR},
            hovertemplate="<b>%{y}</b><br>%{x} %<extra></extra>",
        )
    )
    return fig


def portfolio_alerts_figure(rows: list[PortfolioRow]) -> go.Figure:
    fig = _figure(
        _("Actions en retard, à risque et sans nouvelles"),
        height=_bar_height(len(rows), per_bar=48, base=170),
        barmode="group",
        yaxis={"autorange": "reversed"},
    )
    for label, attr, colour in alert_series():
        fig.add_trace(
            go.Bar(
                name=label,
                orientation="h",
                y=[r.name for r in rows],
                x=[getattr(r, attr) for r in rows],
                marker={"color": colour},
                hovertemplate="<b>%{y}</b><br>" + label + " : %{x}<extra></extra>",
            )
        )
    return fig


def alert_series() -> list[tuple[str, str, str]]:
    return [
        (_("En retard"), "late", LATE_COLOUR),
        (_("À risque"), "at_risk", "#f79009"),
        (_("Sans nouvelles"), "stale", "#667085"),
    ]
