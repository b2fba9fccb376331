"""Browser journeys on the demo data (DESIGN §1): the lead gives a recommendation a
disposition and is stopped when the justification is missing; a committee member
browses a recommendation, its actions, its history and the committee's decisions.
Screenshots of the pages walked through go to test-artifacts/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from recommendations.models import Recommendation
from tests.e2e.conftest import DEMO_CHANTIER

pytestmark = pytest.mark.e2e


def awaiting_count(page) -> int:
    return int(page.locator("#awaiting-counter .value").inner_text())


def test_lead_gives_a_disposition_and_is_stopped_without_justification(
    login, live_server, screenshot
):
    page = login("responsable")

    # The lead lands on the recommendations still awaiting a disposition.
    expect(page).to_have_url(re.compile(rf"/c/{DEMO_CHANTIER}/recommandations/\?awaiting=true$"))
    expect(page.get_by_role("heading", name="Recommandations", exact=True)).to_be_visible()
    before = awaiting_count(page)
    assert before > 0
    screenshot("lead-recommendations-awaiting")

    first = page.locator("table.recommendations tbody tr").first.locator("td.code a")
    code = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("#disposition-badge")).to_have_text("À l'étude")
    screenshot("lead-recommendation-detail")

    page.get_by_role("link", name="Donner une décision").click()
    page.get_by_label("Ne pas retenir").check()
    page.get_by_role("button", name="Enregistrer la décision").click()

    # Stopped: the message sits next to the justification field, nothing is saved.
    error = page.locator("#field-justification .errorlist")
    expect(error).to_have_text("Une justification est requise pour cette décision.")
    expect(page.get_by_role("heading", name="Donner une décision")).to_be_visible()
    screenshot("lead-disposition-justification-missing")
    assert (
        Recommendation.objects.get(chantier__code=DEMO_CHANTIER, code=code).disposition
        == Recommendation.Disposition.UNDER_REVIEW
    )

    page.get_by_label("Ne pas retenir").check()
    page.get_by_label("Justification").fill("Hors du mandat du chantier : relève de la filière.")
    page.get_by_role("button", name="Enregistrer la décision").click()

    expect(page.locator("#disposition-badge")).to_have_text("Non retenue")
    expect(page.get_by_role("status")).to_contain_text(f"{code} : décision « Non retenue »")
    history = page.locator("section.history")
    expect(history).to_contain_text("Hors du mandat du chantier : relève de la filière.")
    expect(history.locator(".changes").first).to_contain_text("À l'étude")
    screenshot("lead-disposition-recorded")

    page.get_by_role("link", name="Recommandations", exact=True).first.click()
    assert awaiting_count(page) == before - 1


def test_committee_member_browses_a_recommendation_its_actions_and_history(
    login, live_server, screenshot
):
    with_actions = (
        Recommendation.objects.filter(chantier__code=DEMO_CHANTIER, action_links__isnull=False)
        .order_by("rank", "code")
        .first()
    )
    page = login("comite")

    # From the chantier's navigation to the list, then a search by code.
    page.goto(f"{live_server.url}/c/{DEMO_CHANTIER}/recommandations/")
    page.get_by_label("Recherche").fill(with_actions.code)
    page.get_by_role("button", name="Filtrer").click()
    page.locator("table.recommendations").get_by_role("link", name=with_actions.code).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(with_actions.title)
    # Read only: a committee member is offered no disposition or edit.
    expect(page.get_by_role("link", name="Donner une décision")).to_have_count(0)
    expect(page.get_by_role("link", name="Modifier")).to_have_count(0)

    actions = page.locator("section[aria-labelledby=actions-title] tbody tr")
    assert actions.count() >= 1
    expect(page.locator("#implementation-progress")).to_contain_text("Calcul :")
    expect(page.locator("#implementation-progress")).to_contain_text("%")
    history = page.locator("section.history .timeline > li")
    assert history.count() >= 1
    screenshot("committee-recommendation-detail")

    # The action page itself is the action pages' own journey; here: the link leads there.
    actions.first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/c/{DEMO_CHANTIER}/actions/\d+/$"))
    screenshot("committee-action-from-recommendation")

    page.go_back()
    page.locator("section.history").scroll_into_view_if_needed()
    expect(page.locator("section.history h2")).to_have_text("Historique")
    screenshot("committee-recommendation-history")

    # The committee's own pages: meetings and their decisions.
    page.get_by_role("navigation", name="Aluminerie de l'avenir").get_by_role(
        "link", name="Comité"
    ).click()
    expect(page.get_by_role("heading", name="Comité de suivi")).to_be_visible()
    expect(page.get_by_role("link", name="Planifier une réunion")).to_have_count(0)
    screenshot("committee-meetings")
    page.locator("table tbody tr").first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Décisions de la réunion")).to_be_visible()
    screenshot("committee-meeting-detail")
