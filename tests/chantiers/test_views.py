"""Home routing, the chantier entry point, and the committee pages (meetings, decisions,
their follow-up): permissions, validation, stale edits and query counts."""

import datetime

import pytest
from django.urls import reverse

from chantiers.models import CommitteeMeeting, Decision, DecisionAction, DecisionRecommendation
from chantiers.services import close_meeting
from dashboards.models import MeetingSnapshot
from tests.factories import (
    ActionFactory,
    ChantierFactory,
    DecisionFactory,
    MeetingFactory,
    MembershipFactory,
    PlanFactory,
    RecommendationFactory,
    UserFactory,
)

ROLES = ["admin", "lead", "committee", "staff", "outsider", "anonymous"]
READ = {
    "admin": 200,
    "lead": 200,
    "committee": 200,
    "staff": 200,
    "outsider": 404,
    "anonymous": 302,
}
EDIT_PAGE = {
    "admin": 200,
    "lead": 200,
    "committee": 403,
    "staff": 403,
    "outsider": 404,
    "anonymous": 302,
}
EDIT_POST = {
    "admin": 302,
    "lead": 302,
    "committee": 403,
    "staff": 403,
    "outsider": 404,
    "anonymous": 302,
}


@pytest.fixture
def users(admin_user, lead, committee_member, staff, outsider):
    return {
        "admin": admin_user,
        "lead": lead,
        "committee": committee_member,
        "staff": staff,
        "outsider": outsider,
        "anonymous": None,
    }


@pytest.fixture
def as_role(client, users):
    def _as(role):
        if users[role] is not None:
            client.force_login(users[role])
        return client

    return _as


@pytest.fixture
def meeting(chantier):
    return MeetingFactory(chantier=chantier, date=datetime.date(2026, 6, 1), title="Comité de juin")


@pytest.fixture
def decision(meeting):
    return DecisionFactory(meeting=meeting, text="Le comité retient R-001.")


def url(name, chantier, *args):
    return reverse(name, args=[chantier.code, *args])


def errors_of(response, field):
    return list(response.context["form"].errors.get(field, []))


# ---------------------------------------------------------------------------
# Home and chantier entry point


def test_home_sends_the_lead_to_recommendations_awaiting_a_disposition(client, chantier, lead):
    client.force_login(lead)

    response = client.get("/")

    assert response.url == f"/c/{chantier.code}/recommandations/?awaiting=true"


def test_home_sends_staff_to_my_actions(client, staff):
    client.force_login(staff)

    assert client.get("/").url == reverse("my-actions")


def test_home_sends_committee_members_to_the_dashboard(client, chantier, committee_member):
    client.force_login(committee_member)

    assert client.get("/").url == reverse("chantier-dashboard", args=[chantier.code])


def test_home_prefers_leading_over_other_roles(client, chantier, other_chantier):
    person = UserFactory(username="polyvalent")
    MembershipFactory(user=person, chantier=other_chantier, role="staff")
    MembershipFactory(user=person, chantier=chantier, role="lead")
    client.force_login(person)

    assert client.get("/").url == f"/c/{chantier.code}/recommandations/?awaiting=true"


def test_home_sends_the_admin_to_the_portfolio_or_the_only_chantier(client, admin_user, chantier):
    client.force_login(admin_user)

    only_one = client.get("/").url
    ChantierFactory()
    several = client.get("/").url

    assert only_one == reverse("chantier-dashboard", args=[chantier.code])
    assert several == reverse("portfolio")


def test_home_explains_what_to_do_to_someone_without_a_role(client, db):
    client.force_login(UserFactory(username="nouveau"))

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "encore de rôle dans aucun chantier" in html
    assert "<code>nouveau</code>" in html


@pytest.mark.parametrize("role", ROLES)
def test_chantier_detail_redirects_readers_to_the_dashboard(as_role, chantier, role):
    response = as_role(role).get(url("chantier-detail", chantier))

    expected = {"outsider": 404}.get(role, 302)
    assert response.status_code == expected
    if role == "anonymous":
        assert response.url.startswith("/connexion/?next=")
    elif expected == 302:
        assert response.url == reverse("chantier-dashboard", args=[chantier.code])


def test_unknown_chantier_is_404(client, lead):
    client.force_login(lead)

    assert client.get("/c/nexiste-pas/").status_code == 404
    assert client.get("/c/nexiste-pas/reunions/").status_code == 404


# ---------------------------------------------------------------------------
# Authentication pages


def test_login_page_renders_in_french_and_signs_in(client, lead):
    page = client.get("/connexion/")
    response = client.post("/connexion/", {"username": "lead", "password": "motdepasse-test"})

    assert "Nom d’utilisateur" in page.content.decode()
    assert response.status_code == 302
    assert response.url == "/"


def test_login_refusal_is_in_french(client, lead):
    response = client.post("/connexion/", {"username": "lead", "password": "mauvais"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Saisissez un nom d’utilisateur et un mot de passe valides. Remarquez que chacun de "
        "ces champs est sensible à la casse (différenciation des majuscules/minuscules)."
    ]


def test_password_change_checks_the_old_password(client, lead):
    client.force_login(lead)

    refused = client.post(
        "/mot-de-passe/",
        {
            "old_password": "faux",
            "new_password1": "Un-nouveau-mot-2026",
            "new_password2": "Un-nouveau-mot-2026",
        },
    )
    changed = client.post(
        "/mot-de-passe/",
        {
            "old_password": "motdepasse-test",
            "new_password1": "Un-nouveau-mot-2026",
            "new_password2": "Un-nouveau-mot-2026",
        },
    )

    assert errors_of(refused, "old_password") == [
        "Votre ancien mot de passe est incorrect. Veuillez le rectifier."
    ]
    assert changed.url == "/mot-de-passe/fait/"
    lead.refresh_from_db()
    assert lead.check_password("Un-nouveau-mot-2026")


def test_logout_signs_out_and_returns_to_login(client, lead):
    client.force_login(lead)

    response = client.post("/deconnexion/")

    assert response.url == "/connexion/"
    assert client.get("/").status_code == 302


# ---------------------------------------------------------------------------
# Permission matrix of the committee pages


READ_PAGES = ["meeting-list", "meeting-detail"]
EDIT_PAGES = [
    "meeting-create",
    "meeting-edit",
    "meeting-close",
    "decision-create",
    "decision-edit",
    "decision-follow-up",
]


def _page_url(name, chantier, meeting, decision):
    if name in ("meeting-list", "meeting-create"):
        return url(name, chantier)
    if name.startswith("decision-") and name != "decision-create":
        return url(name, chantier, decision.pk)
    return url(name, chantier, meeting.pk)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", READ_PAGES + EDIT_PAGES)
def test_page_permission_matrix(as_role, chantier, meeting, decision, role, page):
    expected = (READ if page in READ_PAGES else EDIT_PAGE)[role]

    response = as_role(role).get(_page_url(page, chantier, meeting, decision))

    assert response.status_code == expected
    if role == "anonymous":
        assert response.url.startswith("/connexion/?next=")


def _post_payloads(chantier, meeting, decision):
    """Per endpoint: a valid payload and a function telling whether it was written."""
    return {
        "meeting-create": (
            {"date": "2026-09-15", "title": "Comité de septembre", "minutes": ""},
            lambda: CommitteeMeeting.objects.filter(title="Comité de septembre").exists(),
        ),
        "meeting-edit": (
            {"version": 1, "date": "2026-06-01", "title": "Comité de juin (corrigé)"},
            lambda: CommitteeMeeting.objects.get(pk=meeting.pk).title == "Comité de juin (corrigé)",
        ),
        "meeting-close": (
            {},
            lambda: CommitteeMeeting.objects.get(pk=meeting.pk).is_closed,
        ),
        "decision-create": (
            {"kind": "information", "text": "Présentation du plan."},
            lambda: Decision.objects.filter(text="Présentation du plan.").exists(),
        ),
        "decision-edit": (
            {"version": 1, "kind": "decision", "text": "Texte corrigé."},
            lambda: Decision.objects.get(pk=decision.pk).text == "Texte corrigé.",
        ),
        "decision-follow-up": (
            {"version": 1, "status": "in_progress", "follow_up": "Mandat confié au CQRDA."},
            lambda: Decision.objects.get(pk=decision.pk).status == "in_progress",
        ),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", EDIT_PAGES)
def test_post_permission_matrix(as_role, chantier, meeting, decision, role, page):
    payload, written = _post_payloads(chantier, meeting, decision)[page]
    counts_before = (
        CommitteeMeeting.history.count(),
        Decision.history.count(),
        MeetingSnapshot.objects.count(),
    )

    response = as_role(role).post(_page_url(page, chantier, meeting, decision), payload)

    assert response.status_code == EDIT_POST[role]
    allowed = role in ("admin", "lead")
    assert written() is allowed
    if not allowed:
        assert (
            CommitteeMeeting.history.count(),
            Decision.history.count(),
            MeetingSnapshot.objects.count(),
        ) == counts_before
    if role == "anonymous":
        assert response.url.startswith("/connexion/?next=")


def test_another_chantiers_meeting_and_decision_are_404(client, chantier, lead, other_chantier):
    foreign_meeting = MeetingFactory(chantier=other_chantier)
    foreign_decision = DecisionFactory(meeting=foreign_meeting)
    client.force_login(lead)

    pages = [
        url("meeting-detail", chantier, foreign_meeting.pk),
        url("meeting-edit", chantier, foreign_meeting.pk),
        url("meeting-close", chantier, foreign_meeting.pk),
        url("decision-create", chantier, foreign_meeting.pk),
        url("decision-edit", chantier, foreign_decision.pk),
        url("decision-follow-up", chantier, foreign_decision.pk),
    ]

    assert [client.get(page).status_code for page in pages] == [404] * 6
    assert client.post(pages[2]).status_code == 404
    assert CommitteeMeeting.objects.get(pk=foreign_meeting.pk).is_closed is False


# ---------------------------------------------------------------------------
# Meetings


def test_meeting_list_shows_counts_and_decisions_to_follow(client, chantier, meeting, lead):
    DecisionFactory(meeting=meeting, text="À suivre A", status="open")
    DecisionFactory(meeting=meeting, text="Réalisée B", status="done")
    client.force_login(lead)

    response = client.get(url("meeting-list", chantier))

    [row] = response.context["meetings"]
    assert (row.decision_count, row.open_decision_count) == (2, 1)
    assert [d.text for d in response.context["open_decisions"]] == ["À suivre A"]


def test_meeting_detail_shows_decisions_links_and_earlier_ones_to_follow(
    client, chantier, meeting, committee_member
):
    earlier = MeetingFactory(chantier=chantier, date=datetime.date(2026, 3, 1))
    DecisionFactory(meeting=earlier, text="Décision de mars toujours ouverte")
    decision = DecisionFactory(meeting=meeting, text="Décision de juin")
    rec = RecommendationFactory(chantier=chantier, code="R-007")
    DecisionRecommendation.objects.create(decision=decision, recommendation=rec)
    client.force_login(committee_member)

    response = client.get(url("meeting-detail", chantier, meeting.pk))

    html = response.content.decode()
    assert [d.text for d in response.context["decisions"]] == ["Décision de juin"]
    assert [d.text for d in response.context["earlier_decisions"]] == [
        "Décision de mars toujours ouverte"
    ]
    assert reverse("recommendation-detail", args=[chantier.code, rec.pk]) in html
    assert url("decision-create", chantier, meeting.pk) not in html  # committee: read only


def test_meeting_create_refuses_missing_date_and_title_in_french(client, chantier, lead):
    client.force_login(lead)

    response = client.post(url("meeting-create", chantier), {"date": "pas une date", "title": ""})

    assert errors_of(response, "date") == ["Saisissez une date valide."]
    assert errors_of(response, "title") == ["Ce champ est obligatoire."]
    assert CommitteeMeeting.objects.count() == 0


def test_meeting_create_records_who_scheduled_it(client, chantier, lead):
    client.force_login(lead)

    response = client.post(
        url("meeting-create", chantier), {"date": "2026-09-15", "title": "Comité de septembre"}
    )

    created = CommitteeMeeting.objects.get(chantier=chantier)
    assert response.url == url("meeting-detail", chantier, created.pk)
    assert (created.date, created.history.get().history_user) == (datetime.date(2026, 9, 15), lead)


def test_meeting_edit_refuses_a_date_after_its_decisions_due_dates(client, chantier, meeting, lead):
    DecisionFactory(meeting=meeting, due_date=datetime.date(2026, 7, 1))
    client.force_login(lead)

    response = client.post(
        url("meeting-edit", chantier, meeting.pk),
        {"version": 1, "date": "2026-08-01", "title": meeting.title},
    )

    assert errors_of(response, "date") == [
        "Des décisions de cette réunion ont une échéance antérieure à cette date."
    ]
    assert CommitteeMeeting.objects.get(pk=meeting.pk).date == datetime.date(2026, 6, 1)


def test_second_of_two_concurrent_meeting_edits_is_refused(
    client, chantier, meeting, lead, admin_user
):
    client.force_login(lead)
    read_version = (
        client.get(url("meeting-edit", chantier, meeting.pk)).context["form"].initial["version"]
    )
    other = CommitteeMeeting.objects.get(pk=meeting.pk)
    other.minutes = "Procès-verbal de l'administrateur"
    other._history_user = admin_user
    other.save()

    response = client.post(
        url("meeting-edit", chantier, meeting.pk),
        {"version": read_version, "date": "2026-06-01", "title": "Titre du responsable"},
    )

    assert response.status_code == 200
    [entry] = response.context["stale_entries"]
    assert [(c.label, c.new) for c in entry.changes] == [
        ("procès-verbal", "Procès-verbal de l'administrateur")
    ]
    assert CommitteeMeeting.objects.get(pk=meeting.pk).title == "Comité de juin"


def test_closing_a_meeting_freezes_a_snapshot_and_locks_it(client, chantier, meeting, lead):
    RecommendationFactory(chantier=chantier)
    client.force_login(lead)

    response = client.post(url("meeting-close", chantier, meeting.pk))
    again = client.post(url("meeting-close", chantier, meeting.pk))
    edit = client.get(url("meeting-edit", chantier, meeting.pk))
    new_decision = client.post(
        url("decision-create", chantier, meeting.pk), {"kind": "decision", "text": "Trop tard"}
    )

    assert response.url == url("meeting-detail", chantier, meeting.pk)
    snapshot = MeetingSnapshot.objects.get(meeting=meeting)
    assert (snapshot.taken_by, snapshot.figures["recommendations"]) == (lead, 1)
    assert again.status_code == 200
    assert again.context["error"] == "Cette réunion est déjà fermée."
    assert edit.url == url("meeting-detail", chantier, meeting.pk)
    assert new_decision.url == url("meeting-detail", chantier, meeting.pk)
    assert Decision.objects.filter(text="Trop tard").exists() is False


# ---------------------------------------------------------------------------
# Decisions


def test_decision_links_recommendations_and_actions_with_history(
    client, chantier, meeting, lead, staff
):
    rec = RecommendationFactory(chantier=chantier, code="R-001")
    action = ActionFactory(plan=PlanFactory(chantier=chantier), code="A-01")
    client.force_login(lead)

    response = client.post(
        url("decision-create", chantier, meeting.pk),
        {
            "kind": "new_action",
            "text": "Créer une action de veille.",
            "recommendations": [rec.pk],
            "actions": [action.pk],
            "follow_up_owner": staff.pk,
            "due_date": "2026-09-30",
        },
    )

    assert response.url == url("meeting-detail", chantier, meeting.pk)
    decision = Decision.objects.get(text="Créer une action de veille.")
    assert (decision.kind, decision.follow_up_owner, decision.due_date) == (
        "new_action",
        staff,
        datetime.date(2026, 9, 30),
    )
    assert list(decision.recommendations.all()) == [rec]
    assert list(decision.actions.all()) == [action]
    assert DecisionRecommendation.history.get().history_user == lead
    assert DecisionAction.history.get().history_user == lead


def test_decision_refuses_foreign_links_outsider_owner_and_early_due_date(
    client, chantier, meeting, lead, outsider, other_chantier
):
    foreign_rec = RecommendationFactory(chantier=other_chantier)
    client.force_login(lead)

    response = client.post(
        url("decision-create", chantier, meeting.pk),
        {
            "kind": "decision",
            "text": "",
            "recommendations": [foreign_rec.pk],
            "follow_up_owner": outsider.pk,
            "due_date": "2026-01-01",
        },
    )

    assert response.status_code == 200
    assert errors_of(response, "text") == ["Ce champ est obligatoire."]
    assert errors_of(response, "recommendations") == [
        f"Sélectionnez un choix valide. {foreign_rec.pk} n’en fait pas partie."
    ]
    assert errors_of(response, "follow_up_owner") == [
        "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."
    ]
    assert Decision.objects.count() == 0


def test_decision_due_date_before_the_meeting_is_refused_next_to_the_field(
    client, chantier, meeting, lead
):
    client.force_login(lead)

    response = client.post(
        url("decision-create", chantier, meeting.pk),
        {"kind": "decision", "text": "Texte", "due_date": "2026-05-01"},
    )

    assert errors_of(response, "due_date") == [
        "L'échéance ne peut précéder la date de la réunion (2026-06-01)."
    ]
    assert Decision.objects.count() == 0


def test_decision_edit_replaces_links_one_by_one(client, chantier, meeting, decision, lead):
    kept = RecommendationFactory(chantier=chantier, code="R-001")
    dropped = RecommendationFactory(chantier=chantier, code="R-002")
    added = RecommendationFactory(chantier=chantier, code="R-003")
    DecisionRecommendation.objects.create(decision=decision, recommendation=kept)
    DecisionRecommendation.objects.create(decision=decision, recommendation=dropped)
    client.force_login(lead)

    response = client.post(
        url("decision-edit", chantier, decision.pk),
        {
            "version": 1,
            "kind": "decision",
            "text": decision.text,
            "recommendations": [kept.pk, added.pk],
            "reason": "Ajout de R-003",
        },
    )

    assert response.status_code == 302
    assert sorted(r.code for r in decision.recommendations.all()) == ["R-001", "R-003"]
    deleted = DecisionRecommendation.history.filter(history_type="-").get()
    assert (deleted.recommendation_id, deleted.history_change_reason) == (
        dropped.pk,
        "Ajout de R-003",
    )


def test_follow_up_of_a_cancelled_decision_needs_an_explanation(client, chantier, decision, lead):
    client.force_login(lead)
    page = url("decision-follow-up", chantier, decision.pk)

    refused = client.post(page, {"version": 1, "status": "cancelled", "follow_up": ""})
    done = client.post(page, {"version": 1, "status": "done", "follow_up": "Fait en juillet."})

    assert errors_of(refused, "follow_up") == ["Expliquez pourquoi la décision est annulée."]
    assert done.status_code == 302
    decision.refresh_from_db()
    assert (decision.status, decision.follow_up) == ("done", "Fait en juillet.")


def test_follow_up_stays_possible_after_the_meeting_is_closed(
    client, chantier, meeting, decision, lead
):
    close_meeting(meeting, by=lead)
    client.force_login(lead)

    edit = client.get(url("decision-edit", chantier, decision.pk))
    follow_up = client.post(
        url("decision-follow-up", chantier, decision.pk),
        {"version": 1, "status": "in_progress", "follow_up": "En cours."},
    )

    assert edit.url == url("decision-follow-up", chantier, decision.pk)
    assert follow_up.status_code == 302
    assert Decision.objects.get(pk=decision.pk).status == "in_progress"


def test_stale_follow_up_is_refused_with_what_changed(client, chantier, decision, lead, admin_user):
    from chantiers.services import follow_up_decision

    follow_up_decision(
        Decision.objects.get(pk=decision.pk), by=admin_user, status="done", follow_up="Réglé."
    )
    client.force_login(lead)

    response = client.post(
        url("decision-follow-up", chantier, decision.pk),
        {"version": 1, "status": "cancelled", "follow_up": "Abandonné."},
    )

    assert response.status_code == 200
    [entry] = response.context["stale_entries"]
    assert [(c.label, c.old, c.new) for c in entry.changes] == [
        ("statut", "À suivre", "Réalisée"),
        ("suivi", "—", "Réglé."),
    ]
    assert Decision.objects.get(pk=decision.pk).status == "done"


# ---------------------------------------------------------------------------
# Query counts


@pytest.mark.parametrize("rows", [1, 3])
def test_meeting_list_query_count_does_not_grow(
    client, chantier, lead, rows, django_assert_num_queries
):
    for i in range(rows):
        m = MeetingFactory(chantier=chantier, date=datetime.date(2026, 1 + i, 1))
        DecisionFactory(meeting=m, follow_up_owner=lead)
    client.force_login(lead)

    with django_assert_num_queries(7):
        response = client.get(url("meeting-list", chantier))

    assert len(response.context["meetings"]) == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_meeting_detail_query_count_does_not_grow(
    client, chantier, meeting, lead, rows, django_assert_num_queries
):
    plan = PlanFactory(chantier=chantier)
    earlier = MeetingFactory(chantier=chantier, date=datetime.date(2026, 1, 1))
    for _i in range(rows):
        d = DecisionFactory(meeting=meeting, follow_up_owner=UserFactory())
        DecisionRecommendation.objects.create(
            decision=d, recommendation=RecommendationFactory(chantier=chantier)
        )
        DecisionAction.objects.create(decision=d, action=ActionFactory(plan=plan))
        DecisionFactory(meeting=earlier, follow_up_owner=UserFactory())
    client.force_login(lead)

    with django_assert_num_queries(12):
        response = client.get(url("meeting-detail", chantier, meeting.pk))

    assert len(response.context["decisions"]) == rows


def test_language_switch_works_before_signing_in(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/connexion/"})
    page = client.get("/connexion/")

    assert response.url == "/connexion/"
    assert "Sign in" in page.content.decode()
