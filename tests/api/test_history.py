"""History endpoints: who changed what, from what to what, when and why, paginated."""

from tests.api.conftest import if_match


def test_history_shows_field_changes_with_author_and_reason(world, lead, api):
    api(lead).patch(
        f"/api/v1/actions/{world.action.pk}/",
        {"budget_planned": "12000.00", "change_reason": "Budget voté au comité"},
        format="json",
        **if_match(world.action),
    )

    data = api(lead).get(f"/api/v1/actions/{world.action.pk}/history/").json()

    newest = data["results"][0]
    assert data["count"] == 3  # created, progress logged, budget changed
    assert newest["user"] == {"id": lead.pk, "username": "lead", "name": lead.get_full_name()}
    assert (newest["kind"], newest["kind_label"], newest["reason"]) == (
        "~",
        "Modification",
        "Budget voté au comité",
    )
    assert newest["changes"] == [
        {
            "field": "budget_planned",
            "label": "budget prévu ($ CA)",
            "old": "0.00",
            "new": "12000.00",
        }
    ]


def test_history_names_related_objects_and_choices(world, staff, lead, api):
    api(staff).post(
        f"/api/v1/actions/{world.action.pk}/progress/",
        {"percent": 20, "status": "at_risk", "comment": "Retard du fournisseur."},
        format="json",
    )

    newest = api(lead).get(f"/api/v1/actions/{world.action.pk}/history/").json()["results"][0]

    assert newest["user"]["username"] == "staff"
    assert newest["reason"] == "Retard du fournisseur."
    assert {c["field"]: (c["old"], c["new"]) for c in newest["changes"]} == {
        "status": ("En bonne voie", "À risque"),
        "percent_complete": ("10", "20"),
    }


def test_history_is_paginated(world, lead, api):
    page = (
        api(lead)
        .get(f"/api/v1/actions/{world.action.pk}/history/", {"limit": 1, "offset": 1})
        .json()
    )

    assert page["count"] == 2
    assert len(page["results"]) == 1
    assert page["results"][0]["kind"] == "+"
    assert page["previous"] is not None


def test_history_of_another_chantiers_object_is_404(world, outsider, api):
    response = api(outsider).get(f"/api/v1/recommendations/{world.recommendation.pk}/history/")

    assert response.status_code == 404


def test_every_resource_has_a_history(world, committee_member, api):
    urls = [
        f"/api/v1/organisations/{world.organisation.pk}/history/",
        f"/api/v1/chantiers/{world.chantier.code}/history/",
        f"/api/v1/memberships/{world.membership.pk}/history/",
        f"/api/v1/decisions/{world.decision.pk}/history/",
        f"/api/v1/progress-updates/{world.update.pk}/history/",
        f"/api/v1/measurements/{world.measurement.pk}/history/",
    ]

    counts = [api(committee_member).get(url).json()["count"] for url in urls]

    assert counts == [1, 1, 1, 1, 1, 1]
