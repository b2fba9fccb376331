def test_health_answers_without_login(client, db):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_home_requires_login(client, db):
    response = client.get("/")

    assert response.status_code == 302
    assert response.url == "/connexion/?next=/"
