"""Prioritisation pages and JSON endpoints (recommendations/rounds.py): the numbers they
show, the refusals, the permission matrix and the query counts."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from recommendations import services
from recommendations.models import Assessment, Criterion, PrioritisationRound
from tests.factories import AxisFactory, RecommendationFactory
from tests.recommendations.rounds_fixtures import *  # noqa: F403
from tests.recommendations.rounds_fixtures import criterion, score

CODE = "aluminerie-avenir"
FROZEN = "La ronde « Ronde 1 » est figée : ses scores et ses poids ne peuvent plus changer."


def url(name, *args):
    return reverse(name, args=[CODE, *args])


def post_json(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def grid(response):
    """{code: (score, rank, tier, [(mean, spread, flagged, own)…])} as the page shows it."""
    return {
        row.rec.code: (
            row.score_display + ("*" if row.incomplete else ""),
            row.result.rank,
            row.tier,
            [(c.mean, c.spread, c.flagged, c.own) for c in row.cells],
        )
        for row in response.context["rows"]
    }


# ---------------------------------------------------------------------------
# Workspace


def test_workspace_shows_consensus_rank_tier_spread_and_missing(client, scored_round1, lead):
    client.force_login(lead)

    response = client.get(url("round-workspace"))

    assert response.status_code == 200
    assert grid(response) == {
        "R-001": ("75,00", 1, "P1", [("4", 2, True, 5), ("2", 0, False, 2)]),
        "R-002": ("50,00*", 2, "P2", [("3", 0, False, 3), ("—", None, False, None)]),
        "R-005": ("50,00*", 2, "P2", [("3", 0, False, None), ("—", None, False, None)]),
        "R-003": ("33,33", 4, "P3", [("3", 2, True, 4), ("5", 0, False, 5)]),
        "R-004": ("—", None, "", [("—", None, False, None), ("—", None, False, None)]),
    }
    # Sorted by rank, unranked last; ties by code.
    assert [r.rec.code for r in response.context["rows"]] == [
        "R-001",
        "R-002",
        "R-005",
        "R-003",
        "R-004",
    ]
    html = response.content.decode()
    assert 'class="cell flag"' in html
    assert 'title="Critères notés : 1/2"' in html


def test_workspace_progress_counts_cells_left(
    client, scored_round1, lead, committee_member, comite2
):
    client.force_login(lead)

    response = client.get(url("round-workspace"))

    assert {p["id"]: p["left"] for p in response.context["progress"]} == {
        lead.pk: 5,
        committee_member.pk: 6,
        comite2.pk: 9,
    }


@pytest.mark.parametrize(
    "query, codes",
    [
        ("tier=P2", ["R-002", "R-005"]),
        ("tier=none", ["R-004"]),
        ("disagreement=on", ["R-001", "R-003"]),
        ("todo=on", ["R-002", "R-005", "R-004"]),  # the lead has cells left there
        ("q=r-00&sort=-score", ["R-001", "R-002", "R-005", "R-003", "R-004"]),
        ("sort=score", ["R-003", "R-002", "R-005", "R-001", "R-004"]),
        ("sort=-code", ["R-005", "R-004", "R-003", "R-002", "R-001"]),
        ("tier=P2&per_page=7&sort=nonsense", ["R-002", "R-005"]),
        ("sort=spread", ["R-001", "R-003", "R-002", "R-004", "R-005"]),
    ],
)
def test_workspace_filters_and_sorts(client, scored_round1, lead, query, codes):
    client.force_login(lead)

    response = client.get(url("round-workspace") + "?" + query)

    assert [r.rec.code for r in response.context["rows"]] == codes


def test_workspace_filters_by_axis_and_disposition(client, scored_round1, recs, lead):
    axis = recs["R-003"].axis
    services.set_disposition(recs["R-002"], by=lead, disposition="postponed")
    client.force_login(lead)

    by_axis = client.get(url("round-workspace") + f"?axis={axis.pk}")
    by_disposition = client.get(url("round-workspace") + "?disposition=postponed")

    assert [r.rec.code for r in by_axis.context["rows"]] == ["R-003"]
    assert [r.rec.code for r in by_disposition.context["rows"]] == ["R-002"]


def test_workspace_sorts_by_a_criterion_consensus(client, scored_round1, lead):
    cout = criterion(scored_round1, "cout")
    client.force_login(lead)

    response = client.get(url("round-workspace") + f"?sort=-c{cout.pk}")

    assert [r.rec.code for r in response.context["rows"]][:2] == ["R-003", "R-001"]


def test_workspace_paginates(client, scored_round1, lead):
    client.force_login(lead)

    response = client.get(url("round-workspace") + "?per_page=50&page=1")

    assert response.context["page"].paginator.per_page == 50
    assert response.context["shown"] == 5


def test_workspace_of_staff_is_read_only(client, scored_round1, staff):
    client.force_login(staff)

    response = client.get(url("round-workspace"))

    assert response.context["may_score"] is False
    assert 'class="score"' not in response.content.decode()
    assert grid(response)["R-001"][0:3] == ("75,00", 1, "P1")


def test_workspace_without_round_offers_to_open_one(client, chantier, lead):
    client.force_login(lead)

    response = client.get(url("round-workspace"))

    assert response.templates[0].name == "recommendations/rounds/empty.html"
    assert url("round-open") in response.content.decode()


def test_workspace_of_other_chantier_round_is_404(client, scored_round1, other_chantier, lead):
    from tests.factories import RoundFactory

    elsewhere = RoundFactory(chantier=other_chantier)
    client.force_login(lead)

    assert client.get(url("round-detail", elsewhere.pk)).status_code == 404


# ---------------------------------------------------------------------------
# Scoring endpoint


def test_score_endpoint_saves_and_returns_the_new_ranking(
    client, scored_round1, recs, committee_member
):
    client.force_login(committee_member)
    impact = criterion(scored_round1, "impact")

    response = post_json(
        client,
        url("round-score", scored_round1.pk),
        {
            "recommendation": recs["R-004"].pk,
            "criterion": impact.pk,
            "score": 5,
            "rationale": "Clé",
        },
    )

    data = response.json()
    assert response.status_code == 200
    assert data["cell"] == {
        "recommendation": recs["R-004"].pk,
        "criterion": impact.pk,
        "score": 5,
        "rationale": "Clé",
        "mean": "5",
        "spread": 0,
        "assessors": 1,
        "flagged": False,
    }
    ranking = {
        code: (
            data["rows"][str(r.pk)]["score"],
            data["rows"][str(r.pk)]["rank"],
            data["rows"][str(r.pk)]["tier"],
        )
        for code, r in recs.items()
    }
    # impact 5 → 100.00 on one criterion, first; everyone else moves down one.
    assert ranking == {
        "R-004": ("100,00", 1, "P1"),
        "R-001": ("75,00", 2, "P1"),
        "R-002": ("50,00", 3, "P2"),
        "R-005": ("50,00", 3, "P2"),
        "R-003": ("33,33", 5, "P3"),
    }
    assert data["progress"][str(committee_member.pk)] == 5
    assessment = Assessment.objects.get(recommendation=recs["R-004"], assessor=committee_member)
    assert (assessment.score, assessment.rationale) == (5, "Clé")
    assert assessment.history.get().history_user == committee_member


def test_score_endpoint_withdraws_with_an_empty_score(client, scored_round1, recs, lead):
    client.force_login(lead)
    impact = criterion(scored_round1, "impact")

    response = post_json(
        client,
        url("round-score", scored_round1.pk),
        {"recommendation": recs["R-002"].pk, "criterion": impact.pk, "score": None},
    )

    data = response.json()
    assert (data["cell"]["mean"], data["cell"]["assessors"]) == ("—", 0)
    assert data["rows"][str(recs["R-002"].pk)] == {
        "score": "—",
        "rank": "",
        "tier": "",
        "computed": "",
        "override": "",
        "justification": "",
        "scored": 0,
        "criteria": 2,
    }


@pytest.mark.parametrize(
    "body, status, error",
    [
        ({"score": 7}, 400, "Assurez-vous que cette valeur est inférieure ou égale à 5."),
        ({"score": "x"}, 400, "La note doit être un entier de 1 à 5."),
        ({"criterion": 0}, 404, "Cette cellule n'existe pas dans la ronde."),
    ],
)
def test_score_endpoint_refuses_bad_input(client, scored_round1, recs, lead, body, status, error):
    client.force_login(lead)
    payload = {
        "recommendation": recs["R-004"].pk,
        "criterion": criterion(scored_round1, "impact").pk,
        "score": 3,
        **body,
    }

    response = post_json(client, url("round-score", scored_round1.pk), payload)

    assert (response.status_code, response.json()["error"]) == (status, error)
    assert not Assessment.objects.filter(recommendation=recs["R-004"]).exists()


def test_score_endpoint_refuses_who_is_not_an_assessor(client, scored_round1, recs, admin_user):
    client.force_login(admin_user)

    response = post_json(
        client,
        url("round-score", scored_round1.pk),
        {
            "recommendation": recs["R-004"].pk,
            "criterion": criterion(scored_round1, "impact").pk,
            "score": 3,
        },
    )

    assert response.status_code == 400
    assert response.json()["error"] == "Vous ne faites pas partie des évaluateurs de cette ronde."


def test_cell_detail_lists_every_assessor(client, scored_round1, recs, staff, lead):
    client.force_login(staff)

    response = client.get(
        url("round-cell", scored_round1.pk)
        + f"?recommendation={recs['R-002'].pk}&criterion={criterion(scored_round1, 'impact').pk}"
    )

    assert response.json()["assessments"] == [
        {
            "assessor": lead.get_full_name(),
            "me": False,
            "score": 3,
            "rationale": "Effet limité à une usine.",
        }
    ]


# ---------------------------------------------------------------------------
# Weights and thresholds endpoint


def test_weight_change_reranks_immediately(client, scored_round1, recs, lead):
    client.force_login(lead)
    impact = criterion(scored_round1, "impact")

    response = post_json(
        client,
        url("round-weights", scored_round1.pk),
        {"criterion": impact.pk, "weight": "1", "version": impact.version, "reason": "Comité"},
    )

    data = response.json()
    # R-003 = (1×0.5 + 1×0) / 2 = 25.00; R-001 = 75.00 unchanged.
    assert data["rows"][str(recs["R-003"].pk)]["score"] == "25,00"
    assert data["criteria"][str(impact.pk)] == {
        "weight": "1.00",
        "display": "1",
        "version": impact.version + 1,
    }
    impact.refresh_from_db()
    assert impact.weight == 1
    assert impact.history.first().history_change_reason == "Comité"


def test_weight_change_needs_a_reason_and_the_current_version(client, scored_round1, lead):
    client.force_login(lead)
    impact = criterion(scored_round1, "impact")
    path = url("round-weights", scored_round1.pk)

    no_reason = post_json(
        client,
        path,
        {"criterion": impact.pk, "weight": "1", "version": impact.version, "reason": ""},
    )
    stale = post_json(
        client,
        path,
        {"criterion": impact.pk, "weight": "1", "version": impact.version - 1, "reason": "x"},
    )

    assert no_reason.status_code == 400
    assert "Raison du changement" in no_reason.json()["error"]
    assert stale.status_code == 409
    assert "modifié par quelqu'un d'autre" in stale.json()["error"]
    impact.refresh_from_db()
    assert impact.weight == 2


def test_thresholds_change_reranks_tiers(client, scored_round1, recs, lead):
    client.force_login(lead)

    response = post_json(
        client,
        url("round-weights", scored_round1.pk),
        {
            "p1_threshold": "80",
            "p2_threshold": "30",
            "version": scored_round1.version,
            "reason": "Plus exigeant",
        },
    )

    tiers = {code: response.json()["rows"][str(r.pk)]["tier"] for code, r in recs.items()}
    assert tiers == {"R-001": "P2", "R-002": "P2", "R-003": "P2", "R-004": "", "R-005": "P2"}
    assert response.json()["round"]["p1_threshold"] == "80.00"


def test_thresholds_out_of_order_refused(client, scored_round1, lead):
    client.force_login(lead)

    response = post_json(
        client,
        url("round-weights", scored_round1.pk),
        {
            "p1_threshold": "40",
            "p2_threshold": "60",
            "version": scored_round1.version,
            "reason": "x",
        },
    )

    assert response.status_code == 400
    assert response.json()["error"] == "Seuil P1 (score ≥) : Le seuil P1 doit dépasser le seuil P2."


# ---------------------------------------------------------------------------
# Override


def test_override_is_shown_with_its_justification(client, scored_round1, recs, lead):
    client.force_login(lead)
    rec = recs["R-003"]

    response = client.post(
        url("round-override", scored_round1.pk, rec.pk),
        {"version": rec.version, "tier": "P1", "justification": "Priorité du ministère"},
    )
    page = client.get(url("round-workspace"))

    assert response.status_code == 302
    assert grid(page)["R-003"][:3] == ("33,33", 4, "P1")
    assert (
        'title="Niveau imposé (calculé : P3) — Priorité du ministère">imposé</span>'
        in page.content.decode()
    )


def test_override_without_justification_refused(client, scored_round1, recs, lead):
    client.force_login(lead)
    rec = recs["R-003"]

    response = client.post(
        url("round-override", scored_round1.pk, rec.pk),
        {"version": rec.version, "tier": "P1", "justification": ""},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "justification": ["Expliquez pourquoi le niveau calculé est remplacé."]
    }
    rec.refresh_from_db()
    assert rec.tier == "P3"


# ---------------------------------------------------------------------------
# Round list, open, settings, freeze


def test_open_round_page_opens_and_redirects_to_settings(client, chantier, lead, recs):
    client.force_login(lead)

    response = client.post(url("round-open"), {"name": "Ronde 1", "opened_on": "2026-09-01"})

    rnd = PrioritisationRound.objects.get()
    assert response.url == url("round-settings", rnd.pk)
    assert rnd.scope_links.count() == 5


def test_open_round_page_refuses_a_second_open_round(client, round1, lead):
    client.force_login(lead)

    response = client.post(url("round-open"), {"name": "Ronde 2", "opened_on": "2026-09-01"})

    assert response.status_code == 400
    assert PrioritisationRound.objects.count() == 1


def test_round_list_counts(client, scored_round1, lead):
    client.force_login(lead)

    response = client.get(url("round-list"))

    rnd = response.context["rounds"][0]
    assert (rnd.scope_count, rnd.criteria_count, rnd.assessor_count, rnd.assessment_count) == (
        5,
        2,
        3,
        10,
    )


def test_settings_sections(client, scored_round1, recs, lead, committee_member, comite2):
    client.force_login(lead)
    path = url("round-settings", scored_round1.pk)
    impact = criterion(scored_round1, "impact")

    thresholds = client.post(
        path,
        {
            "section": "thresholds",
            "version": scored_round1.version,
            "p1_threshold": "60",
            "p2_threshold": "40",
            "spread_threshold": "3",
            "reason": "Calibrage",
        },
    )
    added = client.post(
        path,
        {
            "section": "new_criterion",
            "new-code": "delai",
            "new-name": "Délai",
            "new-weight": "1",
            "new-direction": "higher",
            "new-rubric": "",
        },
    )
    changed = client.post(
        path,
        {
            "section": "criterion",
            "criterion": impact.pk,
            f"c{impact.pk}-criterion": impact.pk,
            f"c{impact.pk}-version": impact.version,
            f"c{impact.pk}-name": "Impact attendu",
            f"c{impact.pk}-rubric": "r",
            f"c{impact.pk}-weight": "2",
            f"c{impact.pk}-direction": "higher",
            f"c{impact.pk}-order": "1",
            f"c{impact.pk}-reason": "Renommé",
        },
    )
    delai = criterion(scored_round1, "delai")
    removed = client.post(
        path, {"section": "remove_criterion", "criterion": delai.pk, "reason": "Doublon"}
    )
    scope = client.post(
        path,
        {
            "section": "scope",
            "recommendations": [recs[c].pk for c in ("R-001", "R-002", "R-003", "R-005")],
        },
    )
    assessors = client.post(
        path, {"section": "assessors", "assessors": [lead.pk, committee_member.pk, comite2.pk]}
    )

    assert [r.status_code for r in (thresholds, added, changed, removed, scope, assessors)] == [
        302
    ] * 6
    scored_round1.refresh_from_db()
    assert (
        scored_round1.p1_threshold,
        scored_round1.p2_threshold,
        scored_round1.spread_threshold,
    ) == (60, 40, 3)
    assert list(scored_round1.criteria.values_list("name", flat=True)) == ["Impact attendu", "Coût"]
    assert sorted(scored_round1.scope_links.values_list("recommendation__code", flat=True)) == [
        "R-001",
        "R-002",
        "R-003",
        "R-005",
    ]


def test_settings_refuses_removing_a_scored_recommendation(client, scored_round1, recs, lead):
    client.force_login(lead)

    response = client.post(
        url("round-settings", scored_round1.pk),
        {"section": "scope", "recommendations": [recs["R-004"].pk]},
    )

    assert response.status_code == 400
    assert response.context["forms"]["scope"].errors["recommendations"] == [
        "Ces recommandations ont déjà des notes dans la ronde et y restent : R-001, R-002, R-003, R-005."
    ]
    assert scored_round1.scope_links.count() == 5


def test_freeze_page_records_the_meeting(client, scored_round1, lead, meeting):
    client.force_login(lead)

    response = client.post(
        url("round-freeze", scored_round1.pk),
        {"version": scored_round1.version, "meeting": meeting.pk},
    )

    scored_round1.refresh_from_db()
    assert response.url == url("round-detail", scored_round1.pk)
    assert (scored_round1.status, scored_round1.validated_by_meeting) == ("frozen", meeting)


def test_freeze_needs_a_meeting(client, scored_round1, lead):
    client.force_login(lead)

    response = client.post(
        url("round-freeze", scored_round1.pk), {"version": scored_round1.version}
    )

    assert response.status_code == 400
    scored_round1.refresh_from_db()
    assert scored_round1.status == "open"


# ---------------------------------------------------------------------------
# Frozen round: every UI write path refuses, nothing changes


@pytest.fixture
def frozen(scored_round1, lead, meeting):
    services.freeze_round(scored_round1, by=lead, meeting=meeting)
    return PrioritisationRound.objects.get(pk=scored_round1.pk)


def _snapshot():
    return (
        sorted(Assessment.objects.values_list("pk", "score", "rationale")),
        sorted(Criterion.objects.values_list("pk", "name", "weight", "direction")),
        sorted(
            PrioritisationRound.objects.values_list(
                "p1_threshold", "p2_threshold", "spread_threshold", "status"
            )
        ),
        sorted(
            PrioritisationRound.objects.values_list(
                "scope_links__recommendation_id", "assessor_links__assessor_id"
            )
        ),
    )


def test_frozen_round_refuses_every_ui_write(
    client, frozen, recs, lead, committee_member, comite2, meeting
):
    impact = criterion(frozen, "impact")
    settings_path = url("round-settings", frozen.pk)
    before = _snapshot()
    client.force_login(lead)

    answers = [
        post_json(
            client,
            url("round-score", frozen.pk),
            {"recommendation": recs["R-004"].pk, "criterion": impact.pk, "score": 3},
        ),
        post_json(
            client,
            url("round-score", frozen.pk),
            {"recommendation": recs["R-001"].pk, "criterion": impact.pk, "score": None},
        ),
        post_json(
            client,
            url("round-weights", frozen.pk),
            {"criterion": impact.pk, "weight": "5", "version": impact.version, "reason": "x"},
        ),
        post_json(
            client,
            url("round-weights", frozen.pk),
            {"p1_threshold": "90", "p2_threshold": "10", "version": frozen.version, "reason": "x"},
        ),
    ]
    pages = [
        client.post(
            settings_path,
            {
                "section": "thresholds",
                "version": frozen.version,
                "p1_threshold": "90",
                "p2_threshold": "10",
                "reason": "x",
            },
        ),
        client.post(
            settings_path,
            {
                "section": "new_criterion",
                "new-code": "x",
                "new-name": "X",
                "new-weight": "1",
                "new-direction": "higher",
            },
        ),
        client.post(
            settings_path,
            {
                "section": "criterion",
                "criterion": impact.pk,
                f"c{impact.pk}-criterion": impact.pk,
                f"c{impact.pk}-version": impact.version,
                f"c{impact.pk}-name": "X",
                f"c{impact.pk}-weight": "9",
                f"c{impact.pk}-direction": "higher",
                f"c{impact.pk}-order": "1",
                f"c{impact.pk}-reason": "x",
            },
        ),
        client.post(
            settings_path, {"section": "remove_criterion", "criterion": impact.pk, "reason": "x"}
        ),
        client.post(settings_path, {"section": "scope", "recommendations": [recs["R-001"].pk]}),
        client.post(settings_path, {"section": "assessors", "assessors": [lead.pk]}),
        client.post(
            url("round-freeze", frozen.pk), {"version": frozen.version, "meeting": meeting.pk}
        ),
    ]

    assert [(a.status_code, a.json()["error"]) for a in answers] == [(400, FROZEN)] * 4
    assert [p.status_code for p in pages] == [400] * 7
    assert all(FROZEN in p.content.decode() for p in pages)
    assert _snapshot() == before


def test_frozen_round_workspace_has_no_inputs(client, frozen, lead):
    client.force_login(lead)

    response = client.get(url("round-detail", frozen.pk))

    assert response.context["may_score"] is False
    assert 'class="score"' not in response.content.decode()
    assert grid(response)["R-001"][:3] == ("75,00", 1, "P1")


def test_frozen_round_refuses_admin_change_forms(client, frozen, recs, admin_user, lead):
    impact = criterion(frozen, "impact")
    assessment = Assessment.objects.filter(criterion=impact, assessor=lead).first()
    before = _snapshot()
    client.force_login(admin_user)

    round_form = client.post(
        reverse("admin:recommendations_prioritisationround_change", args=[frozen.pk]),
        {
            "name": "X",
            "opened_on": "2026-03-01",
            "p1_threshold": "90",
            "p2_threshold": "10",
            "spread_threshold": "2",
            "criteria-TOTAL_FORMS": "0",
            "criteria-INITIAL_FORMS": "0",
        },
    )
    criterion_form = client.post(
        reverse("admin:recommendations_criterion_change", args=[impact.pk]),
        {
            "round": frozen.pk,
            "code": "impact",
            "name": "Impact",
            "rubric": "",
            "weight": "9",
            "direction": "higher",
            "order": "1",
        },
    )
    assessment_form = client.post(
        reverse("admin:recommendations_assessment_change", args=[assessment.pk]),
        {
            "criterion": impact.pk,
            "recommendation": assessment.recommendation_id,
            "assessor": lead.pk,
            "score": "1",
            "rationale": "",
        },
    )
    scope_form = client.post(
        reverse("admin:recommendations_roundrecommendation_add"),
        {"round": frozen.pk, "recommendation": recs["R-004"].pk},
    )

    assert round_form.status_code == 403
    for response in (criterion_form, assessment_form, scope_form):
        assert response.status_code == 200
        assert FROZEN in response.content.decode()
    assert _snapshot() == before


# ---------------------------------------------------------------------------
# Comparison, sensitivity, export


@pytest.fixture
def round2(frozen, recs, chantier, lead):
    """Ronde 2, scored by the lead only (hand-computed in test_compare_rounds_page)."""
    rnd = services.open_round(chantier, by=lead, name="Ronde 2")
    score(recs["R-001"], rnd, "impact", lead, 2)
    score(recs["R-001"], rnd, "cout", lead, 2)
    score(recs["R-002"], rnd, "impact", lead, 5)
    score(recs["R-002"], rnd, "cout", lead, 1)
    score(recs["R-003"], rnd, "impact", lead, 4)
    score(recs["R-003"], rnd, "cout", lead, 5)
    score(recs["R-004"], rnd, "impact", lead, 3)
    return rnd


def test_compare_rounds_page(client, frozen, round2, staff):
    # Ronde 2: R-002 (1 + 1)/… = 100.00 → 1 P1; R-003 (2×0.75 + 0)/3 = 50.00 → 2 P2;
    # R-004 50.00 → 2 P2; R-001 (2×0.25 + 0.75)/3 = 41.67 → 4 P3; R-005 unscored.
    client.force_login(staff)

    response = client.get(url("round-compare") + f"?a={frozen.pk}&b={round2.pk}")

    rows = {
        r["rec"].code: (
            r["before"].rank,
            r["before"].tier,
            r["after"].rank,
            r["after"].tier,
            r["move"],
            [(c["code"], c["old"], c["new"]) for c in r["changed"]],
        )
        for r in response.context["rows"]
    }
    assert rows == {
        "R-001": (1, "P1", 4, "P3", -3, [("impact", "4", "2")]),
        "R-002": (2, "P2", 1, "P1", 1, [("cout", "—", "1"), ("impact", "3", "5")]),
        "R-003": (4, "P3", 2, "P2", 2, [("impact", "3", "4")]),
        "R-004": (None, "", 2, "P2", None, [("impact", "—", "3")]),
        "R-005": (2, "P2", None, "", None, [("impact", "3", "—")]),
    }
    assert response.context["summary"] == {
        "up": 2,
        "down": 1,
        "same": 0,
        "newly_ranked": 1,
        "no_longer_ranked": 1,
        "entered_P1": 1,
        "left_P1": 1,
        "entered_P2": 2,
        "left_P2": 2,
        "entered_P3": 1,
        "left_P3": 1,
    }
    assert [r["rec"].code for r in response.context["rows"]] == [
        "R-002",
        "R-003",
        "R-004",
        "R-001",
        "R-005",
    ]


def test_compare_defaults_to_latest_round_and_its_previous(client, frozen, round2, lead):
    client.force_login(lead)

    response = client.get(url("round-compare"))

    assert (response.context["a"], response.context["b"]) == (frozen, round2)


@pytest.fixture
def sensitivity_round(chantier, lead, committee_member):
    """A weight 1, B weight 1.05; X = (5, 4), Y = (4, 5), Z = (1, 1): see
    test_round_priority.test_sensitivity_top_1_flips_with_ten_percent."""
    x, y, z = (RecommendationFactory(chantier=chantier, code=c) for c in ("X", "Y", "Z"))
    rnd = services.open_round(chantier, by=lead, name="Ronde S")
    services.add_criterion(rnd, by=lead, code="a", name="A", weight=Decimal(1))
    services.add_criterion(rnd, by=lead, code="b", name="B", weight=Decimal("1.05"))
    for rec, a, b in ((x, 5, 4), (y, 4, 5), (z, 1, 1)):
        score(rec, rnd, "a", lead, a)
        score(rec, rnd, "b", lead, b)
    return rnd


def test_sensitivity_page(client, sensitivity_round, staff):
    client.force_login(staff)

    response = client.get(url("round-sensitivity", sensitivity_round.pk) + "?n=1&pct=50")

    assert [r.code for r, _result, _score in response.context["top"]] == ["Y"]
    scenarios = {
        (block["criterion"].code, s["label"]): (
            [(r.code, rank) for r, rank in s["entering"]],
            [(r.code, rank) for r, rank in s["leaving"]],
        )
        for block in response.context["by_criterion"]
        for s in block["scenarios"]
    }
    assert scenarios == {
        ("a", "−50 %"): ([], []),
        ("a", "−10 %"): ([], []),
        ("a", "+10 %"): ([("X", 1)], [("Y", 2)]),
        ("a", "+50 %"): ([("X", 1)], [("Y", 2)]),
        ("b", "−50 %"): ([("X", 1)], [("Y", 2)]),
        ("b", "−10 %"): ([("X", 1)], [("Y", 2)]),
        ("b", "+10 %"): ([], []),
        ("b", "+50 %"): ([], []),
    }
    assert (response.context["stable"], response.context["scenario_count"]) == (4, 8)


def test_sensitivity_defaults_to_top_10_and_25_percent(client, sensitivity_round, lead):
    client.force_login(lead)

    response = client.get(url("round-sensitivity", sensitivity_round.pk))

    assert (response.context["n"], response.context["pct"]) == (10, 25)
    assert (response.context["stable"], response.context["scenario_count"]) == (8, 8)


def test_export_csv_per_assessor_and_consensus(
    client, scored_round1, recs, lead, committee_member, comite2
):
    services.override_tier(recs["R-003"], by=lead, tier="P2", justification="=cmd|' /C calc'!A0")
    client.force_login(committee_member)

    response = client.get(url("round-export", scored_round1.pk, "csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = [
        u.get_full_name()
        for u in sorted(
            [lead, committee_member, comite2], key=lambda u: (u.last_name, u.first_name, u.username)
        )
    ]
    assert rows[0] == [
        "Code",
        "Titre",
        "Axe",
        "Décision",
        *[f"impact — {n}" for n in names],
        "impact — moyenne",
        "impact — écart",
        *[f"cout — {n}" for n in names],
        "cout — moyenne",
        "cout — écart",
        "Score (0–100)",
        "Rang",
        "Niveau calculé",
        "Niveau imposé",
        "Justification du niveau imposé",
        "Niveau",
    ]
    by_code = {row[0]: row for row in rows[1:]}
    r1 = by_code["R-001"]
    impact_scores = dict(zip(names, r1[4:7], strict=True))
    assert impact_scores == {
        lead.get_full_name(): "5",
        committee_member.get_full_name(): "4",
        comite2.get_full_name(): "3",
    }
    assert r1[7:9] == ["4.00", "2"]
    assert r1[-6:] == ["75.00", "1", "P1", "", "", "P1"]
    assert by_code["R-004"][-6:] == ["", "", "", "", "", ""]
    # Formula-looking text is neutralised.
    assert by_code["R-003"][-6:] == ["33.33", "4", "P3", "P2", "'=cmd|' /C calc'!A0", "P2"]
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="{CODE}-ronde-{scored_round1.pk}.csv"'
    )


def test_export_xlsx_sheets(client, scored_round1, lead):
    from openpyxl import load_workbook

    client.force_login(lead)

    response = client.get(url("round-export", scored_round1.pk, "xlsx"))

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Synthèse", "Évaluations", "Critères", "Ronde"]
    assert book["Synthèse"].max_row == 6
    assert book["Évaluations"].max_row == 11  # header + 10 assessments
    assert [c.value for c in book["Critères"][2]][:4] == [
        "impact",
        "Impact",
        2,
        "Plus c'est élevé, mieux c'est",
    ]
    assert [c.value for c in book["Évaluations"][1]] == [
        "Code",
        "Titre",
        "Critère",
        "Évaluateur",
        "Note",
        "Justification",
    ]


def test_export_unknown_format_is_404(client, scored_round1, lead):
    client.force_login(lead)

    assert client.get(url("round-export", scored_round1.pk, "pdf")).status_code == 404


# ---------------------------------------------------------------------------
# Permissions: members read; lead, committee and admin score; lead and admin edit;
# anyone else gets 404 (the chantier is not even confirmed).

ROLES = ["admin_user", "lead", "committee_member", "staff", "outsider"]


def _pages(rnd, recs):
    return {
        "workspace": url("round-workspace"),
        "detail": url("round-detail", rnd.pk),
        "list": url("round-list"),
        "compare": url("round-compare"),
        "sensitivity": url("round-sensitivity", rnd.pk),
        "export": url("round-export", rnd.pk, "csv"),
        "cell": url("round-cell", rnd.pk)
        + f"?recommendation={recs['R-001'].pk}&criterion={criterion(rnd, 'impact').pk}",
        "settings": url("round-settings", rnd.pk),
        "freeze": url("round-freeze", rnd.pk),
        "override": url("round-override", rnd.pk, recs["R-001"].pk),
        "open": url("round-open"),
    }


READ = {"admin_user": 200, "lead": 200, "committee_member": 200, "staff": 200, "outsider": 404}
EDIT = {"admin_user": 200, "lead": 200, "committee_member": 403, "staff": 403, "outsider": 404}
EXPECTED_GET = {
    "workspace": READ,
    "detail": READ,
    "list": READ,
    "compare": READ,
    "sensitivity": READ,
    "export": READ,
    "cell": READ,
    "settings": EDIT,
    "freeze": EDIT,
    "override": EDIT,
    "open": EDIT,
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_pages(client, scored_round1, recs, request, role):
    client.force_login(request.getfixturevalue(role))
    pages = _pages(scored_round1, recs)

    statuses = {name: client.get(path).status_code for name, path in pages.items()}

    assert statuses == {name: expected[role] for name, expected in EXPECTED_GET.items()}


@pytest.mark.parametrize(
    "role, score_status, weights_status",
    [
        ("admin_user", 200, 200),
        ("lead", 200, 200),
        ("committee_member", 200, 403),
        ("staff", 403, 403),
        ("outsider", 404, 404),
    ],
)
def test_permission_matrix_endpoints(
    client, scored_round1, recs, request, role, score_status, weights_status
):
    user = request.getfixturevalue(role)
    if role == "admin_user":
        scored_round1.assessor_links.create(assessor=user)
    impact = criterion(scored_round1, "impact")
    client.force_login(user)

    scored = post_json(
        client,
        url("round-score", scored_round1.pk),
        {"recommendation": recs["R-004"].pk, "criterion": impact.pk, "score": 4},
    )
    weighted = post_json(
        client,
        url("round-weights", scored_round1.pk),
        {"criterion": impact.pk, "weight": "3", "version": impact.version, "reason": "x"},
    )

    assert (scored.status_code, weighted.status_code) == (score_status, weights_status)
    assert Assessment.objects.filter(recommendation=recs["R-004"]).count() == (
        1 if score_status == 200 else 0
    )


def test_anonymous_is_sent_to_login(client, scored_round1):
    response = client.get(url("round-workspace"))

    assert response.status_code == 302
    assert response.url.startswith("/connexion/")


# ---------------------------------------------------------------------------
# Query counts: constant whatever the number of recommendations.


def _round_of(chantier, lead, committee_member, size):
    axis = AxisFactory(chantier=chantier)
    recs = [RecommendationFactory(chantier=chantier, axis=axis) for _ in range(size)]
    rnd = services.open_round(chantier, by=lead, name=f"Ronde {size}")
    for code in ("impact", "cout"):
        services.add_criterion(rnd, by=lead, code=code, name=code)
    for rec in recs:
        for c in rnd.criteria.all():
            services.score_recommendation(rec, criterion=c, by=lead, score=3)
            services.score_recommendation(rec, criterion=c, by=committee_member, score=5)
    return rnd


@pytest.mark.parametrize("size", [1, 3])
def test_workspace_query_count(
    client, chantier, lead, committee_member, django_assert_num_queries, size
):
    rnd = _round_of(chantier, lead, committee_member, size)
    client.force_login(lead)

    with django_assert_num_queries(14):
        response = client.get(url("round-detail", rnd.pk))

    assert len(response.context["rows"]) == size


@pytest.mark.parametrize("size", [1, 3])
def test_compare_query_count(
    client, chantier, lead, committee_member, meeting, django_assert_num_queries, size
):
    first = _round_of(chantier, lead, committee_member, size)
    services.freeze_round(first, by=lead, meeting=meeting)
    second = services.open_round(chantier, by=lead, name="Suivante")
    client.force_login(lead)

    with django_assert_num_queries(12):
        response = client.get(url("round-compare") + f"?a={first.pk}&b={second.pk}")

    assert len(response.context["rows"]) == size


@pytest.mark.parametrize("size", [1, 3])
def test_sensitivity_query_count(
    client, chantier, lead, committee_member, django_assert_num_queries, size
):
    rnd = _round_of(chantier, lead, committee_member, size)
    client.force_login(lead)

    with django_assert_num_queries(9):
        response = client.get(url("round-sensitivity", rnd.pk) + "?n=1&pct=20")

    assert len(response.context["by_criterion"]) == 2
