"""Token authentication, and the page where people create and revoke their token."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def test_the_token_page_needs_a_login(client, db):
    response = client.get("/compte/jetons/")

    assert response.status_code == 302
    assert response.url == "/connexion/?next=/compte/jetons/"


def test_a_user_creates_sees_once_and_revokes_a_token(client, lead):
    client.force_login(lead)

    created = client.post("/compte/jetons/", {"do": "create"}, follow=True)
    key = Token.objects.get(user=lead).key
    again = client.get("/compte/jetons/")
    revoked = client.post("/compte/jetons/", {"do": "revoke"}, follow=True)

    assert key in created.content.decode()
    assert key not in again.content.decode()
    assert f"{key[:6]}…" in again.content.decode()
    assert "Jeton révoqué" in revoked.content.decode()
    assert not Token.objects.filter(user=lead).exists()


def test_renewing_replaces_the_old_token(client, lead):
    client.force_login(lead)
    client.post("/compte/jetons/", {"do": "create"})
    old = Token.objects.get(user=lead).key

    client.post("/compte/jetons/", {"do": "renew"})

    assert Token.objects.get(user=lead).key != old


def test_a_token_authenticates_and_a_revoked_one_no_longer_does(lead, chantier):
    token = Token.objects.create(user=lead)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    before = client.get("/api/v1/chantiers/")
    token.delete()
    after = client.get("/api/v1/chantiers/")

    assert before.status_code == 200
    assert [c["code"] for c in before.json()["results"]] == ["aluminerie-avenir"]
    assert after.status_code == 401
    assert after.json() == {
        "status": 401,
        "code": "authentication_failed",
        "detail": "Token non valide.",
    }
    assert after["WWW-Authenticate"] == "Token"


def test_the_browser_session_works_too(client, lead, chantier):
    client.force_login(lead)

    response = client.get("/api/v1/chantiers/")

    assert response.status_code == 200


def test_a_session_write_needs_the_csrf_token(lead, chantier):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(lead)

    response = client.post(
        "/api/v1/axes/", {"chantier": "aluminerie-avenir", "code": "X", "name": "X"}, format="json"
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
