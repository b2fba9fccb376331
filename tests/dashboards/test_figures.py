"""Figure builders and panels are pure: rows in, traces and tables out, no database."""

import datetime
import json

from django.utils import translation

from dashboards import figures, panels
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

CYBER = AxisRow(
    axis_id=1,
    code="cyber",
    name="Cybersécurité",
    actions=4,
    active=2,
    counted=3,
    percent_total=150,
    late=1,
    budget_planned=1000.0,
    budget_spent=250.0,
)
TRACE = AxisRow(axis_id=2, code="trace", name="Traçabilité")


def test_axis_progress_figure_bars_are_mean_percent():
    fig = figures.axis_progress_figure([CYBER, TRACE])

    bar = fig.data[0]
    assert fig.layout.title.text == "Avancement par axe stratégique"
    assert list(bar.y) == ["Cybersécurité", "Traçabilité"]
    assert list(bar.x) == [50.0, 0]
    assert list(bar.text) == ["50,0 % · 3 action(s)", "aucune action"]
    assert [list(c) for c in bar.customdata] == [[3, 2, 1], [0, 0, 0]]


def test_figure_titles_and_numbers_follow_the_language():
    with translation.override("en"):
        english = figures.axis_progress_figure([CYBER])
        english_panel = panels.funnel(Funnel(3, 2, 1, 0, 1))
    french = figures.axis_progress_figure([CYBER])

    assert english.layout.title.text == "Progress by strategic axis"
    assert english.data[0].text[0] == "50.0 % · 3 action(s)"
    assert english.layout.separators == ".,"
    assert english_panel.table.rows[-1] == ["Awaiting a disposition", 1]
    assert french.layout.title.text == "Avancement par axe stratégique"
    assert french.layout.separators == ", "


def test_budget_figure_planned_and_spent_per_axis():
    fig = figures.budget_figure([CYBER, TRACE])

    assert [t.name for t in fig.data] == ["Prévu", "Dépensé"]
    assert list(fig.data[0].x) == [1000.0, 0.0]
    assert list(fig.data[1].x) == [250.0, 0.0]


def test_matrix_figure_one_trace_per_tier_with_id_in_customdata():
    points = [
        MatrixPoint(7, "R-007", "Former la relève", 4.5, 3.5, 90.0, "P1"),
        MatrixPoint(8, "R-008", "Tracer le métal", 3.0, 1.0, 40.0, "P3"),
        MatrixPoint(9, "R-009", "Titre " * 30, 2.0, 2.0, None, ""),
    ]

    fig = figures.matrix_figure(points, x_label="Impact", y_label="Faisabilité")

    assert [t.name for t in fig.data] == ["P1", "P3", "Non priorisée"]
    p1 = fig.data[0]
    assert [list(c) for c in p1.customdata] == [[7, "R-007", "Former la relève", 4.5, 3.5, 90.0]]
    assert abs(p1.x[0] - 4.5) <= 0.12 and abs(p1.y[0] - 3.5) <= 0.12
    assert p1.marker.color == figures.TIER_COLOURS["P1"]
    assert list(p1.marker.size) == [90.0]
    assert list(fig.data[2].marker.size) == [4]  # unscored: the smallest bubble
    assert len(fig.data[2].customdata[0][2]) == 80
    assert fig.layout.xaxis.title.text == "Impact"


def test_matrix_jitter_is_stable_and_small():
    assert figures._jitter(42) == figures._jitter(42)
    assert all(abs(figures._jitter(pk)) <= 0.12 for pk in range(500))


def test_gantt_figure_bars_from_start_to_due_with_today_line():
    start, due = datetime.date(2026, 1, 1), datetime.date(2026, 1, 11)
    rows = [
        GanttRow(1, "A-01", "Late one", start, due, "on_track", 30, True),
        GanttRow(2, "A-02", "Fine", start, due, "on_track", 50, False),
        GanttRow(3, "A-03", "Done", start, due, "done", 100, False),
    ]
    today = datetime.date(2026, 1, 5)

    fig = figures.gantt_figure(rows, today=today)

    assert [t.name for t in fig.data] == ["En retard", "En cours", "Terminée ou annulée"]
    late = fig.data[0]
    assert (list(late.y), list(late.base), list(late.x)) == (
        ["A-01"],
        ["2026-01-01"],
        [10 * 86_400_000],
    )
    assert late.marker.color == figures.LATE_COLOUR
    assert list(fig.layout.yaxis.categoryarray) == ["A-01", "A-02", "A-03"]
    line = fig.layout.shapes[0]
    assert (line.x0, line.x1, line.yref) == ("2026-01-05", "2026-01-05", "paper")
    assert fig.layout.annotations[0].text == "Aujourd'hui"


def test_monthly_progress_figure_line():
    points = [
        MonthPoint(datetime.date(2026, 1, 1), 20.0, 1),
        MonthPoint(datetime.date(2026, 2, 1), 30.0, 2),
    ]

    fig = figures.monthly_progress_figure(points)

    assert list(fig.data[0].x) == ["2026-01-01", "2026-02-01"]
    assert list(fig.data[0].y) == [20.0, 30.0]


def test_funnel_figure_stages_and_awaiting():
    fig = figures.funnel_figure(Funnel(8, 5, 2, 1, 2))

    assert list(fig.data[0].x) == [8, 5, 2, 1]
    assert list(fig.data[0].y) == [
        "Recommandations",
        "Retenues",
        "Avec au moins une action",
        "Mises en œuvre",
    ]
    assert fig.layout.annotations[0].text == "En attente d'une décision : 2"


def test_engagement_figure_organisation_by_axis_matrix():
    cells = [
        EngagementCell(10, "CQRDA", 1, 4, 2),
        EngagementCell(11, "MEI", 2, 5, 1),
        EngagementCell(11, "MEI", None, 1, 1),
    ]

    fig = figures.engagement_figure(cells, axes={1: "Cybersécurité", 2: "Traçabilité"})

    heat = fig.data[0]
    assert list(heat.x) == ["Cybersécurité", "Traçabilité", "Sans axe"]
    assert (
        figures._wrap("Automatisation et industrie 4.0") == "Automatisation<br>et industrie<br>4.0"
    )
    assert list(heat.y) == ["CQRDA", "MEI"]
    assert [list(r) for r in heat.z] == [[4, None, None], [None, 5, 1]]
    assert heat.text[0][0] == "Engagé (2)"


def test_indicators_figure_progress_toward_target():
    rows = [
        IndicatorRow(1, "Recyclage", "%", 10.0, 50.0, 30.0, datetime.date(2026, 6, 1), "A-1"),
        IndicatorRow(2, "Sans mesure", "n", 0.0, 10.0, None, None, ""),
    ]

    fig = figures.indicators_figure(rows)

    assert list(fig.data[0].y) == ["Recyclage"]
    assert list(fig.data[0].x) == [50.0]
    assert fig.layout.shapes[0].x0 == 100


def test_dispositions_figure_one_trace_per_present_disposition():
    rows = [("Alu", {"under_review": 2, "retained": 3}), ("Autre", {"implemented": 1})]

    fig = figures.dispositions_figure(rows)

    assert [t.name for t in fig.data] == ["À l'étude", "Retenue", "Mise en œuvre"]
    assert [list(t.x) for t in fig.data] == [[2, 0], [3, 0], [0, 1]]
    assert list(fig.data[0].y) == ["Alu", "Autre"]


def test_portfolio_figures_progress_and_alerts():
    row = PortfolioRow(1, "alu", "Alu", counted=2, percent_total=90, late=1, at_risk=2, stale=3)

    progress = figures.portfolio_progress_figure([row])
    alerts = figures.portfolio_alerts_figure([row])

    assert list(progress.data[0].x) == [45.0]
    assert [(t.name, list(t.x)) for t in alerts.data] == [
        ("En retard", [1]),
        ("À risque", [2]),
        ("Sans nouvelles", [3]),
    ]


# ---------------------------------------------------------------------------
# Panels: figure + table with the same numbers, or an empty state


def test_axis_progress_panel_table_has_the_figures_numbers():
    chart = panels.axis_progress([CYBER, TRACE])

    assert chart.table.columns[0] == "Axe"
    assert chart.table.rows == [
        ["Cybersécurité", 4, 2, 50.0, 1, 0, 0],
        ["Traçabilité", 0, 0, None, 0, 0, 0],
    ]


def test_panels_show_empty_states_instead_of_empty_axes():
    empty_axes = panels.axis_progress([TRACE])
    no_round = panels.matrix([], 0, x_label="", y_label="", click_url="", has_round=False)
    no_updates = panels.monthly_progress([])
    no_recs = panels.funnel(Funnel())

    for chart in (empty_axes, no_round, no_updates, no_recs):
        assert chart.figure is None
        assert chart.json == ""
    assert no_round.empty.startswith("Aucune ronde de priorisation")
    assert no_recs.empty.startswith("Aucune recommandation dans ce périmètre")


def test_capped_panels_say_how_much_is_shown():
    rows = [
        GanttRow(
            1,
            "A-01",
            "x",
            datetime.date(2026, 1, 1),
            datetime.date(2026, 2, 1),
            "on_track",
            0,
            False,
        )
    ]

    chart = panels.gantt(rows, 250, today=datetime.date(2026, 1, 15))

    assert "Les 1 actions les plus urgentes sont affichées sur 250" in chart.note


def test_funnel_panel_table_includes_awaiting():
    chart = panels.funnel(Funnel(8, 5, 2, 1, 2))

    assert chart.table.rows == [
        ["Recommandations", 8],
        ["Retenues", 5],
        ["Avec au moins une action", 2],
        ["Mises en œuvre", 1],
        ["En attente d'une décision", 2],
    ]


def test_chart_json_is_compact_and_safe_in_a_script_element():
    point = MatrixPoint(1, "R-1", "</script><b>x</b> & y", 1.0, 1.0, 50.0, "P1")
    chart = panels.matrix(
        [point], 1, x_label="A", y_label="B", click_url="/r/__id__/", has_round=True
    )

    data = json.loads(chart.json)

    assert data["data"][0]["customdata"][0][2] == "</script><b>x</b> & y"
    assert ", " not in chart.json.split('"customdata"')[0][:50]
    assert "</script>" not in chart.script_json
    assert "\\u003C/script\\u003E" in chart.script_json
    assert panels.json_size([chart]) == len(chart.json.encode())


def test_figures_do_not_embed_plotlys_default_template():
    chart = panels.funnel(Funnel(3, 2, 1, 0, 1))

    assert len(chart.json) < 4000
    assert "heatmapgl" not in chart.json


def test_report_charts_from_an_old_snapshot_without_new_keys():
    old = {"dispositions": {"retained": 2}, "action_statuses": {}}

    charts = panels.report_charts(old)

    assert [c.key for c in charts] == ["report-dispositions", "report-statuses"]
    assert charts[0].table.rows == [["Chantier", 2, 2]]
    assert charts[1].figure is None


def test_comparison_table_differences_against_previous_snapshot():
    before = {"recommendations": 10, "percent_complete": 20.5, "funnel": {"retained": 3}}
    after = {"recommendations": 12, "percent_complete": 31.0, "funnel": {"retained": 5}, "late": 2}

    table = panels.comparison(before, after)
    rows = {row[0]: row[1:] for row in table.rows}

    assert rows["Recommandations"] == [10, 12, 2]
    assert rows["Avancement moyen (%)"] == [20.5, 31.0, 10.5]
    assert rows["Retenues"] == [3, 5, 2]
    assert rows["Actions en retard"] == [None, 2, None]


def test_comparison_without_previous_meeting():
    table = panels.comparison(None, {"recommendations": 4})

    assert table.rows[0] == ["Recommandations", None, 4, None]


def test_every_figure_is_valid_plotly():
    """Figures skip plotly.py's layout validation for speed (figures._figure): check
    here, once, that each complete figure passes it."""
    import plotly.graph_objects as go

    day = datetime.date(2026, 1, 1)
    built = [
        figures.axis_progress_figure([CYBER, TRACE]),
        figures.budget_figure([CYBER]),
        figures.matrix_figure(
            [MatrixPoint(1, "R-1", "x", 1.0, 2.0, 50.0, "P1")], x_label="a", y_label="b"
        ),
        figures.gantt_figure([GanttRow(1, "A-1", "x", day, day, "late", 0, True)], today=day),
        figures.monthly_progress_figure([MonthPoint(day, 10.0, 1)]),
        figures.funnel_figure(Funnel(3, 2, 1, 0, 1)),
        figures.engagement_figure([EngagementCell(1, "MEI", 1, 4, 1)], axes={1: "Axe"}),
        figures.indicators_figure([IndicatorRow(1, "I", "%", 0.0, 10.0, 5.0, day, "")]),
        figures.dispositions_figure([("C", {"retained": 1})]),
        figures.statuses_figure([("C", {"late": 1})]),
        figures.portfolio_progress_figure([PortfolioRow(1, "c", "C", counted=1, percent_total=5)]),
        figures.portfolio_alerts_figure([PortfolioRow(1, "c", "C")]),
    ]

    for fig in built:
        go.Figure(fig.to_plotly_json())  # raises ValueError on any invalid property


def test_table_html_escapes_every_cell():
    table = panels.Table(["Nom <b>", "Valeur"], [["<script>x</script>", 1234.5], ["A & B", None]])

    html = table.html("Légende")

    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert '<th scope="col">Nom &lt;b&gt;</th>' in html
    assert "<td>1\xa0234,5</td>" in html
    assert '<th scope="row">A &amp; B</th><td>—</td>' in html
    assert html.startswith('<table class="data"><caption>Légende</caption>')
