import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.models import Action, ActionStatus
from tests.factories import (
    ActionFactory,
    ActionRecommendationFactory,
    OrganisationFactory,
    PartnerFactory,
    PlanFactory,
)
from tests.spreadsheets import make_csv, read_csv, read_xlsx


@pytest.fixture(autouse=True)
def stash_in_tmp(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = str(tmp_path / "imports")


@pytest.fixture
def plan(chantier):
    return PlanFactory(chantier=chantier, title="Plan 2026")


def upload(client, chantier, data, name="actions.csv"):
    return client.post(
        reverse("action-import", args=[chantier.code]),
        {"fichier": SimpleUploadedFile(name, data)},
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin_user", 200),
        ("lead", 200),
        ("committee_member", 403),
        ("staff", 403),
        ("outsider", 404),
    ],
)
def test_only_lead_and_admin_may_import_actions(client, chantier, persona, status, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("action-import", args=[chantier.code])).status_code == status


def test_upload_then_apply_creates_the_actions(client, chantier, lead, plan):
    client.force_login(lead)
    data = make_csv([["Code", "Titre", "Échéance"], ["A-01", "Former", "2026-12-31"]])
    dry = upload(client, chantier, data)
    token = client.session[f"import:action:{chantier.pk}"]["token"]

    response = client.post(reverse("action-import-apply", args=[chantier.code]), {"token": token})

    assert dry.context["report"].counts["created"] == 1
    assert response.status_code == 302
    assert response.url == reverse("action-list", args=[chantier.code])
    action = Action.objects.get()
    assert (action.code, action.due_date, action.history.get().history_user) == (
        "A-01",
        datetime.date(2026, 12, 31),
        lead,
    )


@pytest.mark.parametrize("persona", ["committee_member", "staff"])
def test_members_may_export_actions_with_the_list_filters(client, chantier, plan, persona, request):
    ActionFactory(plan=plan, code="A-01", status=ActionStatus.ON_TRACK)
    ActionFactory(plan=plan, code="A-02", status=ActionStatus.BLOCKED)
    client.force_login(request.getfixturevalue(persona))

    response = client.get(
        reverse("action-export", args=[chantier.code, "csv"]), {"status": "blocked"}
    )

    rows = read_csv(response.content)
    assert [r[0] for r in rows] == ["Code", "A-02"]
    assert rows[1][13] == "Bloquée"


def test_outsider_cannot_export_actions(client, chantier, outsider):
    client.force_login(outsider)

    assert client.get(reverse("action-export", args=[chantier.code, "xlsx"])).status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_action_export_query_count_does_not_grow(
    client, chantier, plan, committee_member, count, django_assert_num_queries
):
    for n in range(count):
        action = ActionFactory(plan=plan, code=f"A-{n}")
        ActionRecommendationFactory(action=action)
        PartnerFactory(action=action, organisation=OrganisationFactory())
    client.force_login(committee_member)

    # session, user, chantier, memberships, actions, links, partners
    with django_assert_num_queries(7):
        response = client.get(reverse("action-export", args=[chantier.code, "xlsx"]))

    assert len(read_xlsx(response.content)) == count + 1


def test_exported_actions_reimport_unchanged_through_the_page(client, chantier, lead, plan):
    action = ActionFactory(plan=plan, code="A-01", title="+ Former", owner=lead)
    ActionRecommendationFactory(action=action)
    PartnerFactory(action=action, organisation=OrganisationFactory(acronym="CQRDA"))
    client.force_login(lead)
    exported = client.get(reverse("action-export", args=[chantier.code, "xlsx"]))

    response = upload(client, chantier, exported.content, name="export.xlsx")

    assert response.context["report"].counts == {
        "created": 0,
        "updated": 0,
        "unchanged": 1,
        "error": 0,
    }


def test_action_template_has_the_import_headers(client, chantier, lead):
    client.force_login(lead)

    response = client.get(reverse("action-import-template", args=[chantier.code, "csv"]))

    assert read_csv(response.content)[0] == [
        "Code",
        "Titre",
        "Description",
        "Plan",
        "Recommandations",
        "Axe",
        "Organisation responsable",
        "Responsable",
        "Partenaires",
        "Début",
        "Échéance",
        "Budget prévu",
        "Budget dépensé",
        "Statut",
        "Avancement (%)",
        "Terminée le",
    ]
