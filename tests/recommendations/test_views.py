"""Recommendation pages: who may see and do what, what the pages show, how bad input
and stale edits are refused, and how many queries each page costs."""

from decimal import Decimal

import pytest
from django.urls import reverse

from chantiers.models import Membership
from recommendations import services
from recommendations.models import Recommendation
from tests.factories import (
    ActionFactory,
    ActionRecommendationFactory,
    AssessmentFactory,
    AxisFactory,
    ChantierFactory,
    CriterionFactory,
    DecisionFactory,
    MeetingFactory,
    PlanFactory,
    RecommendationFactory,
    RoundFactory,
    StudyFactory,
    UserFactory,
)

Disposition = Recommendation.Disposition
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
def rec(chantier):
    return RecommendationFactory(
        chantier=chantier,
        code="R-001",
        title="Déployer des capteurs connectés",
        text="Les alumineries devraient suivre leurs procédés en temps réel.",
        source_location="p. 12",
        study=StudyFactory(title="Feuille de route 2030", year=2023),
    )


def url(name, chantier, *args):
    return reverse(name, args=[chantier.code, *args])


def errors_of(response, field):
    """The error messages rendered next to one field of the page's form."""
    form = response.context["form"]
    return list(form.errors.get(field, []))


# ---------------------------------------------------------------------------
# Permission matrix


READ_PAGES = ["recommendation-list", "recommendation-detail"]
EDIT_PAGES = [
    "recommendation-create",
    "recommendation-edit",
    "recommendation-disposition",
    "recommendation-tier",
]


def _page_url(name, chantier, rec):
    if name in ("recommendation-list", "recommendation-create"):
        return url(name, chantier)
    return url(name, chantier, rec.pk)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", READ_PAGES + EDIT_PAGES)
def test_page_permission_matrix(as_role, chantier, rec, role, page):
    expected = (READ if page in READ_PAGES else EDIT_PAGE)[role]

    response = as_role(role).get(_page_url(page, chantier, rec))

    assert response.status_code == expected
    if role == "anonymous":
        assert response.url.startswith("/connexion/?next=")


def _post_payloads(chantier, rec):
    """Per endpoint: a valid payload and a function telling whether it was written."""
    return {
        "recommendation-create": (
            {
                "code": "R-900",
                "title": "Nouvelle recommandation",
                "text": "",
                "source_location": "",
            },
            lambda: Recommendation.objects.filter(chantier=chantier, code="R-900").exists(),
        ),
        "recommendation-edit": (
            {"version": rec.version, "code": rec.code, "title": "Titre corrigé", "text": rec.text},
            lambda: Recommendation.objects.get(pk=rec.pk).title == "Titre corrigé",
        ),
        "recommendation-disposition": (
            {"version": rec.version, "disposition": Disposition.POSTPONED},
            lambda: Recommendation.objects.get(pk=rec.pk).disposition == Disposition.POSTPONED,
        ),
        "recommendation-tier": (
            {"version": rec.version, "tier": "P1", "justification": "Priorité ministérielle."},
            lambda: Recommendation.objects.get(pk=rec.pk).tier_override == "P1",
        ),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", EDIT_PAGES)
def test_post_permission_matrix(as_role, chantier, rec, role, page):
    payload, written = _post_payloads(chantier, rec)[page]
    history_before = Recommendation.history.count()

    response = as_role(role).post(_page_url(page, chantier, rec), payload)

    assert response.status_code == EDIT_POST[role]
    allowed = role in ("admin", "lead")
    assert written() is allowed
    if allowed:
        created = Recommendation.objects.get(chantier=chantier, code=payload.get("code", rec.code))
        assert response.url == url("recommendation-detail", chantier, created.pk)
    else:
        assert Recommendation.history.count() == history_before
    if role == "anonymous":
        assert response.url.startswith("/connexion/?next=")


def test_other_chantier_recommendation_is_404_even_for_lead(client, chantier, lead, other_chantier):
    foreign = RecommendationFactory(chantier=other_chantier)
    client.force_login(lead)

    for name in ["recommendation-detail", "recommendation-edit", "recommendation-disposition"]:
        response = client.get(url(name, chantier, foreign.pk))
        assert response.status_code == 404
    response = client.post(
        url("recommendation-disposition", chantier, foreign.pk),
        {"version": foreign.version, "disposition": Disposition.POSTPONED},
    )

    assert response.status_code == 404
    assert Recommendation.objects.get(pk=foreign.pk).disposition == Disposition.UNDER_REVIEW


def test_lead_of_another_chantier_cannot_edit_here(client, chantier, rec, other_chantier):
    other_lead = UserFactory(username="autre-responsable")
    Membership.objects.create(user=other_lead, chantier=other_chantier, role="lead")
    Membership.objects.create(user=other_lead, chantier=chantier, role="committee")
    client.force_login(other_lead)

    response = client.post(
        url("recommendation-disposition", chantier, rec.pk),
        {"version": rec.version, "disposition": Disposition.POSTPONED},
    )

    assert response.status_code == 403
    assert Recommendation.objects.get(pk=rec.pk).disposition == Disposition.UNDER_REVIEW


# ---------------------------------------------------------------------------
# List


def test_list_filters_awaiting_and_counts_them(client, chantier, lead):
    RecommendationFactory(chantier=chantier, code="R-001")
    RecommendationFactory(chantier=chantier, code="R-002", disposition=Disposition.POSTPONED)
    RecommendationFactory(chantier=chantier, code="R-003")
    client.force_login(lead)

    response = client.get(url("recommendation-list", chantier), {"awaiting": "true"})

    assert [r.code for r in response.context["page_obj"]] == ["R-001", "R-003"]
    assert response.context["awaiting_count"] == 2
    assert "sans décision" in response.content.decode()


def test_list_filters_by_axis_tier_study_and_text(client, chantier, lead):
    axis = AxisFactory(chantier=chantier, name="Cybersécurité")
    study = StudyFactory(title="Diagnostic numérique")
    RecommendationFactory(chantier=chantier, code="R-001", axis=axis, tier="P1", study=study)
    RecommendationFactory(chantier=chantier, code="R-002", axis=axis, tier="P2", study=study)
    RecommendationFactory(chantier=chantier, code="R-003", title="Former la relève", tier="P1")
    client.force_login(lead)

    by_axis_tier = client.get(
        url("recommendation-list", chantier), {"axis": axis.pk, "tier": "P1", "study": study.pk}
    )
    by_text = client.get(url("recommendation-list", chantier), {"q": "relève"})

    assert [r.code for r in by_axis_tier.context["page_obj"]] == ["R-001"]
    assert [r.code for r in by_text.context["page_obj"]] == ["R-003"]


def test_list_axis_of_another_chantier_is_not_a_valid_filter(
    client, chantier, lead, other_chantier
):
    foreign_axis = AxisFactory(chantier=other_chantier)
    RecommendationFactory(chantier=chantier, code="R-001")
    client.force_login(lead)

    response = client.get(url("recommendation-list", chantier), {"axis": foreign_axis.pk})

    assert response.status_code == 200
    assert [r.code for r in response.context["page_obj"]] == ["R-001"]
    assert response.context["filter"].form.errors["axis"] == [
        "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."
    ]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("code", ["R-001", "R-002", "R-003"]),
        ("score", ["R-002", "R-003", "R-001"]),
        ("rank", ["R-002", "R-003", "R-001"]),
        ("bogus", ["R-001", "R-002", "R-003"]),
    ],
)
def test_list_sorts_by_score_rank_or_code_unscored_last(client, chantier, lead, sort, expected):
    RecommendationFactory(chantier=chantier, code="R-001")
    RecommendationFactory(chantier=chantier, code="R-002", score=Decimal("80"), rank=1)
    RecommendationFactory(chantier=chantier, code="R-003", score=Decimal("40"), rank=2)
    client.force_login(lead)

    response = client.get(url("recommendation-list", chantier), {"sort": sort})

    assert [r.code for r in response.context["page_obj"]] == expected


def test_list_paginates_by_25(client, chantier, lead):
    for i in range(1, 28):
        RecommendationFactory(chantier=chantier, code=f"R-{i:03d}")
    client.force_login(lead)

    page2 = client.get(url("recommendation-list", chantier), {"page": 2, "sort": "code"})

    assert [r.code for r in page2.context["page_obj"]] == ["R-026", "R-027"]
    assert page2.context["page_obj"].paginator.count == 27
    assert 'href="?sort=code&amp;page=1"' in page2.content.decode()


def test_list_links_to_the_open_round(client, chantier, lead):
    RoundFactory(chantier=chantier, name="Ronde 2026")
    client.force_login(lead)

    response = client.get(url("recommendation-list", chantier))

    assert reverse("round-workspace", args=[chantier.code]) in response.content.decode()
    assert "Ronde 2026" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 3])
def test_list_query_count_does_not_grow(client, chantier, lead, rows, django_assert_num_queries):
    for i in range(rows):
        RecommendationFactory(chantier=chantier, code=f"R-{i:03d}", tier="P2")
    client.force_login(lead)

    with django_assert_num_queries(11):
        response = client.get(url("recommendation-list", chantier), {"sort": "score"})

    assert len(response.context["page_obj"]) == rows


# ---------------------------------------------------------------------------
# Detail


@pytest.fixture
def scored_rec(chantier, rec, lead, committee_member):
    rnd = RoundFactory(chantier=chantier, name="Ronde 2026")
    impact = CriterionFactory(round=rnd, name="Impact", weight=Decimal("2"), order=1)
    cost = CriterionFactory(round=rnd, name="Coût", direction="lower", order=2)
    AssessmentFactory(criterion=impact, recommendation=rec, assessor=lead, score=5)
    AssessmentFactory(criterion=impact, recommendation=rec, assessor=committee_member, score=2)
    AssessmentFactory(
        criterion=cost, recommendation=rec, assessor=lead, score=2, rationale="Peu coûteux"
    )
    services.recompute_priorities(chantier, by=lead)
    rec.refresh_from_db()
    return rec


def test_detail_shows_source_assessments_actions_decisions_and_history(
    client, chantier, scored_rec, committee_member
):
    rec = scored_rec
    plan = PlanFactory(chantier=chantier)
    ActionRecommendationFactory(
        action=ActionFactory(plan=plan, code="A-01", percent_complete=40), recommendation=rec
    )
    ActionRecommendationFactory(
        action=ActionFactory(plan=plan, code="A-02", percent_complete=70), recommendation=rec
    )
    decision = DecisionFactory(
        meeting=MeetingFactory(chantier=chantier, title="Comité de mars"), text="On retient R-001."
    )
    decision.recommendations.through.objects.create(decision=decision, recommendation=rec)
    client.force_login(committee_member)

    response = client.get(url("recommendation-detail", chantier, rec.pk))

    html = response.content.decode()
    assert "Les alumineries devraient suivre leurs procédés en temps réel." in html
    assert "Feuille de route 2030" in html and "p. 12" in html
    rows = {row["criterion"].name: row for row in response.context["assessment_rows"]}
    assert (rows["Impact"]["mean"], rows["Impact"]["spread"], rows["Impact"]["assessors"]) == (
        Decimal("3.5"),
        3,
        2,
    )
    assert rows["Impact"]["disagreement"] is True
    assert (rows["Coût"]["mean"], rows["Coût"]["spread"], rows["Coût"]["disagreement"]) == (
        Decimal("2"),
        0,
        False,
    )
    assert "Peu coûteux" in html
    assert [link.action.code for link in response.context["action_links"]] == ["A-01", "A-02"]
    assert response.context["progress"].percent == 55
    assert "Moyenne simple de 2 action(s) : A-01 40 %, A-02 70 % → 55 %." in html
    assert "On retient R-001." in html and "Comité de mars" in html
    assert "Recalcul de la priorité" in html  # the history timeline, with the reason
    # Committee members read, but are offered no edit.
    assert url("recommendation-disposition", chantier, rec.pk) not in html


def test_detail_shows_every_merged_source(client, chantier, rec, lead):
    other_study = StudyFactory(title="Diagnostic numérique")
    source = RecommendationFactory(
        chantier=chantier, code="R-002", text="Texte original de R-002", study=other_study
    )
    services.set_disposition(source, by=lead, disposition=Disposition.MERGED, into=rec)
    client.force_login(lead)

    response = client.get(url("recommendation-detail", chantier, rec.pk))

    assert [r.code for r in response.context["merged_sources"]] == ["R-002"]
    html = response.content.decode()
    assert "Texte original de R-002" in html and "Diagnostic numérique" in html


@pytest.mark.parametrize("rows", [1, 3])
def test_detail_query_count_does_not_grow(
    client, chantier, scored_rec, lead, rows, django_assert_num_queries
):
    plan = PlanFactory(chantier=chantier)
    meeting = MeetingFactory(chantier=chantier)
    for i in range(rows):
        ActionRecommendationFactory(
            action=ActionFactory(plan=plan, code=f"A-{i}", owner=UserFactory()),
            recommendation=scored_rec,
        )
        decision = DecisionFactory(meeting=meeting, follow_up_owner=lead)
        decision.recommendations.through.objects.create(
            decision=decision, recommendation=scored_rec
        )
    client.force_login(lead)

    with django_assert_num_queries(20):
        response = client.get(url("recommendation-detail", chantier, scored_rec.pk))

    assert len(response.context["action_links"]) == rows


# ---------------------------------------------------------------------------
# Disposition


def test_not_retained_without_justification_is_refused_next_to_the_field(
    client, chantier, rec, lead
):
    client.force_login(lead)

    response = client.post(
        url("recommendation-disposition", chantier, rec.pk),
        {"version": rec.version, "disposition": Disposition.NOT_RETAINED, "justification": "  "},
    )

    assert response.status_code == 200
    assert errors_of(response, "justification") == [
        "Une justification est requise pour cette décision."
    ]
    assert 'id="id_justification_errors"' in response.content.decode()
    rec.refresh_from_db()
    assert (rec.disposition, rec.version) == (Disposition.UNDER_REVIEW, 1)


def test_not_retained_with_justification_is_recorded_with_its_reason(client, chantier, rec, lead):
    client.force_login(lead)

    response = client.post(
        url("recommendation-disposition", chantier, rec.pk),
        {
            "version": rec.version,
            "disposition": Disposition.NOT_RETAINED,
            "justification": "Hors du mandat du chantier.",
        },
    )

    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.disposition == Disposition.NOT_RETAINED
    assert rec.disposition_justification == "Hors du mandat du chantier."
    last = rec.history.first()
    assert (last.history_user, last.history_change_reason) == (lead, "Hors du mandat du chantier.")


def test_retain_with_another_tier_needs_a_justification(client, chantier, scored_rec, lead):
    other_tier = "P1" if scored_rec.computed_tier != "P1" else "P3"
    client.force_login(lead)

    refused = client.post(
        url("recommendation-disposition", chantier, scored_rec.pk),
        {"version": scored_rec.version, "disposition": Disposition.RETAINED, "tier": other_tier},
    )
    accepted = client.post(
        url("recommendation-disposition", chantier, scored_rec.pk),
        {
            "version": scored_rec.version,
            "disposition": Disposition.RETAINED,
            "tier": other_tier,
            "justification": "Demande du ministère.",
        },
    )

    assert errors_of(refused, "justification") == [
        "Expliquez pourquoi le niveau diffère du niveau calculé."
    ]
    assert accepted.status_code == 302
    scored_rec.refresh_from_db()
    assert (scored_rec.disposition, scored_rec.tier, scored_rec.tier_override) == (
        Disposition.RETAINED,
        other_tier,
        other_tier,
    )


def test_merge_needs_a_target_in_the_same_chantier(client, chantier, rec, lead, other_chantier):
    target = RecommendationFactory(chantier=chantier, code="R-002")
    foreign = RecommendationFactory(chantier=other_chantier, code="R-002")
    client.force_login(lead)
    page = url("recommendation-disposition", chantier, rec.pk)

    missing = client.post(page, {"version": 1, "disposition": Disposition.MERGED})
    elsewhere = client.post(
        page, {"version": 1, "disposition": Disposition.MERGED, "into": foreign.pk}
    )
    merged = client.post(page, {"version": 1, "disposition": Disposition.MERGED, "into": target.pk})

    assert errors_of(missing, "into") == ["Choisissez la recommandation qui absorbe celle-ci."]
    assert errors_of(elsewhere, "into") == [
        "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."
    ]
    assert merged.status_code == 302
    rec.refresh_from_db()
    assert (rec.disposition, rec.merged_into) == (Disposition.MERGED, target)


def test_transfer_copies_the_recommendation_to_the_other_chantier(
    client, chantier, rec, lead, other_chantier
):
    client.force_login(lead)

    response = client.post(
        url("recommendation-disposition", chantier, rec.pk),
        {"version": 1, "disposition": Disposition.TRANSFERRED, "to": other_chantier.pk},
    )

    assert response.status_code == 302
    rec.refresh_from_db()
    assert (rec.disposition, rec.transferred_to) == (Disposition.TRANSFERRED, other_chantier)
    copy = Recommendation.objects.get(chantier=other_chantier)
    assert (copy.code, copy.text, copy.transferred_from) == ("R-001", rec.text, rec)


def test_only_allowed_transitions_are_offered_and_accepted(client, chantier, rec, lead):
    client.force_login(lead)

    page = client.get(url("recommendation-disposition", chantier, rec.pk))
    refused = client.post(
        url("recommendation-disposition", chantier, rec.pk),
        {"version": 1, "disposition": Disposition.IMPLEMENTED},
    )

    offered = [value for value, _label in page.context["form"].fields["disposition"].choices]
    assert offered == ["retained", "postponed", "not_retained", "merged", "transferred"]
    assert errors_of(refused, "disposition") == [
        "Sélectionnez un choix valide. implemented n’en fait pas partie."
    ]
    assert Recommendation.objects.get(pk=rec.pk).disposition == Disposition.UNDER_REVIEW


def test_close_without_implementation_needs_justification(client, chantier, rec, lead):
    services.set_disposition(rec, by=lead, disposition=Disposition.RETAINED)
    services.set_disposition(rec, by=lead, disposition=Disposition.IN_IMPLEMENTATION)
    rec.refresh_from_db()
    client.force_login(lead)
    page = url("recommendation-disposition", chantier, rec.pk)

    refused = client.post(
        page, {"version": rec.version, "disposition": Disposition.CLOSED_UNIMPLEMENTED}
    )
    implemented = client.post(
        page, {"version": rec.version, "disposition": Disposition.IMPLEMENTED}
    )

    assert errors_of(refused, "justification") == [
        "Une justification est requise pour cette décision."
    ]
    assert implemented.status_code == 302
    assert Recommendation.objects.get(pk=rec.pk).disposition == Disposition.IMPLEMENTED


def test_disposition_on_a_stale_version_is_refused_and_shows_what_changed(
    client, chantier, rec, lead, admin_user
):
    client.force_login(lead)
    read_version = rec.version
    services.set_disposition(
        Recommendation.objects.get(pk=rec.pk),
        by=admin_user,
        disposition=Disposition.NOT_RETAINED,
        justification="Décidé en comité restreint.",
    )

    response = client.post(
        url("recommendation-disposition", chantier, rec.pk),
        {"version": read_version, "disposition": Disposition.POSTPONED},
    )

    assert response.status_code == 200
    assert (
        "Quelqu'un d'autre a modifié cet élément" in response.context["form"].non_field_errors()[0]
    )
    [entry] = response.context["stale_entries"]
    assert entry.user == admin_user
    assert [(c.label, c.old, c.new) for c in entry.changes][0] == (
        "décision",
        "À l'étude",
        "Non retenue",
    )
    assert Recommendation.objects.get(pk=rec.pk).disposition == Disposition.NOT_RETAINED


# ---------------------------------------------------------------------------
# Create, edit, tier


def test_create_refuses_a_duplicate_code_and_missing_title(client, chantier, rec, lead):
    client.force_login(lead)

    response = client.post(url("recommendation-create", chantier), {"code": "R-001", "title": ""})
    duplicate = client.post(url("recommendation-create", chantier), {"code": "R-001", "title": "X"})

    assert errors_of(response, "title") == ["Ce champ est obligatoire."]
    assert errors_of(duplicate, "code") == [
        "Ce code de recommandation existe déjà dans ce chantier."
    ]
    assert Recommendation.objects.filter(chantier=chantier).count() == 1


def test_create_records_who_added_it(client, chantier, lead):
    axis = AxisFactory(chantier=chantier)
    client.force_login(lead)

    response = client.post(
        url("recommendation-create", chantier),
        {"code": "R-050", "title": "Nouvelle", "axis": axis.pk, "text": "Verbatim"},
    )

    created = Recommendation.objects.get(chantier=chantier, code="R-050")
    assert response.url == url("recommendation-detail", chantier, created.pk)
    assert (created.axis, created.text, created.disposition) == (
        axis,
        "Verbatim",
        Disposition.UNDER_REVIEW,
    )
    assert created.history.get().history_user == lead


def test_edit_refuses_an_axis_of_another_chantier(client, chantier, rec, lead, other_chantier):
    foreign_axis = AxisFactory(chantier=other_chantier)
    client.force_login(lead)

    response = client.post(
        url("recommendation-edit", chantier, rec.pk),
        {"version": 1, "code": "R-001", "title": "T", "axis": foreign_axis.pk},
    )

    assert errors_of(response, "axis") == [
        "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."
    ]
    assert Recommendation.objects.get(pk=rec.pk).axis == rec.axis


def test_edit_keeps_the_reason_in_history(client, chantier, rec, lead):
    client.force_login(lead)

    client.post(
        url("recommendation-edit", chantier, rec.pk),
        {"version": 1, "code": "R-001", "title": "Titre corrigé", "reason": "Coquille"},
    )

    last = Recommendation.objects.get(pk=rec.pk).history.first()
    assert (last.title, last.history_change_reason, last.history_user) == (
        "Titre corrigé",
        "Coquille",
        lead,
    )


def test_second_of_two_concurrent_edits_is_refused_with_what_changed(
    client, chantier, rec, lead, admin_user
):
    client.force_login(lead)
    form_page = client.get(url("recommendation-edit", chantier, rec.pk))
    read_version = form_page.context["form"].initial["version"]
    first = Recommendation.objects.get(pk=rec.pk)
    services.update_recommendation(
        first, by=admin_user, code="R-001", title="Titre de l'administrateur", text=rec.text
    )

    response = client.post(
        url("recommendation-edit", chantier, rec.pk),
        {"version": read_version, "code": "R-001", "title": "Titre du responsable"},
    )

    assert response.status_code == 200
    [entry] = response.context["stale_entries"]
    assert [(c.label, c.old, c.new) for c in entry.changes] == [
        ("titre", "Déployer des capteurs connectés", "Titre de l'administrateur"),
        ("emplacement dans l'étude", "p. 12", "—"),
        ("axe stratégique", str(rec.axis), "—"),
        ("étude source", str(rec.study), "—"),
    ]
    html = response.content.decode()
    assert "Ce qui a changé depuis votre lecture" in html
    assert Recommendation.objects.get(pk=rec.pk).title == "Titre de l'administrateur"


def test_tier_override_needs_a_justification_and_can_be_removed(client, chantier, scored_rec, lead):
    client.force_login(lead)
    page = url("recommendation-tier", chantier, scored_rec.pk)

    refused = client.post(page, {"version": scored_rec.version, "tier": "P1"})
    imposed = client.post(
        page, {"version": scored_rec.version, "tier": "P1", "justification": "Demande du comité"}
    )
    removed = client.post(page, {"version": scored_rec.version + 1, "tier": ""})

    assert errors_of(refused, "justification") == [
        "Expliquez pourquoi le niveau calculé est remplacé."
    ]
    assert (imposed.status_code, removed.status_code) == (302, 302)
    scored_rec.refresh_from_db()
    assert (scored_rec.tier_override, scored_rec.tier) == ("", scored_rec.computed_tier)
    reasons = [h.history_change_reason for h in scored_rec.history.all()[:2]]
    assert reasons == ["Retour au niveau calculé", "Demande du comité"]


def test_edit_forms_require_the_version_read():
    from recommendations.forms import TierOverrideForm

    form = TierOverrideForm({"tier": ""}, recommendation=Recommendation(computed_tier="P2"))

    assert form.is_valid() is False
    assert form.errors["version"] == ["Ce champ est obligatoire."]


def test_transfer_targets_are_the_other_chantiers_by_name(
    client, chantier, rec, lead, other_chantier
):
    ChantierFactory(code="troisieme", name="Troisième chantier")
    client.force_login(lead)

    response = client.get(url("recommendation-disposition", chantier, rec.pk))

    targets = [str(c) for c in response.context["form"].fields["to"].queryset]
    assert targets == ["Autre chantier", "Troisième chantier"]
