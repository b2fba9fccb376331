"""The scoring workspace in a real browser: a committee member scores by keyboard and
the ranking changes without a page reload; then the lead freezes the round and the
workspace refuses any further score.

The data is built here with the services (not the demo seed), so that the numbers are
known: criteria impact (weight 2) and cout (weight 1, lower is better); the lead has
scored R-001 impact 4 and cout 2 → (2 × 0.75 + 0.75) / 3 = 75.00, rank 1."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from chantiers.models import Membership
from recommendations import services
from recommendations.models import Assessment, PrioritisationRound
from tests.factories import (
    ChantierFactory,
    MeetingFactory,
    MembershipFactory,
    RecommendationFactory,
    UserFactory,
)

PASSWORD = "motdepasse-test"
CODE = "aluminerie-avenir"


@pytest.fixture
def browser_context_args(browser_context_args):
    # The people are francophone: the app follows the browser's language.
    return {**browser_context_args, "locale": "fr-CA"}


@pytest.fixture
def workspace_data(transactional_db):
    chantier = ChantierFactory(code=CODE, name="Aluminerie de l'avenir")
    lead = UserFactory(username="responsable", first_name="Rachel", last_name="Responsable")
    committee = UserFactory(username="comite", first_name="Côme", last_name="Comité")
    MembershipFactory(user=lead, chantier=chantier, role=Membership.Role.LEAD)
    MembershipFactory(user=committee, chantier=chantier, role=Membership.Role.COMMITTEE)
    recs = {
        code: RecommendationFactory(chantier=chantier, code=code, title=f"Recommandation {code}")
        for code in ("R-001", "R-002", "R-003")
    }
    rnd = services.open_round(chantier, by=lead, name="Ronde de printemps")
    impact = services.add_criterion(
        rnd, by=lead, code="impact", name="Impact", weight=Decimal(2), rubric="1 : nul\n5 : majeur"
    )
    cout = services.add_criterion(
        rnd, by=lead, code="cout", name="Coût", weight=Decimal(1), direction="lower"
    )
    services.score_recommendation(recs["R-001"], criterion=impact, by=lead, score=4)
    services.score_recommendation(recs["R-001"], criterion=cout, by=lead, score=2)
    meeting = MeetingFactory(chantier=chantier, title="Comité de validation")
    return {"round": rnd, "recs": recs, "committee": committee, "meeting": meeting}


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    # Scoped to <main>: the header's language switch is a submit button too.
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def row(page, rec):
    return page.locator(f"#r{rec.pk}")


def test_score_by_keyboard_reranks_live_then_freeze_refuses(
    page, live_server, workspace_data, screenshot
):
    recs = workspace_data["recs"]
    rnd = workspace_data["round"]
    sign_in(page, live_server, "comite")
    page.goto(f"{live_server.url}/c/{CODE}/priorisation/")
    expect(row(page, recs["R-001"]).locator(".c-rank")).to_have_text("1")
    expect(row(page, recs["R-002"]).locator(".c-rank")).to_have_text("—")
    left = page.locator("#progress li.me .left")
    expect(left).to_have_text("6")  # 3 recommendations × 2 criteria
    page.evaluate("window.__sameDocument = true")

    # Focus R-002's impact cell, type 5, Tab to its cout cell, type 1:
    # (2 × 1 + 1 × 1) / 3 = 100.00 → R-002 first, R-001 second.
    first_cell = row(page, recs["R-002"]).locator("input.score").first
    first_cell.focus()
    expect(page.locator("#panel-rubric")).to_have_text("1 : nul\n5 : majeur")
    page.keyboard.press("5")
    expect(row(page, recs["R-002"]).locator(".c-rank")).to_have_text("1")
    page.keyboard.press("Tab")
    page.keyboard.press("1")
    expect(left).to_have_text("4")
    expect(row(page, recs["R-002"]).locator(".c-score")).to_have_text("100,00")
    expect(row(page, recs["R-001"]).locator(".c-rank")).to_have_text("2")
    expect(row(page, recs["R-002"]).locator(".c-tier .tier")).to_have_text("P1")
    # A letter is refused on the spot and saves nothing.
    row(page, recs["R-003"]).locator("input.score").first.focus()
    page.keyboard.press("x")
    expect(page.locator("#grid-status")).to_have_text("Tapez un chiffre de 1 à 5.")

    assert page.evaluate("window.__sameDocument") is True  # no reload happened
    screenshot("workspace-scored")
    scores = Assessment.objects.filter(assessor=workspace_data["committee"])
    assert sorted(scores.values_list("recommendation__code", "criterion__code", "score")) == [
        ("R-002", "cout", 1),
        ("R-002", "impact", 5),
    ]

    # The lead freezes the round with the validating meeting.
    page.context.clear_cookies()
    sign_in(page, live_server, "responsable")
    page.goto(f"{live_server.url}/c/{CODE}/priorisation/rondes/{rnd.pk}/figer/")
    page.select_option("#id_meeting", label=str(workspace_data["meeting"]))
    page.click("form.narrow button[type=submit]")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".message").first).to_contain_text("figée")
    assert PrioritisationRound.objects.get(pk=rnd.pk).status == "frozen"

    # Editing is refused: no score input any more, and a direct request is turned down.
    expect(page.locator("input.score")).to_have_count(0)
    expect(page.locator(".round-header .status")).to_have_text("Figée")
    refused = page.evaluate(
        """async ([url, rec, crit]) => {
            const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
            const response = await fetch(url, {
                method: "POST",
                headers: {"Content-Type": "application/json", "X-CSRFToken": token},
                body: JSON.stringify({recommendation: rec, criterion: crit, score: 2}),
            });
            return [response.status, (await response.json()).error];
        }""",
        [
            f"{live_server.url}/c/{CODE}/priorisation/rondes/{rnd.pk}/noter/",
            recs["R-003"].pk,
            rnd.criteria.get(code="impact").pk,
        ],
    )
    assert refused[0] == 400
    assert re.search("figée", refused[1])
    assert not Assessment.objects.filter(recommendation=recs["R-003"]).exists()
    screenshot("workspace-frozen")


def test_lead_changes_a_weight_and_the_ranking_follows(
    page, live_server, workspace_data, screenshot
):
    # The lead scores R-002: impact 5, cout 5 → (2 × 1 + 1 × 0) / 3 = 66.67, rank 2.
    # Impact weight 2 → 10: R-001 (10 × 0.75 + 0.75) / 11 = 75.00, R-002 10 / 11 = 90.91.
    recs = workspace_data["recs"]
    rnd = workspace_data["round"]
    lead = rnd.chantier.memberships.get(role="lead").user
    for code, value in (("impact", 5), ("cout", 5)):
        services.score_recommendation(
            recs["R-002"], criterion=rnd.criteria.get(code=code), by=lead, score=value
        )
    sign_in(page, live_server, "responsable")
    page.goto(f"{live_server.url}/c/{CODE}/priorisation/")
    expect(row(page, recs["R-002"]).locator(".c-rank")).to_have_text("2")
    page.evaluate("window.__sameDocument = true")
    weight = page.locator(f'input.weight[data-crit="{rnd.criteria.get(code="impact").pk}"]')

    weight.fill("10")
    weight.press("Tab")
    expect(page.locator("#weights-status")).to_have_text(
        "Indiquez d'abord la raison du changement."
    )
    page.fill("#weights-reason", "Le comité insiste sur l'impact")
    weight.fill("10")
    weight.press("Tab")

    expect(row(page, recs["R-002"]).locator(".c-rank")).to_have_text("1")
    expect(row(page, recs["R-002"]).locator(".c-score")).to_have_text("90,91")
    expect(row(page, recs["R-001"]).locator(".c-rank")).to_have_text("2")
    assert page.evaluate("window.__sameDocument") is True
    impact = rnd.criteria.get(code="impact")
    assert impact.weight == 10
    assert impact.history.first().history_change_reason == "Le comité insiste sur l'impact"
    screenshot("workspace-weights")

    for name, path in (
        ("round-settings", f"rondes/{rnd.pk}/parametres/"),
        ("round-sensitivity", f"rondes/{rnd.pk}/sensibilite/?n=1&pct=50"),
        ("round-list", "rondes/"),
    ):
        page.goto(f"{live_server.url}/c/{CODE}/priorisation/{path}")
        expect(page.locator("h1")).to_be_visible()
        screenshot(name)
