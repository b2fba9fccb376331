"""Action pages: who may open and post what (DESIGN §5), what the pages cost in
queries, the 30-second progress form and its validation, and stale edits."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from actions import services
from actions.models import (
    Action,
    ActionPartner,
    ActionPlan,
    ActionRecommendation,
    Indicator,
    Measurement,
    Milestone,
    ProgressUpdate,
)
from chantiers.models import Membership
from tests.factories import (
    ActionFactory,
    ActionRecommendationFactory,
    AxisFactory,
    IndicatorFactory,
    MeetingFactory,
    MembershipFactory,
    MilestoneFactory,
    OrganisationFactory,
    PartnerFactory,
    PlanFactory,
    RecommendationFactory,
    UserFactory,
)

TRACKED = [
    Action,
    ActionPartner,
    ActionPlan,
    ActionRecommendation,
    Indicator,
    Measurement,
    Milestone,
    ProgressUpdate,
]


def snapshot():
    """Every row and every history row of the action models, with their versions."""
    state = {}
    for model in TRACKED:
        state[model.__name__] = sorted(
            model.objects.values_list("pk", *(["version"] if hasattr(model, "version") else []))
        )
        state[f"{model.__name__} history"] = model.history.count()
    return state


@pytest.fixture
def other_staff(chantier):
    return MembershipFactory(
        user=UserFactory(username="staff2"), chantier=chantier, role=Membership.Role.STAFF
    ).user


@pytest.fixture
def world(chantier, staff):
    """One plan with one action owned by `staff`, and one of everything on it."""
    plan = PlanFactory(chantier=chantier)
    axis = AxisFactory(chantier=chantier)
    action = ActionFactory(plan=plan, owner=staff, axis=axis, code="A-01")
    return {
        "chantier": chantier,
        "plan": plan,
        "axis": axis,
        "action": action,
        "partner": PartnerFactory(action=action),
        "link": ActionRecommendationFactory(action=action),
        "milestone": MilestoneFactory(action=action, due_date=datetime.date(2026, 9, 30)),
        "indicator": IndicatorFactory(chantier=chantier, action=action),
        "meeting": MeetingFactory(chantier=chantier),
        "organisation": OrganisationFactory(name="CQRDA", acronym="CQRDA"),
        "recommendation": RecommendationFactory(chantier=chantier, axis=axis),
    }


def _a(w, name, **more):
    """URL of an action sub-page."""
    return reverse(name, kwargs={"code": w["chantier"].code, "pk": w["action"].pk, **more})


def _p(w, name):
    return reverse(name, kwargs={"code": w["chantier"].code, "pk": w["plan"].pk})


def _c(w, name):
    return reverse(name, kwargs={"code": w["chantier"].code})


TODAY = datetime.date.today().isoformat()

# (name, method, url(w), data(w), kind). kind: "read" (everyone in the chantier),
# "edit" (lead and admin), "log" (lead, admin and the staff member who owns the action).
ENDPOINTS = [
    ("plan-list", "get", lambda w: _c(w, "plan-list"), None, "read"),
    ("plan-detail", "get", lambda w: _p(w, "plan-detail"), None, "read"),
    (
        "plan-detail by status",
        "get",
        lambda w: _p(w, "plan-detail") + "?groupe=statut",
        None,
        "read",
    ),
    ("action-list", "get", lambda w: _c(w, "action-list"), None, "read"),
    ("action-detail", "get", lambda w: _a(w, "action-detail"), None, "read"),
    ("plan-create", "get", lambda w: _c(w, "plan-create"), None, "edit"),
    (
        "plan-create",
        "post",
        lambda w: _c(w, "plan-create"),
        lambda w: {"title": "Plan 2027", "plan_version": "2.0"},
        "edit",
    ),
    ("plan-edit", "get", lambda w: _p(w, "plan-edit"), None, "edit"),
    (
        "plan-edit",
        "post",
        lambda w: _p(w, "plan-edit"),
        lambda w: {"title": "Plan révisé", "plan_version": "1.1", "version": 1},
        "edit",
    ),
    ("plan-approve", "get", lambda w: _p(w, "plan-approve"), None, "edit"),
    (
        "plan-approve",
        "post",
        lambda w: _p(w, "plan-approve"),
        lambda w: {"meeting": w["meeting"].pk, "version": 1},
        "edit",
    ),
    ("action-create", "get", lambda w: _c(w, "action-create"), None, "edit"),
    (
        "action-create",
        "post",
        lambda w: _c(w, "action-create"),
        lambda w: {
            "plan": w["plan"].pk,
            "code": "A-99",
            "title": "Nouvelle",
            "budget_planned": "0",
            "budget_spent": "0",
        },
        "edit",
    ),
    ("action-edit", "get", lambda w: _a(w, "action-edit"), None, "edit"),
    (
        "action-edit",
        "post",
        lambda w: _a(w, "action-edit"),
        lambda w: {
            "plan": w["plan"].pk,
            "code": "A-01",
            "title": "Titre révisé",
            "budget_planned": "1000",
            "budget_spent": "0",
            "version": 1,
        },
        "edit",
    ),
    ("action-partner-add", "get", lambda w: _a(w, "action-partner-add"), None, "edit"),
    (
        "action-partner-add",
        "post",
        lambda w: _a(w, "action-partner-add"),
        lambda w: {"organisation": w["organisation"].pk, "role": "funder", "stage": "approached"},
        "edit",
    ),
    (
        "action-partner-edit",
        "get",
        lambda w: _a(w, "action-partner-edit", partner_pk=w["partner"].pk),
        None,
        "edit",
    ),
    (
        "action-partner-edit",
        "post",
        lambda w: _a(w, "action-partner-edit", partner_pk=w["partner"].pk),
        lambda w: {
            "organisation": w["partner"].organisation_id,
            "role": "contributor",
            "stage": "committed",
            "version": 1,
        },
        "edit",
    ),
    (
        "action-partner-remove",
        "get",
        lambda w: _a(w, "action-partner-remove", partner_pk=w["partner"].pk),
        None,
        "edit",
    ),
    (
        "action-partner-remove",
        "post",
        lambda w: _a(w, "action-partner-remove", partner_pk=w["partner"].pk),
        lambda w: {"reason": "Retrait"},
        "edit",
    ),
    (
        "action-link-add",
        "post",
        lambda w: _a(w, "action-link-add"),
        lambda w: {"recommendation": w["recommendation"].pk, "contribution": "En partie"},
        "edit",
    ),
    (
        "action-link-remove",
        "post",
        lambda w: _a(w, "action-link-remove", link_pk=w["link"].pk),
        lambda w: {},
        "edit",
    ),
    ("action-milestone-add", "get", lambda w: _a(w, "action-milestone-add"), None, "edit"),
    (
        "action-milestone-add",
        "post",
        lambda w: _a(w, "action-milestone-add"),
        lambda w: {"title": "Atelier", "due_date": "2026-12-01"},
        "edit",
    ),
    (
        "action-milestone-edit",
        "get",
        lambda w: _a(w, "action-milestone-edit", milestone_pk=w["milestone"].pk),
        None,
        "edit",
    ),
    (
        "action-milestone-edit",
        "post",
        lambda w: _a(w, "action-milestone-edit", milestone_pk=w["milestone"].pk),
        lambda w: {"title": "Atelier reporté", "due_date": "2026-12-15", "version": 1},
        "edit",
    ),
    (
        "action-milestone-remove",
        "get",
        lambda w: _a(w, "action-milestone-remove", milestone_pk=w["milestone"].pk),
        None,
        "edit",
    ),
    (
        "action-milestone-remove",
        "post",
        lambda w: _a(w, "action-milestone-remove", milestone_pk=w["milestone"].pk),
        lambda w: {"reason": ""},
        "edit",
    ),
    ("action-indicator-add", "get", lambda w: _a(w, "action-indicator-add"), None, "edit"),
    (
        "action-indicator-add",
        "post",
        lambda w: _a(w, "action-indicator-add"),
        lambda w: {
            "name": "Entreprises jointes",
            "unit": "entreprises",
            "baseline": "0",
            "target": "40",
        },
        "edit",
    ),
    (
        "action-indicator-edit",
        "get",
        lambda w: _a(w, "action-indicator-edit", indicator_pk=w["indicator"].pk),
        None,
        "edit",
    ),
    (
        "action-indicator-edit",
        "post",
        lambda w: _a(w, "action-indicator-edit", indicator_pk=w["indicator"].pk),
        lambda w: {"name": "Taux", "unit": "%", "baseline": "10", "target": "60", "version": 1},
        "edit",
    ),
    (
        "action-log-progress",
        "post",
        lambda w: _a(w, "action-log-progress"),
        lambda w: {f"a{w['action'].pk}-percent": "30", f"a{w['action'].pk}-status": "on_track"},
        "log",
    ),
    ("action-nothing-new", "post", lambda w: _a(w, "action-nothing-new"), lambda w: {}, "log"),
    (
        "action-milestone-reach",
        "post",
        lambda w: _a(w, "action-milestone-reach", milestone_pk=w["milestone"].pk),
        lambda w: {},
        "log",
    ),
    (
        "action-measurement-add",
        "post",
        lambda w: _a(w, "action-measurement-add", indicator_pk=w["indicator"].pk),
        lambda w: {f"i{w['indicator'].pk}-value": "25", f"i{w['indicator'].pk}-date": TODAY},
        "log",
    ),
]

ROLES = ["admin", "lead", "committee", "staff_owner", "staff_not_owner", "outsider", "anonymous"]
ALLOWED = {
    "read": {"admin", "lead", "committee", "staff_owner", "staff_not_owner"},
    "edit": {"admin", "lead"},
    "log": {"admin", "lead", "staff_owner"},
}


def _expected(kind, method, role):
    if role == "anonymous":
        return "login"
    if role == "outsider":
        return 404
    if role in ALLOWED[kind]:
        return 200 if method == "get" else "redirect"
    return 403


@pytest.fixture
def as_role(request, client, admin_user, lead, committee_member, staff, other_staff, outsider):
    def _login(role):
        user = {
            "admin": admin_user,
            "lead": lead,
            "committee": committee_member,
            "staff_owner": staff,
            "staff_not_owner": other_staff,
            "outsider": outsider,
            "anonymous": None,
        }[role]
        if user is not None:
            client.force_login(user)
        return client

    return _login


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name,method,url,data,kind",
    ENDPOINTS,
    ids=[f"{e[1]} {e[0]}" for e in ENDPOINTS],
)
def test_permission_matrix(world, as_role, role, name, method, url, data, kind):
    client = as_role(role)
    target = url(world)
    before = snapshot()

    if method == "get":
        response = client.get(target)
    else:
        response = client.post(target, data(world))

    expected = _expected(kind, method, role)
    if expected == "login":
        assert response.status_code == 302
        assert response.url == f"/connexion/?next={target.replace('?', '%3F').replace('=', '%3D')}"
        assert snapshot() == before
    elif expected == "redirect":
        assert response.status_code == 302, response.content.decode()[:3000]
        assert response.url.startswith(f"/c/{world['chantier'].code}/")
        assert snapshot() != before
    else:
        assert response.status_code == expected
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_my_actions_is_open_to_every_signed_in_user(world, as_role, role):
    client = as_role(role)

    response = client.get(reverse("my-actions"))

    if role == "anonymous":
        assert (response.status_code, response.url) == (302, "/connexion/?next=/mes-actions/")
    else:
        assert response.status_code == 200
        codes = [r["action"].code for r in response.context["open_rows"]]
        assert codes == (["A-01"] if role == "staff_owner" else [])


def test_get_on_post_only_endpoints_is_refused(world, as_role):
    client = as_role("lead")

    response = client.get(_a(world, "action-log-progress"))

    assert response.status_code == 405


# --- Query counts: the same literal number for 1 and 3 rows ------------------------


def _fill_action(action, n, *, by):
    """n partners, recommendation links, milestones, indicators (each with n
    measurements) and progress updates on `action`, written through the services so
    that history rows name a user."""
    for i in range(n):
        services.add_partner(
            action,
            by=by,
            organisation=OrganisationFactory(),
            role="contributor",
            contribution_kind="money",
            contribution_amount=Decimal("1000"),
        )
        services.link_recommendation(
            action, recommendation=RecommendationFactory(chantier=action.chantier), by=by
        )
        services.add_milestone(
            action, by=by, title=f"Jalon {i}", due_date=datetime.date(2026, 9, 1)
        )
        indicator = services.add_indicator(
            action, by=by, name=f"Indicateur {i}", unit="%", baseline=Decimal(0), target=Decimal(50)
        )
        for j in range(n):
            services.record_measurement(
                indicator, by=by, date=datetime.date(2026, 1, 1 + j), value=Decimal(j)
            )
        services.log_progress(action, by=by, percent=10 * (i + 1), status="on_track")


def _actions(chantier, n, *, owner, lead):
    plan = PlanFactory(chantier=chantier)
    result = []
    for i in range(n):
        action = services.create_action(
            plan,
            by=lead,
            code=f"A-{i:02d}",
            title=f"Action {i}",
            owner=owner,
            axis=AxisFactory(chantier=chantier),
            lead_organisation=OrganisationFactory(),
        )
        services.log_progress(action, by=owner, percent=10, status="on_track")
        services.add_milestone(action, by=lead, title="Jalon", due_date=datetime.date(2026, 9, 1))
        indicator = services.add_indicator(
            action, by=lead, name="Taux", unit="%", baseline=Decimal(0), target=Decimal(50)
        )
        services.record_measurement(indicator, by=owner, date=datetime.date(2026, 1, 1), value=1)
        result.append(action)
    return plan, result


@pytest.mark.parametrize("n", [1, 3])
def test_action_detail_query_count_does_not_grow(
    client, chantier, lead, staff, n, django_assert_num_queries
):
    plan, (action,) = _actions(chantier, 1, owner=staff, lead=lead)
    _fill_action(action, n, by=lead)
    client.force_login(lead)

    with django_assert_num_queries(38):
        response = client.get(_a({"chantier": chantier, "action": action}, "action-detail"))

    assert response.status_code == 200
    assert len(response.context["partners"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_action_list_query_count_does_not_grow(
    client, chantier, lead, staff, n, django_assert_num_queries
):
    _actions(chantier, n, owner=staff, lead=lead)
    client.force_login(lead)

    with django_assert_num_queries(11):
        response = client.get(reverse("action-list", args=[chantier.code]) + "?sort=-echeance")

    assert response.status_code == 200
    assert len(response.context["page"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_plan_list_query_count_does_not_grow(
    client, chantier, lead, staff, n, django_assert_num_queries
):
    for _i in range(n):
        plan = PlanFactory(chantier=chantier, approved_by_meeting=MeetingFactory(chantier=chantier))
        ActionFactory(plan=plan)
    client.force_login(lead)

    with django_assert_num_queries(6):
        response = client.get(reverse("plan-list", args=[chantier.code]))

    assert response.status_code == 200
    assert [p.action_count for p in response.context["plans"]] == [1] * n


@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize("grouping", ["axe", "statut"])
def test_plan_detail_query_count_does_not_grow(
    client, chantier, lead, staff, n, grouping, django_assert_num_queries
):
    plan, _actions_ = _actions(chantier, n, owner=staff, lead=lead)
    client.force_login(lead)

    with django_assert_num_queries(9):
        response = client.get(
            reverse("plan-detail", args=[chantier.code, plan.pk]) + f"?groupe={grouping}"
        )

    assert response.status_code == 200
    assert response.context["action_count"] == n


@pytest.mark.parametrize("n", [1, 3])
def test_my_actions_query_count_does_not_grow(
    client, chantier, lead, staff, n, django_assert_num_queries
):
    _actions(chantier, n, owner=staff, lead=lead)
    client.force_login(staff)

    with django_assert_num_queries(9):
        response = client.get(reverse("my-actions"))

    assert response.status_code == 200
    assert len(response.context["open_rows"]) == n


# --- Scoping: another chantier's (or another action's) objects are 404 ---------------


def test_action_of_another_chantier_is_404_even_for_its_url_in_my_chantier(
    client, world, lead, other_chantier
):
    foreign = ActionFactory(plan=PlanFactory(chantier=other_chantier))
    client.force_login(lead)

    response = client.get(reverse("action-detail", args=[world["chantier"].code, foreign.pk]))

    assert response.status_code == 404


def test_partner_of_another_action_is_404(client, world, lead):
    other_action = ActionFactory(plan=world["plan"], code="A-02")
    partner = PartnerFactory(action=other_action)
    client.force_login(lead)
    before = snapshot()

    response = client.post(
        _a(world, "action-partner-remove", partner_pk=partner.pk), {"reason": "x"}
    )

    assert response.status_code == 404
    assert snapshot() == before


def test_link_form_offers_only_this_chantiers_recommendations(client, world, lead, other_chantier):
    foreign = RecommendationFactory(chantier=other_chantier)
    client.force_login(lead)
    before = snapshot()

    response = client.post(_a(world, "action-link-add"), {"recommendation": foreign.pk})

    assert response.status_code == 200
    assert response.context["link_form"].errors == {
        "recommendation": [
            "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."
        ]
    }
    assert snapshot() == before


# --- The 30-second progress form ----------------------------------------------------


def _progress(w, **fields):
    prefix = f"a{w['action'].pk}-"
    return {prefix + k: v for k, v in fields.items()}


@pytest.fixture
def started(world, staff):
    """The world's action at 40 %, on track."""
    services.log_progress(world["action"], by=staff, percent=40, status="on_track")
    world["action"].refresh_from_db()
    return world


def test_log_progress_from_my_actions_updates_the_action_and_returns_there(client, started, staff):
    client.force_login(staff)

    response = client.post(
        _a(started, "action-log-progress"),
        {
            "from": "mine",
            **_progress(
                started,
                percent="55",
                status="on_track",
                comment="Atelier tenu",
                blockers="",
                evidence_url="https://example.org/cr.pdf",
            ),
        },
    )

    action = Action.objects.get(pk=started["action"].pk)
    update = ProgressUpdate.objects.filter(action=action).first()
    assert response.status_code == 302
    assert response.url == f"/mes-actions/#action-{action.pk}"
    assert (action.percent_complete, action.status) == (55, "on_track")
    assert (update.percent_complete, update.comment, update.evidence_url, update.author) == (
        55,
        "Atelier tenu",
        "https://example.org/cr.pdf",
        staff,
    )


def test_percent_drop_without_comment_is_refused_next_to_the_comment(client, started, staff):
    client.force_login(staff)
    before = snapshot()

    response = client.post(
        _a(started, "action-log-progress"),
        {"from": "mine", **_progress(started, percent="30", status="on_track", comment="")},
    )

    assert response.status_code == 200
    row = next(r for r in response.context["open_rows"] if r["action"].pk == started["action"].pk)
    assert row["form"].errors == {
        "comment": ["L'avancement recule (40 % → 30 %) : expliquez pourquoi."]
    }
    assert "L&#x27;avancement recule (40 % → 30 %) : expliquez pourquoi." in response.text
    assert snapshot() == before


def test_worse_status_without_comment_is_refused_on_the_action_page(client, started, staff):
    client.force_login(staff)
    before = snapshot()

    response = client.post(
        _a(started, "action-log-progress"),
        _progress(started, percent="40", status="blocked", comment="  "),
    )

    assert response.status_code == 200
    assert response.templates[0].name == "actions/action_detail.html"
    assert response.context["progress_form"].errors == {
        "comment": ["Le statut se dégrade (En bonne voie → Bloquée) : expliquez pourquoi."]
    }
    assert snapshot() == before


def test_percent_drop_with_comment_is_recorded(client, started, staff):
    client.force_login(staff)

    response = client.post(
        _a(started, "action-log-progress"),
        _progress(started, percent="30", status="at_risk", comment="Partenaire retiré"),
    )

    action = Action.objects.get(pk=started["action"].pk)
    assert response.status_code == 302
    assert response.url == f"/c/{started['chantier'].code}/actions/{action.pk}/#avancement"
    assert (action.percent_complete, action.status) == (30, "at_risk")
    assert action.history.first().history_change_reason == "Partenaire retiré"


@pytest.mark.parametrize(
    "fields,errors",
    [
        (
            {"percent": "150", "status": "on_track"},
            {"percent": ["Assurez-vous que cette valeur est inférieure ou égale à 100."]},
        ),
        ({"percent": "", "status": "on_track"}, {"percent": ["Ce champ est obligatoire."]}),
        (
            {"percent": "50", "status": "nimporte"},
            {"status": ["Sélectionnez un choix valide. nimporte n’en fait pas partie."]},
        ),
        (
            {"percent": "90", "status": "done"},
            {"percent": ["Une action terminée est à 100 %."]},
        ),
        (
            {"percent": "50", "status": "on_track", "evidence_url": "pas une url"},
            {"evidence_url": ["Saisissez une URL valide."]},
        ),
    ],
)
def test_bad_progress_input_is_refused_next_to_the_field(client, started, staff, fields, errors):
    client.force_login(staff)
    before = snapshot()

    response = client.post(_a(started, "action-log-progress"), _progress(started, **fields))

    assert response.status_code == 200
    assert response.context["progress_form"].errors == errors
    assert snapshot() == before


def test_nothing_new_refreshes_the_action_without_changing_it(client, started, staff):
    client.force_login(staff)
    old = Action.objects.get(pk=started["action"].pk).last_update_at

    response = client.post(_a(started, "action-nothing-new"), {"from": "mine"})

    action = Action.objects.get(pk=started["action"].pk)
    update = ProgressUpdate.objects.filter(action=action).first()
    assert response.status_code == 302
    assert response.url == f"/mes-actions/#action-{action.pk}"
    assert (action.percent_complete, action.status) == (40, "on_track")
    assert action.last_update_at > old
    assert (update.nothing_new, update.comment) == (True, "Rien de nouveau.")


def test_milestone_reached_in_one_click(client, world, staff):
    client.force_login(staff)

    response = client.post(
        _a(world, "action-milestone-reach", milestone_pk=world["milestone"].pk), {"from": "mine"}
    )

    milestone = Milestone.objects.get(pk=world["milestone"].pk)
    assert response.status_code == 302
    assert milestone.reached_on == datetime.date.today()
    assert milestone.history.first().history_user == staff


def test_measurement_in_the_future_is_refused_next_to_the_date(client, world, staff):
    client.force_login(staff)
    prefix = f"i{world['indicator'].pk}-"
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    before = snapshot()

    response = client.post(
        _a(world, "action-measurement-add", indicator_pk=world["indicator"].pk),
        {"from": "mine", prefix + "value": "12", prefix + "date": tomorrow},
    )

    assert response.status_code == 200
    row = response.context["open_rows"][0]
    ((_indicator, form),) = row["measurement_forms"]
    assert form.errors == {"date": ["Une mesure ne peut être datée dans le futur."]}
    assert snapshot() == before


def test_measurement_is_recorded_with_its_author(client, world, staff):
    client.force_login(staff)
    prefix = f"i{world['indicator'].pk}-"

    response = client.post(
        _a(world, "action-measurement-add", indicator_pk=world["indicator"].pk),
        {prefix + "value": "12,5", prefix + "date": TODAY, prefix + "comment": "Sondage"},
    )

    measurement = Measurement.objects.get(indicator=world["indicator"])
    assert response.status_code == 302
    assert (measurement.value, measurement.comment, measurement.recorded_by) == (
        Decimal("12.5"),
        "Sondage",
        staff,
    )


def test_my_actions_lists_stale_ones_first_and_closed_ones_apart(client, chantier, lead, staff):
    plan = PlanFactory(chantier=chantier)
    fresh = ActionFactory(plan=plan, owner=staff, code="A-01")
    stale = ActionFactory(plan=plan, owner=staff, code="A-02")
    done = ActionFactory(plan=plan, owner=staff, code="A-03")
    ActionFactory(plan=plan, owner=lead, code="A-04")
    services.log_progress(fresh, by=staff, percent=10, status="on_track")
    services.log_progress(
        stale,
        by=staff,
        percent=10,
        status="on_track",
        at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    services.log_progress(done, by=staff, percent=100, status="done")
    client.force_login(staff)

    response = client.get(reverse("my-actions"))

    assert [(r["action"].code, r["action"].stale) for r in response.context["open_rows"]] == [
        ("A-02", True),
        ("A-01", False),
    ]
    assert [r["action"].code for r in response.context["closed_rows"]] == ["A-03"]
    assert response.context["stale_count"] == 1


def test_action_list_filters_and_sorts(client, chantier, lead, staff):
    plan = PlanFactory(chantier=chantier)
    late = ActionFactory(plan=plan, owner=staff, code="A-01", due_date=datetime.date(2026, 1, 31))
    ActionFactory(plan=plan, owner=lead, code="A-02", due_date=datetime.date(2099, 1, 1))
    ActionFactory(plan=plan, owner=staff, code="A-03", due_date=datetime.date(2099, 6, 1))
    client.force_login(lead)
    url = reverse("action-list", args=[chantier.code])

    by_owner = client.get(url, {"owner": staff.pk, "sort": "-echeance"})
    late_only = client.get(url, {"late": "true"})

    assert [a.code for a in by_owner.context["page"]] == ["A-03", "A-01"]
    assert [a.code for a in late_only.context["page"]] == [late.code]
    assert "En retard" in late_only.text


# --- Stale edits (optimistic concurrency) --------------------------------------------


def test_stale_action_edit_is_refused_and_shows_what_changed(client, world, lead, admin_user):
    action = world["action"]
    title_read = action.title
    services.update_action(
        action, by=admin_user, version=1, changes={"title": "Titre de l'admin"}, reason="Précision"
    )
    client.force_login(lead)
    before = snapshot()
    data = {
        "plan": world["plan"].pk,
        "code": "A-01",
        "title": "Titre du responsable",
        "budget_planned": "0",
        "budget_spent": "0",
        "version": 1,
    }

    response = client.post(_a(world, "action-edit"), data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Quelqu'un d'autre a modifié cette fiche depuis que vous l'avez ouverte : rien n'a "
        "été enregistré. Voici ce qui a changé. Vos saisies sont conservées ; enregistrez de "
        "nouveau pour les appliquer malgré tout."
    ]
    (entry,) = response.context["changes"]
    assert (entry.user, entry.reason) == (admin_user, "Précision")
    assert [(c.label, c.old, c.new) for c in entry.changes] == [
        ("titre", title_read, "Titre de l'admin")
    ]
    assert snapshot() == before
    assert 'name="version" value="2"' in response.text

    again = client.post(_a(world, "action-edit"), {**data, "version": 2})

    assert again.status_code == 302
    assert Action.objects.get(pk=action.pk).title == "Titre du responsable"


def test_stale_partner_edit_is_refused(client, world, lead, admin_user):
    partner = world["partner"]
    services.update_partner(partner, by=admin_user, version=1, changes={"stage": "interested"})
    client.force_login(lead)
    before = snapshot()

    response = client.post(
        _a(world, "action-partner-edit", partner_pk=partner.pk),
        {
            "organisation": partner.organisation_id,
            "role": "funder",
            "stage": "committed",
            "version": 1,
        },
    )

    assert response.status_code == 200
    (entry,) = response.context["changes"]
    assert [(c.label, c.old, c.new) for c in entry.changes] == [
        ("étape d'engagement", "Identifié", "Intéressé")
    ]
    assert snapshot() == before


def test_stale_plan_edit_is_refused(client, world, lead, admin_user):
    services.update_plan(world["plan"], by=admin_user, version=1, changes={"plan_version": "1.1"})
    client.force_login(lead)
    before = snapshot()

    response = client.post(
        _p(world, "plan-edit"), {"title": "Plan", "plan_version": "2.0", "version": 1}
    )

    assert response.status_code == 200
    assert [(c.old, c.new) for e in response.context["changes"] for c in e.changes] == [
        ("1.0", "1.1")
    ]
    assert snapshot() == before


# --- Lead's forms: validation next to the fields ------------------------------------


def test_action_create_refuses_duplicate_code_and_dates_in_wrong_order(client, world, lead):
    client.force_login(lead)
    before = snapshot()

    response = client.post(
        _c(world, "action-create"),
        {
            "plan": world["plan"].pk,
            "code": "A-01",
            "title": "Doublon",
            "start_date": "2026-06-01",
            "due_date": "2026-05-01",
            "budget_planned": "-5",
            "budget_spent": "0",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "code": ["Ce code d'action existe déjà dans ce chantier."],
        "due_date": ["L'échéance ne peut précéder la date de début."],
        "budget_planned": ["Un budget ne peut être négatif."],
    }
    assert snapshot() == before


def test_action_create_with_plan_preselected(client, world, lead):
    client.force_login(lead)

    response = client.get(_c(world, "action-create") + f"?plan={world['plan'].pk}")

    assert response.context["form"].initial == {"plan": world["plan"].pk}


def test_partner_add_refuses_an_organisation_already_partner(client, world, lead):
    client.force_login(lead)
    before = snapshot()

    response = client.post(
        _a(world, "action-partner-add"),
        {"organisation": world["partner"].organisation_id, "role": "funder", "stage": "identified"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "organisation": ["Cette organisation est déjà partenaire de l'action."]
    }
    assert snapshot() == before


def test_plan_approval_records_the_meeting(client, world, lead):
    client.force_login(lead)

    response = client.post(
        _p(world, "plan-approve"), {"meeting": world["meeting"].pk, "version": 1}
    )

    plan = ActionPlan.objects.get(pk=world["plan"].pk)
    assert response.status_code == 302
    assert (plan.status, plan.approved_by_meeting) == ("approved", world["meeting"])
    assert plan.history.first().history_user == lead


def test_partner_removal_stays_in_the_action_history(client, world, lead):
    client.force_login(lead)
    name = str(world["partner"].organisation)

    client.post(
        _a(world, "action-partner-remove", partner_pk=world["partner"].pk),
        {"reason": "S'est retiré"},
    )
    response = client.get(_a(world, "action-detail"))

    removal = next(e for e in response.context["entries"] if e.kind == "-")
    assert (removal.subject, removal.user, removal.reason) == (
        f"Partenaire {name}",
        lead,
        "S'est retiré",
    )
