"""Hostile input gets a 4xx with a message, never a 500, and changes nothing."""

import pytest

from actions.models import Action
from recommendations.models import Recommendation
from tests.api.conftest import if_match

CREATE_ENDPOINTS = [
    "organisations",
    "chantiers",
    "memberships",
    "meetings",
    "decisions",
    "axes",
    "studies",
    "recommendations",
    "rounds",
    "criteria",
    "assessments",
    "plans",
    "actions",
    "action-recommendations",
    "partners",
    "milestones",
    "progress-updates",
    "indicators",
    "measurements",
]

HOSTILE_BODIES = [
    [],
    "texte",
    123,
    None,
    {"\x00": "clé nulle"},
    {"title": ["liste"], "name": {"objet": 1}},
    {"code": "R-1\x00", "title": "a\x00b", "name": "x\x00"},
    {"title": "x" * 1_000_000},
    {"chantier": 10**30, "plan": 10**30, "action": -1, "round": "abc"},
    {"date": "2026-13-45", "due_date": "hier", "percent": 10**30, "score": 1e308},
    {"baseline": "NaN", "target": "Infinity", "value": "1e999", "weight": "-0"},
]


@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=range(len(HOSTILE_BODIES)))
@pytest.mark.parametrize("prefix", CREATE_ENDPOINTS)
def test_hostile_bodies_are_refused_with_a_message(prefix, body, world, admin_user, api):
    counts = Recommendation.objects.count(), Action.objects.count()

    response = api(admin_user).post(f"/api/v1/{prefix}/", body, format="json")

    assert response.status_code == 400, response.content
    assert response.json()["status"] == 400
    assert response.json()["detail"]
    assert (Recommendation.objects.count(), Action.objects.count()) == counts


def test_nul_byte_is_refused_per_field(world, lead, api):
    response = api(lead).post(
        "/api/v1/recommendations/",
        {"chantier": "aluminerie-avenir", "code": "R-9", "title": "Titre\x00caché"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"title": ["Le caractère nul (\\x00) n'est pas accepté."]}


@pytest.mark.parametrize(
    "query",
    [
        {"search": "a\x00b"},
        {"q\x00": "1"},
        {"ordering": "\x00"},
        {"limit": "0"},
        {"limit": "-1"},
        {"limit": "201"},
        {"limit": "99999999999999999999"},
        {"limit": "abc"},
        {"offset": "-1"},
        {"offset": "99999999999999999999"},
        {"offset": "1e3"},
        {"owner": "99999999999999999999"},
        {"owner": "abc"},
        {"axis": "99999999999999999999"},
        {"recommendation": "-5"},
        {"status": "bientôt"},
        {"late": "x" * 10_000},
        {"chantier": "x" * 51},
    ],
    ids=lambda q: repr(q)[:40],
)
def test_hostile_query_strings_are_400(query, world, lead, api):
    response = api(lead).get("/api/v1/actions/", query)

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"


def test_limit_beyond_the_cap_is_refused_with_the_bounds(world, lead, api):
    response = api(lead).get("/api/v1/recommendations/", {"limit": 0})

    assert response.json()["errors"] == {"limit": ["Entier de 1 à 200 attendu."]}


def test_an_offset_past_the_end_is_an_empty_page(world, lead, api):
    response = api(lead).get("/api/v1/recommendations/", {"offset": 1000})

    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("pk", ["0", "-1", "abc", "1.5", "99999999999999999999999", "١"])
def test_absurd_ids_are_404(pk, world, lead, api):
    response = api(lead).get(f"/api/v1/actions/{pk}/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_malformed_json_is_400(world, lead, api):
    response = api(lead).generic(
        "POST", "/api/v1/recommendations/", '{"code": ', content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_form_body_is_415(world, lead, api):
    response = api(lead).post("/api/v1/recommendations/", {"code": "R-9"})

    assert response.status_code == 415


def test_unknown_fields_are_refused_not_ignored(world, lead, api):
    response = api(lead).patch(
        f"/api/v1/recommendations/{world.recommendation.pk}/",
        {"titre": "Faute de frappe"},
        format="json",
        **if_match(world.recommendation),
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"titre": ["Champ inconnu."]}


def test_a_lead_cannot_set_percent_on_the_action_itself(world, lead, api):
    title = world.action.title

    response = api(lead).patch(
        f"/api/v1/actions/{world.action.pk}/",
        {"percent_complete": 80, "title": "Audit"},
        format="json",
        **if_match(world.action),
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "percent_complete": [
            "L'avancement et le statut se déclarent par POST /api/v1/actions/{id}/progress/ "
            "(journal des mises à jour)."
        ]
    }
    world.action.refresh_from_db()
    assert (world.action.percent_complete, world.action.title) == (10, title)


def test_staff_patch_of_the_budget_is_refused_field_by_field(world, staff, api):
    response = api(staff).patch(
        f"/api/v1/actions/{world.action.pk}/",
        {"budget_planned": "99999.00"},
        format="json",
        **if_match(world.action),
    )

    assert response.status_code == 403
    message = (
        "Seuls le responsable du chantier et les administrateurs modifient une action ; "
        "le ou la responsable de l'action déclare son avancement par "
        "POST /api/v1/actions/{id}/progress/."
    )
    assert response.json() == {
        "status": 403,
        "code": "permission_denied",
        "detail": message,
        "errors": {"budget_planned": [message]},
    }
    world.action.refresh_from_db()
    assert str(world.action.budget_planned) == "0.00"


def test_a_get_then_put_round_trip_works(world, lead, api):
    """Read-only values echoed unchanged are accepted; only changes to them are refused."""
    client = api(lead)
    read = client.get(f"/api/v1/actions/{world.action.pk}/")
    body = {**read.json(), "title": "Audit complet"}

    response = client.put(
        f"/api/v1/actions/{world.action.pk}/", body, format="json", HTTP_IF_MATCH=read["ETag"]
    )

    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Audit complet"


def test_the_chantier_of_an_object_cannot_change(world, lead, api):
    response = api(lead).patch(
        f"/api/v1/recommendations/{world.recommendation.pk}/",
        {"chantier": "spare"},
        format="json",
        **if_match(world.recommendation),
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "chantier": ["Ce champ est fixé à la création : il ne peut plus changer."]
    }


def test_an_object_cannot_point_into_another_chantier(world, lead, api):
    response = api(lead).post(
        "/api/v1/actions/",
        {
            "plan": world.plan.pk,
            "code": "A-50",
            "title": "Action",
            "axis": world.spare_axis.pk,
            "owner": world.other_action.owner_id,
        },
        format="json",
    )

    assert response.status_code == 400
    # The other chantier's member is unknown to the lead: refused like a missing id.
    assert list(response.json()["errors"]) == ["owner"]


def test_an_axis_of_a_readable_chantier_must_still_be_the_same_chantier(world, admin_user, api):
    other_axis = world.other_recommendation.axis

    response = api(admin_user).patch(
        f"/api/v1/recommendations/{world.recommendation.pk}/",
        {"axis": other_axis.pk},
        format="json",
        **if_match(world.recommendation),
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"axis": ["Cet axe appartient à un autre chantier."]}


def test_a_constraint_violation_is_a_400_on_the_field(world, lead, api):
    response = api(lead).post(
        "/api/v1/actions/",
        {
            "plan": world.plan.pk,
            "code": "A-51",
            "title": "Action",
            "start_date": "2026-05-01",
            "due_date": "2026-01-01",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "due_date": ["L'échéance ne peut précéder la date de début."]
    }


def test_a_duplicate_code_is_a_400_on_the_code(world, lead, api):
    response = api(lead).post(
        "/api/v1/recommendations/",
        {"chantier": "aluminerie-avenir", "code": "R-001", "title": "Doublon"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "code": ["Ce code de recommandation existe déjà dans ce chantier."]
    }


def test_deleting_something_still_used_is_a_409(world, admin_user, api):
    response = api(admin_user).delete(f"/api/v1/studies/{world.study.pk}/", **if_match(world.study))

    assert response.status_code == 409
    assert response.json()["detail"].startswith("Impossible de supprimer")


def test_an_indicator_cannot_follow_another_chantiers_action(world, admin_user, api):
    response = api(admin_user).post(
        "/api/v1/indicators/",
        {
            "chantier": "aluminerie-avenir",
            "action": world.other_action.pk,
            "name": "Tonnes",
            "unit": "t",
            "baseline": "0",
            "target": "5",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"action": ["Cet objet appartient à un autre chantier."]}
