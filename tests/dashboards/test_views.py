import datetime
import gzip

import pytest
from django.urls import reverse
from django.utils import timezone

from chantiers.services import close_meeting
from dashboards.views import PLOTLY_JS_VERSION
from recommendations.models import Recommendation
from recommendations.services import set_disposition
from tests.factories import DecisionFactory, MeetingFactory, RecommendationFactory

TODAY = timezone.localdate()


def dashboard_url(chantier, query=""):
    return reverse("chantier-dashboard", args=[chantier.code]) + query


def report_url(meeting):
    return reverse("meeting-report", args=[meeting.chantier.code, meeting.pk])


def rows_of(table):
    return {row[0]: row[1:] for row in table.rows}


# ---------------------------------------------------------------------------
# Permissions


@pytest.mark.parametrize("persona", ["lead", "committee_member", "staff", "admin_user"])
def test_every_role_of_the_chantier_reads_its_dashboard_and_reports(
    client, chantier, persona, request
):
    client.force_login(request.getfixturevalue(persona))
    meeting = MeetingFactory(chantier=chantier, date=TODAY)

    dashboard = client.get(dashboard_url(chantier))
    report = client.get(report_url(meeting))

    assert dashboard.status_code == 200
    assert dashboard.context["scope"].chantier == chantier
    assert report.status_code == 200
    assert report.context["meeting"] == meeting


def test_outsider_gets_404_for_another_chantiers_dashboard_and_report(client, chantier, outsider):
    client.force_login(outsider)
    meeting = MeetingFactory(chantier=chantier, date=TODAY)

    assert client.get(dashboard_url(chantier)).status_code == 404
    assert client.get(report_url(meeting)).status_code == 404


def test_report_of_a_meeting_from_another_chantier_is_404(client, chantier, other_chantier, lead):
    client.force_login(lead)
    theirs = MeetingFactory(chantier=other_chantier, date=TODAY)

    response = client.get(reverse("meeting-report", args=[chantier.code, theirs.pk]))

    assert response.status_code == 404


def test_dashboards_require_login(client, chantier):
    response = client.get(dashboard_url(chantier))

    assert response.status_code == 302
    assert response.url.startswith("/connexion/")


def test_portfolio_shows_only_the_users_chantiers(client, chantier, other_chantier, outsider):
    RecommendationFactory(chantier=chantier)
    RecommendationFactory(chantier=other_chantier)
    client.force_login(outsider)

    response = client.get(reverse("portfolio"))

    assert [r.code for r in response.context["rows"]] == ["autre"]
    assert "Aluminerie" not in response.content.decode()


def test_admin_portfolio_shows_every_chantier(client, chantier, other_chantier, admin_user):
    client.force_login(admin_user)

    response = client.get(reverse("portfolio"))

    assert [r.code for r in response.context["rows"]] == ["aluminerie-avenir", "autre"]


# ---------------------------------------------------------------------------
# Query counts do not grow with the data


@pytest.mark.parametrize("size", [3, 30])
def test_dashboard_query_count_is_constant(
    client, chantier, lead, dataset, size, django_assert_num_queries
):
    dataset(size)
    client.force_login(lead)

    with django_assert_num_queries(20):
        response = client.get(dashboard_url(chantier))

    assert response.context["funnel"].recommendations == size


@pytest.mark.parametrize("size", [3, 30])
def test_filtered_dashboard_query_count_is_constant(
    client, chantier, lead, dataset, size, django_assert_num_queries
):
    dataset(size)
    client.force_login(lead)

    with django_assert_num_queries(20):
        response = client.get(dashboard_url(chantier, "?axis=AX1&tier=P2&x=faisabilite&y=impact"))

    assert response.context["scope"].axis.code == "AX1"


@pytest.mark.parametrize("size", [3, 30])
def test_portfolio_query_count_is_constant(
    client, chantier, other_chantier, admin_user, dataset, size, django_assert_num_queries
):
    dataset(size)
    client.force_login(admin_user)

    with django_assert_num_queries(7):
        response = client.get(reverse("portfolio"))

    assert response.context["rows"][0].recommendations == size


@pytest.mark.parametrize("size", [3, 30])
def test_open_report_query_count_is_constant(
    client, chantier, lead, dataset, size, django_assert_num_queries
):
    dataset(size)
    previous = MeetingFactory(chantier=chantier, date=TODAY - datetime.timedelta(days=30))
    close_meeting(previous, by=lead)
    meeting = MeetingFactory(chantier=chantier, date=TODAY)
    for _ in range(size // 3):
        DecisionFactory(meeting=previous)
        DecisionFactory(meeting=meeting)
    client.force_login(lead)

    with django_assert_num_queries(34):
        response = client.get(report_url(meeting))

    assert response.context["new_recommendations"].total == 0


@pytest.mark.parametrize("size", [3, 30])
def test_closed_report_query_count_is_constant(
    client, chantier, lead, dataset, size, django_assert_num_queries
):
    dataset(size)
    meeting = MeetingFactory(chantier=chantier, date=TODAY)
    DecisionFactory(meeting=meeting)
    close_meeting(meeting, by=lead)
    client.force_login(lead)

    with django_assert_num_queries(26):
        response = client.get(report_url(meeting))

    assert response.context["new_recommendations"].total == size


# ---------------------------------------------------------------------------
# Page content


def test_dashboard_has_every_figure_with_its_data_table(client, chantier, lead, dataset):
    dataset(6)
    client.force_login(lead)

    response = client.get(dashboard_url(chantier))
    html = response.content.decode()

    keys = [c.key for c in response.context["charts"]]
    assert keys == [
        "axis-progress",
        "matrix",
        "gantt",
        "progress-over-time",
        "funnel",
        "partners",
        "budget",
        "indicators",
    ]
    assert all(c.figure is not None for c in response.context["charts"])
    assert html.count("data-figure=") == 8
    assert html.count('<details class="chart-data">') == 8
    assert html.count(f"/assets/plotly-{PLOTLY_JS_VERSION}.min.js") == 1
    assert 'data-click-url="/c/aluminerie-avenir/recommandations/__id__/"' in html
    assert 0 < response.context["figure_bytes"] < 200_000


def test_dashboard_filters_reach_every_figure(client, chantier, lead, dataset):
    dataset(6)
    client.force_login(lead)

    response = client.get(dashboard_url(chantier, "?axis=AX1"))

    charts = {c.key: c for c in response.context["charts"]}
    assert [row[0] for row in charts["axis-progress"].table.rows] == ["Axe 1"]
    assert {row[1] for row in charts["partners"].table.rows} == {"Axe 1"}
    assert response.context["funnel"].recommendations == 2
    assert response.context["totals"].actions == 2


def test_unknown_filter_values_are_ignored_with_a_message(client, chantier, lead, dataset):
    dataset(3)
    client.force_login(lead)

    response = client.get(dashboard_url(chantier, "?axis=nope&tier=P9"))

    assert response.status_code == 200
    assert response.context["scope"].axis is None
    assert response.context["scope"].tier == ""
    assert "ont été ignorés" in response.content.decode()


def test_empty_chantier_explains_instead_of_drawing_empty_axes(client, chantier, lead):
    client.force_login(lead)

    response = client.get(dashboard_url(chantier))
    html = response.content.decode()

    assert "data-figure=" not in html
    assert "plotly-" not in html  # no figure, no 4 MB library
    assert "Aucune action dans ce périmètre" in html
    assert "Aucune recommandation dans ce périmètre" in html
    assert "Aucune ronde de priorisation" in html
    assert "Ce chantier n'a pas encore d'axes stratégiques." in html


def test_portfolio_table_and_figures(client, chantier, lead, dataset):
    dataset(5)
    client.force_login(lead)

    response = client.get(reverse("portfolio"))

    row = response.context["rows"][0]
    assert (row.recommendations, row.actions) == (5, 5)
    assert [c.key for c in response.context["charts"]] == [
        "dispositions",
        "statuses",
        "progress",
        "alerts",
    ]
    dispositions = rows_of(response.context["charts"][0].table)
    assert dispositions["Aluminerie de l'avenir"][-1] == 5


def test_portfolio_without_any_chantier(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="nouveau"))

    response = client.get(reverse("portfolio"))

    assert "Vous n'avez encore de rôle dans aucun chantier." in response.content.decode()


# ---------------------------------------------------------------------------
# Committee report: snapshot when closed, difference at the next meeting


def test_closed_report_keeps_the_snapshot_and_next_report_shows_the_difference(
    client, chantier, lead
):
    first, second = (
        RecommendationFactory(chantier=chantier, code="R-001"),
        RecommendationFactory(chantier=chantier, code="R-002"),
    )
    assert second.pk
    previous = MeetingFactory(
        chantier=chantier, date=TODAY - datetime.timedelta(days=30), title="Comité d'octobre"
    )
    close_meeting(previous, by=lead)
    set_disposition(first, by=lead, disposition=Recommendation.Disposition.RETAINED)
    meeting = MeetingFactory(chantier=chantier, date=TODAY, title="Comité de novembre")
    client.force_login(lead)

    closed = client.get(report_url(previous))
    current = client.get(report_url(meeting))

    assert closed.context["snapshot"] is not None
    assert closed.context["figures"]["awaiting_disposition"] == 2
    assert rows_of(closed.context["comparison"])["En attente d'une décision"] == [None, 2, None]
    assert "instantané" in closed.content.decode()
    assert current.context["live"] is True
    assert rows_of(current.context["comparison"])["En attente d'une décision"] == [2, 1, -1]
    assert rows_of(current.context["comparison"])["Retenues"] == [0, 1, 1]
    assert [r["code"] for r in current.context["recommendation_changes"].rows] == ["R-001"]


def test_report_has_every_section(client, chantier, lead, dataset):
    dataset(5)
    meeting = MeetingFactory(chantier=chantier, date=TODAY)
    DecisionFactory(meeting=meeting, text="Approuver le plan de mobilisation.")
    client.force_login(lead)

    html = client.get(report_url(meeting)).content.decode()

    for heading in (
        "Synthèse",
        "Chiffres à la date de la réunion",
        "Nouvelles recommandations",
        "Décisions et niveaux de priorité modifiés",
        "Avancement pendant la période",
        "Actions devenues en retard ou sans nouvelles",
        "Jalons atteints",
        "Partenaires nouvellement engagés",
        "Décisions demandées à cette réunion",
        "Suivi des décisions antérieures",
    ):
        assert heading in html
    assert "Approuver le plan de mobilisation." in html
    assert html.count('class="report-section"') == 6


def test_report_of_an_unclosed_past_meeting_rebuilds_figures_from_history(client, chantier, lead):
    meeting = MeetingFactory(chantier=chantier, date=TODAY - datetime.timedelta(days=3))
    RecommendationFactory(chantier=chantier)  # created after the meeting's day
    client.force_login(lead)

    response = client.get(report_url(meeting))

    assert response.context["live"] is False
    assert response.context["figures"]["recommendations"] == 0


# ---------------------------------------------------------------------------
# plotly.js, served by the app


def test_plotly_js_is_served_with_long_cache_headers(client, db):
    response = client.get(reverse("plotly-js", args=[PLOTLY_JS_VERSION]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Accept-Encoding" in response["Vary"]
    assert len(response.content) > 3_000_000
    assert b"plotly.js v" + PLOTLY_JS_VERSION.encode() in response.content[:500]


def test_plotly_js_is_gzipped_when_the_browser_accepts_it(client, db):
    response = client.get(
        reverse("plotly-js", args=[PLOTLY_JS_VERSION]), headers={"accept-encoding": "gzip, br"}
    )

    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) < 2_000_000
    assert gzip.decompress(response.content).startswith(b"/**")


def test_plotly_js_of_another_version_is_404(client, db):
    response = client.get(reverse("plotly-js", args=["0.0.1"]))

    assert response.status_code == 404
