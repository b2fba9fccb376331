"""Every write path leaves a history row naming the right user, and the timeline reads
those rows back as "who changed what, from what to what, why"."""

from decimal import Decimal

import pytest
from django.urls import reverse

from actions import services as action_services
from actions.models import ProgressUpdate
from chantiers import services as chantier_services
from chantiers.history import Change, object_timeline, stamp, system_user, timeline
from chantiers.models import Chantier, Organisation
from recommendations import services as rec_services
from recommendations.models import Recommendation
from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    CriterionFactory,
    MeetingFactory,
    OrganisationFactory,
    RecommendationFactory,
    RoundFactory,
)


def last_history(obj):
    return obj.history.order_by("-history_date", "-history_id").first()


# --- services -----------------------------------------------------------------


def test_service_log_progress_records_the_acting_user(chantier, staff):
    action = ActionFactory(plan__chantier=chantier, owner=staff)

    update = action_services.log_progress(action, by=staff, percent=20, status="on_track")

    assert last_history(action).history_user == staff
    assert ProgressUpdate.history.get(id=update.pk).history_user == staff


def test_service_set_disposition_records_the_acting_user_and_reason(chantier, lead):
    rec = RecommendationFactory(chantier=chantier)

    rec_services.set_disposition(
        rec, by=lead, disposition="not_retained", justification="Hors mandat."
    )

    last = last_history(rec)
    assert (last.history_user, last.history_change_reason, last.disposition) == (
        lead,
        "Hors mandat.",
        "not_retained",
    )


def test_service_close_meeting_records_the_acting_user(chantier, lead):
    meeting = MeetingFactory(chantier=chantier)

    chantier_services.close_meeting(meeting, by=lead)

    last = last_history(meeting)
    assert (last.history_user, last.history_change_reason) == (lead, "Réunion fermée")
    assert last.closed_at is not None


# --- web requests (admin) -----------------------------------------------------


def test_admin_change_form_records_the_request_user(client, admin_user):
    organisation = OrganisationFactory(name="Centre québécois", acronym="CQ")
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:chantiers_organisation_change", args=[organisation.pk]),
        {"name": "CQRDA", "acronym": "CQRDA", "kind": "research", "website": ""},
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "CQRDA"
    last = last_history(organisation)
    assert (last.history_type, last.history_user, last.name) == ("~", admin_user, "CQRDA")


def test_admin_add_form_with_inline_records_the_request_user(client, admin_user):
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:chantiers_chantier_add"),
        {
            "code": "recyclage",
            "name": "Recyclage",
            "mandate": "",
            "status": "active",
            "start_date": "2026-01-01",
            "end_date": "",
            "lead_organisation": "",
            "reporting_period_days": "30",
            "p1_threshold": "70",
            "p2_threshold": "50",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302
    chantier = Chantier.objects.get(code="recyclage")
    assert [(h.history_type, h.history_user) for h in chantier.history.all()] == [("+", admin_user)]


def test_admin_delete_keeps_history_and_records_the_request_user(client, admin_user):
    organisation = OrganisationFactory(name="Ancien partenaire")
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:chantiers_organisation_delete", args=[organisation.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert Organisation.objects.filter(pk=organisation.pk).count() == 0
    rows = Organisation.history.filter(id=organisation.pk).order_by("history_date")
    assert [(h.history_type, h.history_user) for h in rows] == [("+", None), ("-", admin_user)]


# --- management commands ------------------------------------------------------


def test_system_user_is_one_named_inactive_account(db):
    first = system_user()

    second = system_user()

    assert first.pk == second.pk
    assert (first.username, first.is_active) == ("systeme", False)


def test_command_writes_as_system_user(chantier):
    # No command on main writes yet besides seed_demo (written in parallel): commands
    # act as system_user() through the same services.
    action = ActionFactory(plan__chantier=chantier)

    action_services.log_progress(action, by=system_user(), percent=10, status="on_track")

    assert last_history(action).history_user.username == "systeme"


# --- bulk helpers -------------------------------------------------------------


def test_bulk_recompute_records_the_acting_user_on_every_row(chantier, lead):
    criterion = CriterionFactory(round=RoundFactory(chantier=chantier))
    recs = [RecommendationFactory(chantier=chantier, code=f"R-00{n}") for n in range(1, 4)]
    for n, rec in enumerate(recs, start=1):
        AssessmentFactory(criterion=criterion, recommendation=rec, assessor=lead, score=n)

    changed = rec_services.recompute_priorities(chantier, by=lead, reason="Nouvelle pondération")

    assert changed == 3
    rows = Recommendation.history.filter(history_type="~").order_by("code")
    assert [(h.code, h.history_user, h.history_change_reason, h.score) for h in rows] == [
        ("R-001", lead, "Nouvelle pondération", Decimal("0.00")),
        ("R-002", lead, "Nouvelle pondération", Decimal("25.00")),
        ("R-003", lead, "Nouvelle pondération", Decimal("50.00")),
    ]


# --- timeline -----------------------------------------------------------------


def change_chantier(chantier, *, by, reason, **fields):
    for name, value in fields.items():
        setattr(chantier, name, value)
    stamp(chantier, by=by, reason=reason)
    chantier.save()


def test_timeline_gives_field_changes_with_display_labels(lead):
    organisation = OrganisationFactory(name="Centre québécois de recherche", acronym="CQRDA")
    chantier = Chantier.objects.create(code="energie", name="Énergie", status="planned")

    change_chantier(
        chantier,
        by=lead,
        reason="Lancement du chantier",
        status=Chantier.Status.ACTIVE,
        lead_organisation=organisation,
    )

    newest, creation = object_timeline(chantier)
    assert (newest.kind, newest.user, newest.reason, str(newest.kind_label)) == (
        "~",
        lead,
        "Lancement du chantier",
        "Modification",
    )
    assert newest.changes == [
        Change(field="status", label="statut", old="Prévu", new="Actif"),
        Change(field="lead_organisation", label="organisation responsable", old="—", new="CQRDA"),
    ]
    assert (creation.kind, creation.user, str(creation.kind_label)) == ("+", None, "Création")
    assert [(c.field, c.old, c.new) for c in creation.changes] == [
        ("code", "", "energie"),
        ("name", "", "Énergie"),
        ("status", "", "Prévu"),
        ("reporting_period_days", "", "30"),
        ("p1_threshold", "", "70.00"),
        ("p2_threshold", "", "50.00"),
    ]


def test_timeline_shows_booleans_and_hides_version(chantier, staff):
    action = ActionFactory(plan__chantier=chantier)
    action_services.log_progress(action, by=staff, percent=10, status="on_track")

    update = action_services.record_nothing_new(action, by=staff)

    (entry,) = timeline(ProgressUpdate.history.filter(id=update.pk))
    assert {c.field: c.new for c in entry.changes}["nothing_new"] == "oui"
    nothing_new_entry = object_timeline(action)[0]
    assert (nothing_new_entry.reason, nothing_new_entry.changes) == ("Rien de nouveau.", [])
    assert "version" not in {c.field for e in object_timeline(action) for c in e.changes}


def test_timeline_of_no_records_is_empty(db):
    assert timeline(Chantier.history.none()) == []


@pytest.mark.parametrize("changes", [1, 5])
def test_object_timeline_query_count_is_constant(lead, django_assert_num_queries, changes):
    chantier = Chantier.objects.create(code="energie", name="Énergie", status="planned")
    for n in range(changes):
        change_chantier(
            chantier,
            by=lead,
            reason=f"Changement {n}",
            mandate=f"Mandat, version {n}",
            lead_organisation=OrganisationFactory(),
        )

    with django_assert_num_queries(3):
        entries = object_timeline(chantier)

    assert len(entries) == changes + 1
