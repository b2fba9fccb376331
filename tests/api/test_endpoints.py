"""What the endpoints return and do: nested reads, filters, and the domain actions
(score, override, disposition, freeze, close, progress) going through the services."""

import datetime

from actions.models import ProgressUpdate
from dashboards.models import MeetingSnapshot
from recommendations.models import Assessment, Recommendation
from tests.api.conftest import if_match
from tests.factories import CriterionFactory


def test_a_recommendation_reads_with_its_axis_study_and_priority(world, lead, api):
    api(lead).post(
        f"/api/v1/recommendations/{world.recommendation.pk}/score/",
        {"criterion": world.criterion.pk, "score": 5},
        format="json",
    )

    data = api(lead).get(f"/api/v1/recommendations/{world.recommendation.pk}/").json()

    assert data["axis_detail"] == {"id": world.axis.pk, "code": "CYBER", "name": "Cybersécurité"}
    assert data["study_detail"] == {
        "id": world.study.pk,
        "title": "Étude sur l'aluminium vert",
        "year": 2024,
    }
    # The committee member scored 3 and the lead 5 on the only criterion: mean 4 → 75.
    assert data["priority"] == {
        "score": "75.00",
        "rank": 1,
        "computed_tier": "P1",
        "tier_override": "",
        "tier_override_justification": "",
        "tier": "P1",
    }


def test_an_action_reads_with_owner_recommendations_and_latest_update(world, staff, lead, api):
    api(staff).post(
        f"/api/v1/actions/{world.action.pk}/progress/",
        {"percent": 40, "status": "at_risk", "comment": "Fournisseur en retard."},
        format="json",
    )

    data = api(lead).get(f"/api/v1/actions/{world.action.pk}/").json()

    assert data["owner_detail"] == {
        "id": staff.pk,
        "username": "staff",
        "name": staff.get_full_name(),
    }
    assert data["recommendations"] == [
        {
            "id": world.recommendation.pk,
            "code": "R-001",
            "title": world.recommendation.title,
            "contribution": "",
        }
    ]
    assert (data["percent_complete"], data["status"]) == (40, "at_risk")
    latest = data["latest_update"]
    assert (latest["percent_complete"], latest["status"], latest["comment"]) == (
        40,
        "at_risk",
        "Fournisseur en retard.",
    )
    assert latest["author"]["username"] == "staff"


def test_recommendation_filters_search_and_ordering(world, lead, api):
    Recommendation.objects.filter(pk=world.second_recommendation.pk).update(rank=1, tier="P1")
    client = api(lead)

    by_tier = client.get("/api/v1/recommendations/", {"tier": "P1"}).json()
    by_chantier = client.get("/api/v1/recommendations/", {"chantier": "autre"}).json()
    searched = client.get("/api/v1/recommendations/", {"q": "R-002"}).json()
    ordered = client.get("/api/v1/recommendations/", {"ordering": "-code"}).json()

    assert [r["code"] for r in by_tier["results"]] == ["R-002"]
    assert by_chantier["count"] == 0  # not the lead's chantier: nothing, not an error
    assert [r["code"] for r in searched["results"]] == ["R-002"]
    assert [r["code"] for r in ordered["results"]] == ["R-002", "R-001"]


def test_action_filters(world, lead, staff, api):
    client = api(lead)

    mine = client.get("/api/v1/actions/", {"owner": staff.pk}).json()
    late = client.get("/api/v1/actions/", {"late": "true"}).json()
    linked = client.get(
        "/api/v1/actions/", {"recommendation": world.second_recommendation.pk}
    ).json()

    assert [a["code"] for a in mine["results"]] == ["A-01"]
    assert late["count"] == 0
    assert linked["count"] == 0


def test_pagination_links_and_limit(world, lead, api):
    data = api(lead).get("/api/v1/recommendations/", {"limit": 1}).json()

    assert data["count"] == 2
    assert data["next"] == "http://testserver/api/v1/recommendations/?limit=1&offset=1"
    assert len(data["results"]) == 1


def test_score_outside_the_open_round_is_refused(world, lead, api):
    frozen_criterion = CriterionFactory(round__chantier=world.other)

    response = api(lead).post(
        f"/api/v1/recommendations/{world.recommendation.pk}/score/",
        {"criterion": frozen_criterion.pk, "score": 4},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["criterion"]


def test_score_creates_or_replaces_ones_own_assessment(world, committee_member, api):
    url = f"/api/v1/recommendations/{world.recommendation.pk}/score/"

    response = api(committee_member).post(
        url, {"criterion": world.criterion.pk, "score": 2, "rationale": "Coûteux."}, format="json"
    )

    assert response.status_code == 201
    assessment = Assessment.objects.get(pk=response.json()["id"])
    assert assessment.pk == world.assessment.pk
    assert (assessment.score, assessment.rationale) == (2, "Coûteux.")


def test_override_needs_a_justification(world, lead, api):
    url = f"/api/v1/recommendations/{world.recommendation.pk}/override-tier/"

    refused = api(lead).post(url, {"tier": "P1"}, format="json")
    accepted = api(lead).post(
        url, {"tier": "P1", "justification": "Priorité ministérielle."}, format="json"
    )

    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "justification": ["Expliquez pourquoi le niveau calculé est remplacé."]
    }
    assert accepted.status_code == 200
    assert accepted.json()["priority"]["tier"] == "P1"
    assert accepted.json()["priority"]["tier_override_justification"] == "Priorité ministérielle."
    assert accepted["ETag"] == f'"recommendation-{world.recommendation.pk}-v2"'


def test_disposition_merge_and_transfer(world, lead, api):
    client = api(lead)

    merged = client.post(
        f"/api/v1/recommendations/{world.second_recommendation.pk}/disposition/",
        {"disposition": "merged", "into": world.recommendation.pk},
        format="json",
    )
    transferred = client.post(
        f"/api/v1/recommendations/{world.recommendation.pk}/disposition/",
        {"disposition": "transferred", "to": "autre", "justification": "Relève du chantier autre."},
        format="json",
    )

    assert (merged.status_code, merged.json()["disposition"]) == (200, "merged")
    assert merged.json()["merged_into"] == world.recommendation.pk
    assert (transferred.status_code, transferred.json()["transferred_to"]) == (200, "autre")
    assert Recommendation.objects.filter(chantier=world.other, code="R-001-T2").exists()


def test_disposition_refuses_a_move_the_workflow_forbids(world, lead, api):
    response = api(lead).post(
        f"/api/v1/recommendations/{world.recommendation.pk}/disposition/",
        {"disposition": "implemented"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "disposition": ["Impossible de passer de « À l'étude » à « Mise en œuvre »."]
    }


def test_disposition_fields_are_not_writable_directly(world, lead, api):
    response = api(lead).patch(
        f"/api/v1/recommendations/{world.recommendation.pk}/",
        {"disposition": "retained"},
        format="json",
        **if_match(world.recommendation),
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "disposition": ["La décision se change par POST /api/v1/recommendations/{id}/disposition/."]
    }


def test_a_frozen_round_refuses_every_change(world, lead, api):
    client = api(lead)
    frozen = client.post(
        f"/api/v1/rounds/{world.round.pk}/freeze/", {"meeting": world.meeting.pk}, format="json"
    )

    weight = client.patch(
        f"/api/v1/criteria/{world.criterion.pk}/",
        {"weight": "3"},
        format="json",
        **if_match(world.criterion),
    )
    score = client.post(
        f"/api/v1/recommendations/{world.recommendation.pk}/score/",
        {"criterion": world.criterion.pk, "score": 1},
        format="json",
    )

    assert frozen.status_code == 200
    assert (frozen.json()["status"], frozen.json()["validated_by_meeting"]) == (
        "frozen",
        world.meeting.pk,
    )
    assert weight.status_code == 400
    assert weight.json()["errors"] == {
        "non_field_errors": [
            "La ronde « Ronde 2026 » est figée : ses scores et ses poids ne peuvent plus changer."
        ]
    }
    assert score.status_code == 400


def test_opening_a_round_copies_the_criteria(world, lead, api):
    client = api(lead)
    client.post(f"/api/v1/rounds/{world.round.pk}/freeze/", {}, format="json")

    response = client.post(
        "/api/v1/rounds/", {"chantier": "aluminerie-avenir", "name": "Ronde 2027"}, format="json"
    )

    assert response.status_code == 201
    assert (response.json()["status"], response.json()["previous"]) == ("open", world.round.pk)
    criteria = client.get("/api/v1/criteria/", {"round": response.json()["id"]}).json()
    assert [c["code"] for c in criteria["results"]] == ["impact"]


def test_closing_a_meeting_takes_a_snapshot_once(world, lead, api):
    url = f"/api/v1/meetings/{world.meeting.pk}/close/"

    first = api(lead).post(url)
    second = api(lead).post(url)

    assert first.status_code == 200
    assert first.json()["closed_at"] is not None
    assert MeetingSnapshot.objects.filter(meeting=world.meeting).count() == 1
    assert second.status_code == 400
    assert second.json()["detail"] == "Cette réunion est déjà fermée."


def test_progress_rules_come_from_the_service(world, staff, api):
    response = api(staff).post(
        f"/api/v1/actions/{world.action.pk}/progress/",
        {"percent": 5, "status": "on_track"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "comment": ["L'avancement recule (10 % → 5 %) : expliquez pourquoi."]
    }
    assert ProgressUpdate.objects.filter(action=world.action).count() == 1


def test_nothing_new_counts_as_news(world, staff, api):
    response = api(staff).post(f"/api/v1/actions/{world.action.pk}/nothing-new/", {}, format="json")

    assert response.status_code == 201
    assert (response.json()["nothing_new"], response.json()["percent_complete"]) == (True, 10)
    assert response.json()["comment"] == "Rien de nouveau."


def test_the_progress_log_is_append_only(world, lead, api):
    response = api(lead).patch(
        f"/api/v1/progress-updates/{world.update.pk}/", {"comment": "Autre"}, format="json"
    )

    assert response.status_code == 405


def test_staff_cannot_log_progress_on_someone_elses_action(world, staff, lead, api):
    world.action.refresh_from_db()
    world.action.owner = lead
    world.action.save()

    response = api(staff).post(
        f"/api/v1/actions/{world.action.pk}/progress/",
        {"percent": 50, "status": "on_track"},
        format="json",
    )

    assert response.status_code == 403


def test_reaching_a_milestone_in_the_future_is_refused(world, staff, api):
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)

    response = api(staff).post(
        f"/api/v1/milestones/{world.milestone.pk}/reach/",
        {"on": tomorrow.isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "reached_on": ["Un jalon ne peut être atteint dans le futur."]
    }


def test_a_measurement_on_the_same_date_corrects_the_value(world, staff, api):
    body = {"indicator": world.indicator.pk, "date": "2026-05-01", "value": "33.5"}

    response = api(staff).post("/api/v1/measurements/", body, format="json")

    assert response.status_code == 201
    assert response.json()["id"] == world.measurement.pk
    assert response.json()["value"] == "33.50"


def test_an_action_created_by_api_takes_its_plans_chantier(world, lead, api):
    response = api(lead).post(
        "/api/v1/actions/",
        {
            "plan": world.plan.pk,
            "code": "A-02",
            "title": "Formation",
            "owner": world.action.owner_id,
        },
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["chantier"] == "aluminerie-avenir"
    assert response["ETag"] == f'"action-{response.json()["id"]}-v1"'


def test_a_created_object_says_where_it_lives(world, lead, staff, api):
    created = api(lead).post(
        "/api/v1/axes/",
        {"chantier": "aluminerie-avenir", "code": "RECY", "name": "Recyclage"},
        format="json",
    )
    logged = api(staff).post(
        f"/api/v1/actions/{world.action.pk}/progress/",
        {"percent": 20, "status": "on_track"},
        format="json",
    )

    assert created["Location"] == f"/api/v1/axes/{created.json()['id']}/"
    assert logged["Location"] == f"/api/v1/progress-updates/{logged.json()['id']}/"


def test_a_decision_links_recommendations_and_actions_of_its_chantier(world, lead, api):
    response = api(lead).post(
        "/api/v1/decisions/",
        {
            "meeting": world.meeting.pk,
            "kind": "new_action",
            "text": "Lancer l'audit.",
            "recommendations": [world.recommendation.pk],
            "actions": [world.action.pk],
        },
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["recommendations"], response.json()["actions"]) == (
        [world.recommendation.pk],
        [world.action.pk],
    )


def test_a_closed_meetings_decision_keeps_its_text_but_takes_its_follow_up(world, lead, api):
    client = api(lead)
    client.post(f"/api/v1/meetings/{world.meeting.pk}/close/")
    url = f"/api/v1/decisions/{world.decision.pk}/"

    text = client.patch(url, {"text": "Réécrit"}, format="json", **if_match(world.decision))
    follow_up = client.patch(
        url,
        {"status": "done", "follow_up": "Fait en juin."},
        format="json",
        **if_match(world.decision),
    )

    assert text.status_code == 400
    assert text.json()["detail"] == (
        "Cette réunion est fermée : son procès-verbal et ses décisions ne changent plus."
    )
    assert follow_up.status_code == 200
    assert (follow_up.json()["status"], follow_up.json()["text"]) == ("done", world.decision.text)


def test_a_closed_meeting_cannot_be_deleted(world, lead, api):
    api(lead).post(f"/api/v1/meetings/{world.meeting.pk}/close/")

    response = api(lead).delete(f"/api/v1/meetings/{world.meeting.pk}/", **if_match(world.meeting))

    assert response.status_code == 409


def test_a_plan_is_approved_by_a_meeting_not_by_editing_its_status(world, lead, api):
    client = api(lead)

    edited = client.patch(
        f"/api/v1/plans/{world.plan.pk}/",
        {"status": "approved"},
        format="json",
        **if_match(world.plan),
    )
    approved = client.post(
        f"/api/v1/plans/{world.plan.pk}/approve/", {"meeting": world.meeting.pk}, format="json"
    )

    assert edited.status_code == 400
    assert edited.json()["errors"] == {
        "status": ["Un plan s'approuve par POST /api/v1/plans/{id}/approve/."]
    }
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["approved_by_meeting"]) == (
        "approved",
        world.meeting.pk,
    )


def test_an_action_owner_must_be_able_to_log_its_progress(world, lead, committee_member, api):
    response = api(lead).patch(
        f"/api/v1/actions/{world.action.pk}/",
        {"owner": committee_member.pk},
        format="json",
        **if_match(world.action),
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "owner": [
            "Le responsable doit être responsable du chantier ou chargé·e de projet du chantier."
        ]
    }
