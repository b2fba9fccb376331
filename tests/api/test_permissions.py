"""The permission matrix (DESIGN §5): every endpoint × method × role, with the exact
status, and proof that a refused write changed nothing (rows and history alike) while
an accepted one left a history row naming the person."""

from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.db import transaction
from rest_framework.test import APIClient

from api.concurrency import etag_for
from recommendations.models import PrioritisationRound
from recommendations.services import freeze_round
from tests.api.conftest import if_match

ROLES = ["admin", "lead", "committee", "staff", "outsider", "anonymous", "bad_token"]
MEMBERS = {"admin", "lead", "committee", "staff"}


@dataclass
class Op:
    name: str
    method: str
    url: object  # world -> str
    models: tuple  # "app.Model" labels whose rows must not change when refused
    allowed: set = field(default_factory=set)
    success: int = 200
    body: object = None  # world -> dict
    outsider: int = 404
    refused: int = 403
    prepare: object = None  # world -> None, before the request
    detail: object = None  # world -> object: the If-Match target


def _resource(
    prefix,
    model,
    attr,
    *,
    create,
    update,
    writers=frozenset({"admin", "lead"}),
    create_writers=None,
    update_writers=None,
    delete_writers=None,
    delete_attr=None,
    shared=False,
    create_outsider=403,
    lookup="pk",
):
    """The six operations of a resource: list, retrieve, history, create, update, delete."""

    def key(obj):
        return getattr(obj, lookup)

    def url(a=attr):
        return lambda w: f"/api/v1/{prefix}/{key(getattr(w, a))}/"

    outsider_detail = 200 if shared else 404
    outsider_write = 403 if shared else 404
    return [
        Op(
            f"{prefix}.list",
            "get",
            lambda w: f"/api/v1/{prefix}/",
            (model,),
            MEMBERS | {"outsider"},
        ),
        Op(f"{prefix}.retrieve", "get", url(), (model,), MEMBERS, outsider=outsider_detail),
        Op(
            f"{prefix}.history",
            "get",
            lambda w: url()(w) + "history/",
            (model,),
            MEMBERS,
            outsider=outsider_detail,
        ),
        Op(
            f"{prefix}.create",
            "post",
            lambda w: f"/api/v1/{prefix}/",
            (model,),
            set(create_writers or writers),
            201,
            body=create,
            outsider=create_outsider,
        ),
        Op(
            f"{prefix}.update",
            "patch",
            url(),
            (model,),
            set(update_writers or writers),
            body=update,
            outsider=outsider_write,
            detail=lambda w: getattr(w, attr),
        ),
        Op(
            f"{prefix}.delete",
            "delete",
            url(delete_attr or attr),
            (model,),
            set(delete_writers or writers),
            204,
            outsider=outsider_write,
            detail=lambda w: getattr(w, delete_attr or attr),
        ),
    ]


ADMIN = {"admin"}
OPS = [
    *_resource(
        "organisations",
        "chantiers.Organisation",
        "organisation",
        create=lambda w: {"name": "Alliance Métal Québec", "kind": "network"},
        update=lambda w: {"acronym": "RTAL"},
        writers=ADMIN,
        shared=True,
    ),
    *_resource(
        "chantiers",
        "chantiers.Chantier",
        "chantier",
        create=lambda w: {"code": "recyclage", "name": "Recyclage"},
        update=lambda w: {"mandate": "Prioriser, mobiliser, agir, rendre compte."},
        writers=ADMIN,
        lookup="code",
        delete_attr="spare_chantier",
    ),
    *_resource(
        "memberships",
        "chantiers.Membership",
        "membership",
        create=lambda w: {
            "chantier": w.chantier.code,
            "user": w.other_action.owner_id,
            "role": "committee",
        },
        update=lambda w: {"role": "committee"},
        writers=ADMIN,
    ),
    *_resource(
        "meetings",
        "chantiers.CommitteeMeeting",
        "meeting",
        create=lambda w: {
            "chantier": w.chantier.code,
            "date": "2026-09-15",
            "title": "Comité de septembre",
        },
        update=lambda w: {"minutes": "Le comité a revu les priorités."},
    ),
    *_resource(
        "decisions",
        "chantiers.Decision",
        "decision",
        create=lambda w: {"meeting": w.meeting.pk, "kind": "decision", "text": "Prioriser R-001."},
        update=lambda w: {"status": "in_progress"},
    ),
    *_resource(
        "axes",
        "recommendations.StrategicAxis",
        "axis",
        create=lambda w: {"chantier": w.chantier.code, "code": "TRACE", "name": "Traçabilité"},
        update=lambda w: {"description": "Sécurité des systèmes industriels."},
        delete_attr="spare_axis",
    ),
    *_resource(
        "studies",
        "recommendations.Study",
        "study",
        create=lambda w: {"title": "Feuille de route 2030", "year": 2025},
        update=lambda w: {"reference": "ISBN 978-2-000"},
        delete_writers=ADMIN,
        delete_attr="spare_study",
        shared=True,
    ),
    *_resource(
        "recommendations",
        "recommendations.Recommendation",
        "recommendation",
        create=lambda w: {
            "chantier": w.chantier.code,
            "code": "R-900",
            "title": "Former les opérateurs",
        },
        update=lambda w: {"title": "Sécuriser les réseaux industriels"},
    ),
    *_resource(
        "rounds",
        "recommendations.PrioritisationRound",
        "round",
        create=lambda w: {"chantier": w.chantier.code, "name": "Ronde 2027"},
        update=lambda w: {"name": "Ronde de printemps"},
    ),
    *_resource(
        "criteria",
        "recommendations.Criterion",
        "criterion",
        create=lambda w: {
            "round": w.round.pk,
            "code": "cost",
            "name": "Coût",
            "direction": "lower",
        },
        update=lambda w: {"weight": "2.00"},
    ),
    *_resource(
        "assessments",
        "recommendations.Assessment",
        "assessment",
        create=lambda w: {
            "recommendation": w.second_recommendation.pk,
            "criterion": w.criterion.pk,
            "score": 4,
        },
        update=lambda w: {"score": 5},
        create_writers={"admin", "lead", "committee"},
        update_writers={"committee"},  # one's own score only
        delete_writers={"admin", "lead", "committee"},
    ),
    *_resource(
        "plans",
        "actions.ActionPlan",
        "plan",
        create=lambda w: {"chantier": w.chantier.code, "title": "Plan 2027"},
        update=lambda w: {"period_end": "2028-12-31"},
    ),
    *_resource(
        "actions",
        "actions.Action",
        "action",
        create=lambda w: {"plan": w.plan.pk, "code": "A-99", "title": "Audit de cybersécurité"},
        update=lambda w: {"budget_planned": "25000.00"},
    ),
    *_resource(
        "action-recommendations",
        "actions.ActionRecommendation",
        "link",
        create=lambda w: {"action": w.action.pk, "recommendation": w.second_recommendation.pk},
        update=lambda w: {"contribution": "Met en œuvre le volet formation."},
    ),
    *_resource(
        "partners",
        "actions.ActionPartner",
        "partner",
        create=lambda w: {
            "action": w.action.pk,
            "organisation": w.organisation.pk,
            "role": "funder",
        },
        update=lambda w: {"stage": "approached"},
    ),
    *_resource(
        "milestones",
        "actions.Milestone",
        "milestone",
        create=lambda w: {
            "action": w.action.pk,
            "title": "Rapport final",
            "due_date": "2027-03-31",
        },
        update=lambda w: {"title": "Prototype validé"},
    ),
    *_resource(
        "indicators",
        "actions.Indicator",
        "indicator",
        create=lambda w: {
            "chantier": w.chantier.code,
            "name": "Entreprises formées",
            "unit": "entreprises",
            "baseline": "0",
            "target": "40",
        },
        update=lambda w: {"target": "60.00"},
    ),
    *_resource(
        "measurements",
        "actions.Measurement",
        "measurement",
        create=lambda w: {"indicator": w.indicator.pk, "date": "2026-06-30", "value": "12.5"},
        update=lambda w: {"value": "21.00"},
        writers={"admin", "lead", "staff"},  # staff: indicator of an action they own
        delete_writers={"admin", "lead"},
        create_outsider=400,  # may record somewhere, but this indicator "does not exist"
    ),
]

# The progress log is append-only: no update, no delete, for anyone.
OPS = [op for op in OPS if op.name not in ("rounds.create",)] + [
    op
    for op in _resource(
        "progress-updates",
        "actions.ProgressUpdate",
        "update",
        create=lambda w: {"action": w.action.pk, "percent": 40, "status": "on_track"},
        update=lambda w: {"comment": "Réécrire l'histoire"},
        writers={"admin", "lead", "staff"},
        create_outsider=400,
    )
    if not op.name.endswith((".update", ".delete"))
]
OPS += [
    Op(
        "progress-updates.update",
        "patch",
        lambda w: f"/api/v1/progress-updates/{w.update.pk}/",
        ("actions.ProgressUpdate",),
        set(),
        outsider=405,
        refused=405,
    ),
    Op(
        "progress-updates.delete",
        "delete",
        lambda w: f"/api/v1/progress-updates/{w.update.pk}/",
        ("actions.ProgressUpdate",),
        set(),
        outsider=405,
        refused=405,
    ),
    # A round opens once the previous one is frozen.
    Op(
        "rounds.create",
        "post",
        lambda w: "/api/v1/rounds/",
        ("recommendations.PrioritisationRound", "recommendations.Criterion"),
        {"admin", "lead"},
        201,
        body=lambda w: {"chantier": w.chantier.code, "name": "Ronde 2027"},
        outsider=403,
        prepare=lambda w: freeze_round(
            PrioritisationRound.objects.get(pk=w.round.pk), by=w.action.owner
        ),
    ),
    Op(
        "meetings.close",
        "post",
        lambda w: f"/api/v1/meetings/{w.meeting.pk}/close/",
        ("chantiers.CommitteeMeeting", "dashboards.MeetingSnapshot"),
        {"admin", "lead"},
    ),
    Op(
        "rounds.freeze",
        "post",
        lambda w: f"/api/v1/rounds/{w.round.pk}/freeze/",
        ("recommendations.PrioritisationRound",),
        {"admin", "lead"},
        body=lambda w: {"meeting": w.meeting.pk},
    ),
    Op(
        "recommendations.score",
        "post",
        lambda w: f"/api/v1/recommendations/{w.second_recommendation.pk}/score/",
        ("recommendations.Assessment", "recommendations.Recommendation"),
        {"admin", "lead", "committee"},
        201,
        body=lambda w: {"criterion": w.criterion.pk, "score": 5, "rationale": "Fort impact."},
    ),
    Op(
        "recommendations.override-tier",
        "post",
        lambda w: f"/api/v1/recommendations/{w.recommendation.pk}/override-tier/",
        ("recommendations.Recommendation",),
        {"admin", "lead"},
        body=lambda w: {"tier": "P1", "justification": "Exigé par le ministère."},
    ),
    Op(
        "recommendations.disposition",
        "post",
        lambda w: f"/api/v1/recommendations/{w.recommendation.pk}/disposition/",
        ("recommendations.Recommendation",),
        {"admin", "lead"},
        body=lambda w: {"disposition": "retained"},
    ),
    Op(
        "actions.progress",
        "post",
        lambda w: f"/api/v1/actions/{w.action.pk}/progress/",
        ("actions.ProgressUpdate", "actions.Action"),
        {"admin", "lead", "staff"},
        201,
        body=lambda w: {"percent": 35, "status": "on_track", "comment": "Devis reçus."},
    ),
    Op(
        "actions.nothing-new",
        "post",
        lambda w: f"/api/v1/actions/{w.action.pk}/nothing-new/",
        ("actions.ProgressUpdate", "actions.Action"),
        {"admin", "lead", "staff"},
        201,
        body=lambda w: {},
    ),
    Op(
        "plans.approve",
        "post",
        lambda w: f"/api/v1/plans/{w.plan.pk}/approve/",
        ("actions.ActionPlan",),
        {"admin", "lead"},
        body=lambda w: {"meeting": w.meeting.pk},
    ),
    Op(
        "milestones.reach",
        "post",
        lambda w: f"/api/v1/milestones/{w.milestone.pk}/reach/",
        ("actions.Milestone",),
        {"admin", "lead", "staff"},
        body=lambda w: {"on": "2026-06-01"},
    ),
]


def expected_status(op: Op, role: str) -> int:
    if role in ("anonymous", "bad_token"):
        return 401
    if role in op.allowed:
        return op.success
    if role == "outsider":
        return op.outsider
    return op.refused


def _snapshot(labels) -> dict:
    """Every row and every history row of the given models."""
    state = {}
    for label in labels:
        model = apps.get_model(label)
        state[label] = (
            list(model._default_manager.order_by("pk").values()),
            model.history.count() if hasattr(model, "history") else None,
        )
    return state


def _client(role, users):
    client = APIClient()
    if role == "bad_token":
        client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    elif role != "anonymous":
        client.force_authenticate(users[role])
    return client


def test_every_operation_is_in_the_matrix():
    """A new endpoint must be added to the matrix: 19 resources, their custom actions."""
    names = {op.name for op in OPS}

    assert len(names) == len(OPS) == 19 * 6 + 9
    assert {n.split(".")[0] for n in names} == {
        "organisations",
        "chantiers",
        "memberships",
        "meetings",
        "decisions",
        "axes",
        "studies",
        "recommendations",
        "rounds",
        "criteria",
        "assessments",
        "plans",
        "actions",
        "action-recommendations",
        "partners",
        "milestones",
        "progress-updates",
        "indicators",
        "measurements",
    }


def _forget_roles(users) -> None:
    # Roles are cached on the user object for the length of a request; here the same
    # objects serve several requests, some of which change memberships.
    for user in users.values():
        user.__dict__.pop("_chantier_roles", None)


def _attempt(op: Op, role: str, world, users) -> int:
    """Run the operation as `role` inside a savepoint that is rolled back afterwards,
    so every role meets the same world; check what the write did or did not do."""
    with transaction.atomic():
        _forget_roles(users)
        if op.prepare:
            op.prepare(world)
        headers = if_match(op.detail(world)) if op.detail else {}
        user = users.get(role)
        before = _snapshot(op.models)
        authored_before = _authored(op.models, user)

        response = getattr(_client(role, users), op.method)(
            op.url(world), op.body(world) if op.body else None, format="json", **headers
        )

        if response.status_code >= 400:
            assert response.json()["status"] == response.status_code
            assert response.json()["detail"]
        if op.method == "get" or response.status_code >= 400:
            assert _snapshot(op.models) == before, f"{op.name} as {role} changed data"
        else:
            # Every accepted write leaves a history row naming its author.
            after = _authored(op.models, user)
            assert any(after[label] > authored_before[label] for label in after), role
        if op.name.endswith(".retrieve") and response.status_code == 200:
            assert response["ETag"] == etag_for(_target(op, world))
        transaction.set_rollback(True)
    if response.status_code != expected_status(op, role):
        print(f"{op.name} as {role}: {response.status_code} {response.content[:500]!r}")
    return response.status_code


def _authored(labels, user) -> dict:
    if user is None:
        return dict.fromkeys(labels, 0)
    return {
        label: apps.get_model(label).history.filter(history_user=user).count()
        for label in labels
        if hasattr(apps.get_model(label), "history")
    }


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_permission_matrix(op, world, users):
    statuses = {role: _attempt(op, role, world, users) for role in ROLES}

    assert statuses == {role: expected_status(op, role) for role in ROLES}


def _target(op, world):
    attr = op.url(world).rstrip("/").split("/")[-1]
    model = apps.get_model(op.models[0])
    lookup = "code" if model._meta.model_name == "chantier" else "pk"
    return model._default_manager.get(**{lookup: attr})


@pytest.mark.parametrize(
    "prefix",
    ["recommendations", "actions"],
)
def test_lists_hide_another_chantiers_objects(prefix, world, api, outsider, lead):
    mine = api(lead).get(f"/api/v1/{prefix}/").json()
    theirs = api(outsider).get(f"/api/v1/{prefix}/").json()

    assert [r["chantier"] for r in mine["results"]] == ["aluminerie-avenir"] * mine["count"]
    assert [r["chantier"] for r in theirs["results"]] == ["autre"]
