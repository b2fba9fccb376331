"""The lead imports a spreadsheet in the browser: upload, read the dry run, apply."""

import pytest

from chantiers.models import Membership
from recommendations.models import Recommendation
from tests.factories import (
    AxisFactory,
    ChantierFactory,
    MembershipFactory,
    RecommendationFactory,
    UserFactory,
)
from tests.spreadsheets import make_csv


@pytest.fixture
def lead_page(page, live_server, transactional_db, settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = str(tmp_path / "imports")
    chantier = ChantierFactory(code="aluminerie-avenir", name="Aluminerie de l'avenir")
    AxisFactory(chantier=chantier, code="CYB", name="Cybersécurité")
    RecommendationFactory(chantier=chantier, code="R-001", title="Ancien titre", axis=None)
    MembershipFactory(
        chantier=chantier, user=UserFactory(username="responsable"), role=Membership.Role.LEAD
    )
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", "responsable")
    page.fill("#id_password", "motdepasse-test")
    # The header's language switch is a submit button too: click the login form's.
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/c/aluminerie-avenir/recommandations/import/")
    return page


def test_lead_uploads_reads_the_dry_run_and_applies(lead_page, tmp_path, screenshot):
    page = lead_page
    path = tmp_path / "recommandations.csv"
    path.write_bytes(
        make_csv(
            [
                ["Code", "Titre", "Axe", "Décision"],
                ["R-001", "Nouveau titre", "Cybersécurité", "Retenue"],
                ["R-002", "Sécuriser les automates", "CYB", ""],
            ],
            encoding="cp1252",
        )
    )

    page.set_input_files("input[name=fichier]", str(path))
    page.click("text=Faire un essai")
    page.wait_for_load_state("networkidle")
    screenshot("import-dry-run")

    assert page.locator("h2#report-title").inner_text() == "Essai : rien n'est encore enregistré"
    assert page.locator(".import-counts").inner_text().split("\n") == [
        "1 à créer",
        "1 à modifier",
        "0 inchangées",
        "0 en erreur",
    ]
    assert Recommendation.objects.count() == 1

    page.click("button:text('Appliquer')")
    page.wait_for_load_state("networkidle")

    assert page.url.endswith("/c/aluminerie-avenir/recommandations/")
    assert list(Recommendation.objects.order_by("code").values_list("code", "title")) == [
        ("R-001", "Nouveau titre"),
        ("R-002", "Sécuriser les automates"),
    ]


def test_errors_are_listed_with_row_and_column(lead_page, tmp_path, screenshot):
    page = lead_page
    path = tmp_path / "erreurs.csv"
    path.write_bytes(
        make_csv([["Code", "Titre", "Axe"], ["R-010", "A", "Robotique"], ["R-010", "B", ""]])
    )

    page.set_input_files("input[name=fichier]", str(path))
    page.click("text=Faire un essai")
    page.wait_for_load_state("networkidle")
    screenshot("import-errors")

    assert page.locator("h2#report-title").inner_text() == "Le fichier ne peut pas être importé"
    assert page.locator("button:text('Appliquer')").count() == 0
    first_error = page.locator("table.import-rows").first.locator("tbody tr").first
    assert first_error.locator("td").all_inner_texts()[:3] == ["2", "R-010", "Axe"]
