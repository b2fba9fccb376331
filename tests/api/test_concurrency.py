"""Optimistic concurrency: every write names the version it read (If-Match); a missing
one is a 428, a stale one a 412, and in both cases nothing is overwritten."""

import threading

import pytest
from django.db import connection
from django.db.models.signals import pre_save

from actions.models import Action
from api.concurrency import etag_for
from recommendations.models import StrategicAxis
from tests.api.conftest import if_match
from tests.factories import ActionFactory, AxisFactory, PlanFactory


@pytest.fixture
def action(chantier, staff):
    return ActionFactory(
        plan=PlanFactory(chantier=chantier), code="A-01", title="Audit", owner=staff
    )


def test_detail_carries_the_etag_of_the_version(action, lead, api):
    response = api(lead).get(f"/api/v1/actions/{action.pk}/")

    assert response["ETag"] == f'"action-{action.pk}-v1"'
    assert response.json()["version"] == 1


def test_update_without_if_match_is_428_and_changes_nothing(action, lead, api):
    response = api(lead).patch(
        f"/api/v1/actions/{action.pk}/", {"title": "Nouveau titre"}, format="json"
    )

    assert response.status_code == 428
    assert response.json() == {
        "status": 428,
        "code": "precondition_required",
        "detail": "En-tête If-Match manquant : envoyez l'ETag reçu à la lecture de l'objet "
        "pour que personne ne perde ses modifications.",
    }
    action.refresh_from_db()
    assert (action.title, action.version, action.history.count()) == ("Audit", 1, 1)


def test_update_with_a_stale_etag_is_412_and_changes_nothing(action, lead, api):
    stale = if_match(action)
    api(lead).patch(f"/api/v1/actions/{action.pk}/", {"title": "Premier"}, format="json", **stale)

    response = api(lead).patch(
        f"/api/v1/actions/{action.pk}/", {"title": "Second"}, format="json", **stale
    )

    assert response.status_code == 412
    assert response.json()["code"] == "stale"
    assert "Rien n'a été enregistré" in response.json()["detail"]
    action.refresh_from_db()
    assert (action.title, action.version) == ("Premier", 2)


def test_two_updates_with_the_same_etag_cannot_both_win(action, lead, admin_user, api):
    """Two people open the same action, both save: the second is told, not overwritten."""
    etag = api(lead).get(f"/api/v1/actions/{action.pk}/")["ETag"]
    assert api(admin_user).get(f"/api/v1/actions/{action.pk}/")["ETag"] == etag

    first = api(lead).patch(
        f"/api/v1/actions/{action.pk}/",
        {"budget_planned": "1000.00"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    second = api(admin_user).patch(
        f"/api/v1/actions/{action.pk}/",
        {"budget_planned": "2000.00"},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert (first.status_code, second.status_code) == (200, 412)
    assert first["ETag"] == f'"action-{action.pk}-v2"'
    action.refresh_from_db()
    assert (str(action.budget_planned), action.version) == ("1000.00", 2)


def test_the_new_etag_allows_the_next_update(action, lead, api):
    first = api(lead).patch(
        f"/api/v1/actions/{action.pk}/", {"title": "Un"}, format="json", **if_match(action)
    )

    second = api(lead).patch(
        f"/api/v1/actions/{action.pk}/",
        {"title": "Deux"},
        format="json",
        HTTP_IF_MATCH=first["ETag"],
    )

    assert second.status_code == 200
    assert second.json()["title"] == "Deux"
    assert second["ETag"] == f'"action-{action.pk}-v3"'


def test_delete_needs_the_current_etag(action, lead, api):
    client = api(lead)
    url = f"/api/v1/actions/{action.pk}/"

    missing = client.delete(url)
    stale = client.delete(url, HTTP_IF_MATCH=f'"action-{action.pk}-v0"')
    star = client.delete(url, HTTP_IF_MATCH="*")
    done = client.delete(url, **if_match(action))

    assert [missing.status_code, stale.status_code, star.status_code, done.status_code] == [
        428,
        412,
        428,
        204,
    ]
    assert not Action.objects.filter(pk=action.pk).exists()


def test_weak_and_listed_etags_are_understood(action, lead, api):
    etag = etag_for(action)

    response = api(lead).patch(
        f"/api/v1/actions/{action.pk}/",
        {"title": "Liste"},
        format="json",
        HTTP_IF_MATCH=f'"autre", W/{etag}',
    )

    assert response.status_code == 200


def test_unversioned_objects_use_their_history_for_the_etag(chantier, lead, api):
    axis = AxisFactory(chantier=chantier, code="CYBER")
    etag = api(lead).get(f"/api/v1/axes/{axis.pk}/")["ETag"]
    latest = axis.history.latest().history_id

    first = api(lead).patch(
        f"/api/v1/axes/{axis.pk}/", {"name": "Cybersécurité"}, format="json", HTTP_IF_MATCH=etag
    )
    second = api(lead).patch(
        f"/api/v1/axes/{axis.pk}/", {"name": "Sécurité"}, format="json", HTTP_IF_MATCH=etag
    )

    assert etag == f'"strategicaxis-{axis.pk}-h{latest}"'
    assert (first.status_code, second.status_code) == (200, 412)
    assert StrategicAxis.objects.get(pk=axis.pk).name == "Cybersécurité"


def test_action_endpoints_check_if_match_when_sent(action, staff, api):
    response = api(staff).post(
        f"/api/v1/actions/{action.pk}/progress/",
        {"percent": 10, "status": "on_track"},
        format="json",
        HTTP_IF_MATCH=f'"action-{action.pk}-v0"',
    )

    assert response.status_code == 412
    assert action.updates.count() == 0


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's row locks (SQLite serialises)"
)
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_updates_cannot_both_win(chantier, staff, lead, admin_user, api):
    """Both requests pass the ETag check, then meet in the UPDATE: the database lets
    exactly one through."""
    action = ActionFactory(plan=PlanFactory(chantier=chantier), owner=staff)
    etag = etag_for(action)
    both_checked = threading.Barrier(2, timeout=10)

    def wait_for_the_other(sender, instance, **kwargs):
        if instance.pk == action.pk:
            both_checked.wait()

    pre_save.connect(wait_for_the_other, sender=Action)
    statuses = {}

    def update(user, budget):
        try:
            response = api(user).patch(
                f"/api/v1/actions/{action.pk}/",
                {"budget_planned": budget},
                format="json",
                HTTP_IF_MATCH=etag,
            )
            statuses[budget] = response.status_code
        finally:
            connection.close()

    try:
        threads = [
            threading.Thread(target=update, args=(lead, "1000.00")),
            threading.Thread(target=update, args=(admin_user, "2000.00")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        pre_save.disconnect(wait_for_the_other, sender=Action)

    assert sorted(statuses.values()) == [200, 412]
    action.refresh_from_db()
    winner = next(budget for budget, status in statuses.items() if status == 200)
    assert (str(action.budget_planned), action.version) == (winner, 2)
