"""Browser tests: Playwright driving Debian's Chromium against a live server seeded with
the demo data. Skipped, with the reason shown, where Chromium is absent; CI installs it
and refuses skips."""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses
# that unless told it is safe (it is: one thread drives both).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DEMO_PASSWORD = "aluquebec-demo"
DEMO_CHANTIER = "aluminerie-avenir"


def pytest_collection_modifyitems(config, items):
    has_chromium = shutil.which("chromium") or os.path.exists(CHROMIUM)
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium)")
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if not has_chromium:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def demo(transactional_db):
    """The demo data set, as `make run` loads it."""
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def login(page, live_server, demo):
    """login("responsable") signs a demo user in and returns the page."""

    def _login(username: str, password: str = DEMO_PASSWORD):
        page.goto(f"{live_server.url}/connexion/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return _login


@pytest.fixture
def screenshot(page):
    """screenshot("name") saves a full-page PNG under test-artifacts/screenshots/."""

    def _shot(name: str):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return _shot
