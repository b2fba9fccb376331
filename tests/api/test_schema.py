"""The OpenAPI schema and its documentation pages, served by the app itself."""

import re

import yaml
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def _schema(user):
    client = APIClient()
    client.force_authenticate(user)
    return yaml.safe_load(client.get("/api/schema/").content)


def test_the_schema_needs_authentication(client, db):
    response = client.get("/api/schema/")

    assert response.status_code == 401


def test_every_operation_documents_its_errors(lead):
    schema = _schema(lead)

    missing = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            codes = set(operation["responses"])
            expected = {"400", "401", "403"}
            if "{" in path:
                expected.add("404")
            if method in ("put", "patch", "delete"):
                expected |= {"409", "412", "428"}
            if not expected <= codes:
                missing.append((method, path, sorted(expected - codes)))

    assert missing == []
    assert len(schema["paths"]) == 19 * 3 + 9
    assert schema["components"]["schemas"]["Error"]["required"] == ["status", "code", "detail"]


def test_writes_document_the_if_match_header(lead):
    operation = _schema(lead)["paths"]["/api/v1/actions/{id}/"]["patch"]

    headers = [p for p in operation["parameters"] if p["in"] == "header"]

    assert [(h["name"], h["required"]) for h in headers] == [("If-Match", True)]


def test_docs_pages_load_their_assets_from_the_app(client, lead):
    client.force_login(lead)

    pages = [client.get("/api/docs/"), client.get("/api/redoc/")]

    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert assets
        assert all(a.startswith("/") for a in assets), assets
        assert "drf_spectacular_sidecar" in html


def test_the_docs_redirect_anonymous_people_to_the_login(client, db):
    response = client.get("/api/docs/")

    assert response.status_code == 302


def test_schema_with_a_token(lead):
    token = Token.objects.create(user=lead)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "API des chantiers AluQuébec"
