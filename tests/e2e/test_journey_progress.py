"""Journey: a staff member (`charge`) logs progress on one of their actions in a few
seconds, then sees the action's new percent and the history entry. Also saves
screenshots of "my actions", the action list, the action page and the plan page."""

import pytest
from playwright.sync_api import expect

from actions.models import CLOSED_STATUSES, Action, ProgressUpdate
from tests.e2e.conftest import DEMO_CHANTIER

COMMENT = "Atelier tenu avec deux partenaires ; compte rendu en rédaction."


@pytest.fixture
def browser_context_args(browser_context_args):
    # French first: the browser asks for fr-CA, as the chantier's people do.
    return {**browser_context_args, "locale": "fr-CA", "viewport": {"width": 1280, "height": 900}}


def test_staff_logs_progress_and_sees_it_on_the_action_page(login, live_server, screenshot):
    page = login("charge")

    page.goto(f"{live_server.url}/mes-actions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes actions")
    screenshot("my-actions")
    card = page.locator("article.action-card").first
    action = Action.objects.get(pk=int(card.get_attribute("id").removeprefix("action-")))
    old = action.percent_complete
    new = old + 5 if old <= 95 else old - 5
    card.locator("input[name$='-percent']").fill(str(new))
    card.locator("textarea[name$='-comment']").fill(COMMENT)
    card.get_by_role("button", name="Enregistrer l'avancement").click()

    expect(page.locator(".message").first).to_contain_text(
        f"{action.code} : avancement enregistré ({new} %)."
    )
    page.locator(f"#action-{action.pk} h2 a").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(action.code)
    expect(page.locator(".headline .percent-value")).to_have_text(f"{new} %")
    latest = page.locator(".history .timeline > li").first
    expect(latest).to_contain_text(f"Pourquoi : {COMMENT}")
    expect(latest.locator(".changes")).to_contain_text(f"avancement (%) : {old} → {new}")
    expect(page.locator(".update-log > li").first).to_contain_text(COMMENT)
    screenshot("action-detail")
    update = ProgressUpdate.objects.filter(action=action).first()
    assert (update.author.username, update.percent_complete, update.comment) == (
        "charge",
        new,
        COMMENT,
    )

    page.goto(f"{live_server.url}/c/{DEMO_CHANTIER}/actions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Actions")
    screenshot("action-list")
    page.goto(f"{live_server.url}/c/{DEMO_CHANTIER}/plans/{action.plan_id}/")
    expect(page.locator(f"a:text-is('{action.code}')")).to_be_visible()
    screenshot("plan-detail")


def test_progress_form_asks_for_a_comment_when_percent_drops(login, live_server):
    page = login("charge")
    action = (
        Action.objects.filter(owner__username="charge", percent_complete__gte=10)
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("code")
        .first()
    )
    updates = ProgressUpdate.objects.count()

    page.goto(f"{live_server.url}/mes-actions/")
    card = page.locator(f"#action-{action.pk}")
    card.locator("input[name$='-percent']").fill(str(action.percent_complete - 10))
    card.get_by_role("button", name="Enregistrer l'avancement").click()

    expect(card.locator(".comment-hint")).to_have_text(
        "L'avancement recule : un commentaire est obligatoire."
    )
    comment = card.locator("textarea[name$='-comment']")
    assert comment.evaluate("el => el.validity.valueMissing") is True
    assert ProgressUpdate.objects.count() == updates
