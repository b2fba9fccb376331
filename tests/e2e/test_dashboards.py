"""Dashboards in a real browser on the demo data: every chart drawn by plotly.js (served
by the app), no console error, PNG/SVG downloads, a click on the matrix opens the
recommendation, and the committee report prints to a clean A4 PDF."""

import io
import re

import pytest

from chantiers.models import CommitteeMeeting
from tests.e2e.conftest import ARTIFACTS, DEMO_CHANTIER

REPORT_SECTIONS = [
    "Synthèse",
    "Chiffres à la date de la réunion",
    "Recommandations",
    "Actions",
    "Partenaires nouvellement engagés",
    "Décisions",
]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # French first: the product's language, whatever the machine's locale.
    return {**browser_context_args, "locale": "fr-CA", "viewport": {"width": 1280, "height": 900}}


def pdf_text(pdf: bytes) -> str | None:
    """The PDF's text with pypdf when it is installed; otherwise None (the headings are
    then checked in the printed DOM only)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def console_errors(page):
    errors = []

    def on_console(message):
        # The login page (not a dashboard) has no icon: the browser asks for /favicon.ico.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def open_and_wait(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    figures = page.locator("[data-figure]")
    count = figures.count()
    page.wait_for_function(
        f"document.querySelectorAll('[data-figure].is-drawn').length === {count}", timeout=30_000
    )
    return figures, count


def assert_every_chart_rendered(figures, count):
    for i in range(count):
        figure = figures.nth(i)
        assert figure.locator("svg.main-svg").count() >= 1, figure.get_attribute("data-figure")
    assert figures.first.locator(".js-plotly-plot svg, svg").count() >= 1


def latest_meetings():
    meetings = list(CommitteeMeeting.objects.filter(chantier__code=DEMO_CHANTIER).order_by("-date"))
    open_ = next((m for m in meetings if not m.is_closed), None)
    closed = next((m for m in meetings if m.is_closed), None)
    return [m for m in (open_, closed) if m] or meetings[:1]


def test_every_dashboard_draws_all_its_charts(login, live_server, screenshot, console_errors):
    page = login("responsable")
    meetings = latest_meetings()
    pages = [
        ("portefeuille", "/portefeuille/"),
        ("tableau-de-bord", f"/c/{DEMO_CHANTIER}/tableau-de-bord/"),
        ("tableau-de-bord-filtre", f"/c/{DEMO_CHANTIER}/tableau-de-bord/?tier=P1"),
    ] + [
        (
            f"rapport-{'fermee' if m.is_closed else 'ouverte'}",
            f"/c/{DEMO_CHANTIER}/reunions/{m.pk}/rapport/",
        )
        for m in meetings
    ]
    assert meetings, "the demo data has committee meetings"

    drawn = {}
    for name, path in pages:
        figures, count = open_and_wait(page, live_server.url + path)
        assert_every_chart_rendered(figures, count)
        drawn[name] = count
        screenshot(f"dashboards-{name}")

    assert drawn["portefeuille"] == 4
    assert drawn["tableau-de-bord"] == 8
    assert all(n >= 1 for n in drawn.values()), drawn
    assert console_errors == []


def test_plotly_is_loaded_once_from_the_app(login, live_server, console_errors):
    page = login("responsable")
    requests = []
    page.on("request", lambda r: requests.append(r.url))

    open_and_wait(page, f"{live_server.url}/c/{DEMO_CHANTIER}/tableau-de-bord/")

    plotly = [u for u in requests if "plotly" in u]
    assert len(plotly) == 1
    assert plotly[0].startswith(live_server.url + "/assets/plotly-")
    assert all(u.startswith(live_server.url) or u.startswith("data:") for u in requests)
    assert console_errors == []


def test_charts_download_as_png_and_svg(login, live_server, console_errors):
    page = login("responsable")
    figures, _count = open_and_wait(page, f"{live_server.url}/c/{DEMO_CHANTIER}/tableau-de-bord/")
    chart = figures.first
    chart.hover()

    downloads = {}
    for fmt, label in (("png", "Télécharger en PNG"), ("svg", "Télécharger en SVG")):
        with page.expect_download() as info:
            chart.locator(f'.modebar-btn[data-title="{label}"]').click()
        downloads[fmt] = info.value.suggested_filename

    assert downloads == {
        "png": f"{DEMO_CHANTIER}-axis-progress.png",
        "svg": f"{DEMO_CHANTIER}-axis-progress.svg",
    }
    assert console_errors == []


def test_a_click_on_the_matrix_opens_the_recommendation(login, live_server):
    page = login("responsable")
    open_and_wait(page, f"{live_server.url}/c/{DEMO_CHANTIER}/tableau-de-bord/")
    matrix = page.locator('[data-figure="matrix-data"]')
    recommendation_id = page.evaluate(
        "() => document.querySelector('[data-figure=\"matrix-data\"]').data[0].customdata[0][0]"
    )

    # What Plotly emits when a point is clicked.
    with page.expect_navigation():
        matrix.evaluate(
            "(gd, id) => gd.emit('plotly_click', {points: [{customdata: [id]}]})",
            recommendation_id,
        )

    assert page.url == (f"{live_server.url}/c/{DEMO_CHANTIER}/recommandations/{recommendation_id}/")


def test_committee_report_prints_to_a_clean_a4_pdf(login, live_server, console_errors):
    page = login("responsable")
    meeting = latest_meetings()[0]
    open_and_wait(page, f"{live_server.url}/c/{DEMO_CHANTIER}/reunions/{meeting.pk}/rapport/")

    page.emulate_media(media="print")
    navigation_hidden = page.locator(".topbar").is_hidden() and page.locator(".subnav").is_hidden()
    breaks = page.eval_on_selector_all(
        ".report-section", "els => els.map(e => getComputedStyle(e).breakBefore)"
    )
    pdf = page.pdf(format="A4", print_background=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "rapport-comite.pdf").write_bytes(pdf)

    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 20_000
    # One page per section at least (each starts on a new page), after the title page.
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= len(REPORT_SECTIONS) + 1
    text = pdf_text(pdf)
    if text is not None:
        for heading in REPORT_SECTIONS:
            assert heading in text
    assert navigation_hidden
    assert breaks == ["page"] * len(REPORT_SECTIONS)
    headings = page.eval_on_selector_all(
        ".report-section > h2", "els => els.map(e => e.textContent)"
    )
    assert headings == REPORT_SECTIONS
    assert console_errors == []
