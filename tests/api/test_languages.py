"""Errors speak the request's language: French by default, English on request."""

from tests.api.conftest import if_match


def test_errors_are_in_french_by_default(world, lead, api):
    response = api(lead).patch(
        f"/api/v1/actions/{world.action.pk}/", {"titre": "x", "code": ""}, format="json"
    )
    missing_if_match = response.json()["detail"]
    invalid = api(lead).patch(
        f"/api/v1/actions/{world.action.pk}/",
        {"titre": "x", "code": ""},
        format="json",
        **if_match(world.action),
    )

    assert response["Content-Language"] == "fr-ca"
    assert missing_if_match.startswith("En-tête If-Match manquant")
    assert invalid.json()["errors"] == {"titre": ["Champ inconnu."]}


def test_errors_are_in_english_when_asked(world, lead, api):
    client = api(lead)

    unknown = client.patch(
        f"/api/v1/actions/{world.action.pk}/",
        {"titre": "x"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
        **if_match(world.action),
    )
    blank = client.patch(
        f"/api/v1/actions/{world.action.pk}/",
        {"code": ""},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
        **if_match(world.action),
    )
    stale = client.patch(
        f"/api/v1/actions/{world.action.pk}/",
        {"title": "x"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_IF_MATCH='"action-1-v0"',
    )
    service = client.post(
        f"/api/v1/recommendations/{world.recommendation.pk}/override-tier/",
        {"tier": "P1"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert unknown["Content-Language"] == "en"
    assert unknown.json()["errors"] == {"titre": ["Unknown field."]}
    assert unknown.json()["detail"] == "The data sent is invalid: see the details per field."
    assert blank.json()["errors"] == {"code": ["This field may not be blank."]}
    assert stale.json()["detail"] == (
        "This object has changed since you read it (stale ETag). Nothing was saved: read it "
        "again, then redo your changes."
    )
    assert service.json()["errors"] == {
        "justification": ["Explain why the computed tier is replaced."]
    }


def test_the_language_of_one_request_does_not_leak_into_the_next(world, lead, api):
    client = api(lead)
    client.get("/api/v1/nowhere/", HTTP_ACCEPT_LANGUAGE="en")

    response = client.get("/api/v1/actions/0/")

    assert response.json()["detail"] == "Introuvable."
