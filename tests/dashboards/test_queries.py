"""The numbers behind each figure, against small cases computed by hand."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from actions.models import ActionPartner, ActionStatus, ProgressUpdate
from actions.services import log_progress
from chantiers.models import CommitteeMeeting, Decision
from dashboards import queries
from dashboards.queries import AxisRow, Funnel, Period
from recommendations.models import Recommendation
from recommendations.services import set_disposition
from tests.factories import (
    ActionFactory,
    ActionRecommendationFactory,
    AssessmentFactory,
    AxisFactory,
    ChantierFactory,
    CriterionFactory,
    DecisionFactory,
    IndicatorFactory,
    MeasurementFactory,
    MeetingFactory,
    MilestoneFactory,
    OrganisationFactory,
    PartnerFactory,
    PlanFactory,
    RecommendationFactory,
    RoundFactory,
    UserFactory,
)

D = Recommendation.Disposition
S = ActionStatus
NOW = timezone.now()
TODAY = timezone.localdate(NOW)
PAST = TODAY - datetime.timedelta(days=10)
FUTURE = TODAY + datetime.timedelta(days=100)


@pytest.fixture
def axes(chantier):
    return (
        AxisFactory(chantier=chantier, code="cyber", name="Cybersécurité", order=1),
        AxisFactory(chantier=chantier, code="trace", name="Traçabilité", order=2),
    )


@pytest.fixture
def plan(chantier):
    return PlanFactory(chantier=chantier)


def action(plan, **fields):
    fields.setdefault("last_update_at", NOW)
    fields.setdefault("due_date", FUTURE)
    return ActionFactory(plan=plan, **fields)


def saved_at(moment, obj, **changes):
    """Save `obj` with `changes` as if at `moment` (its history row is dated then)."""
    for name, value in changes.items():
        setattr(obj, name, value)
    obj._history_date = moment
    if obj.pk and changes:
        obj.save(update_fields=list(changes))
    else:
        obj.save()
    return obj


# ---------------------------------------------------------------------------
# Per-axis rows


def test_axis_rows_aggregate_each_axis(chantier, axes, plan):
    cyber, trace = axes
    action(plan, axis=cyber, status=S.ON_TRACK, percent_complete=50, budget_planned=1000)
    action(plan, axis=cyber, status=S.DONE, percent_complete=100, budget_spent=Decimal("250.5"))
    action(plan, axis=cyber, status=S.CANCELLED, percent_complete=80)
    action(plan, axis=cyber, status=S.AT_RISK, percent_complete=0, due_date=PAST)
    action(plan, axis=None, status=S.ON_TRACK, percent_complete=10)

    rows = queries.axis_rows(queries.scope_for(chantier))

    assert rows == [
        AxisRow(
            axis_id=cyber.pk,
            code="cyber",
            name="Cybersécurité",
            actions=4,
            active=2,
            counted=3,
            percent_total=150,
            late=1,
            at_risk=1,
            stale=0,
            budget_planned=1000.0,
            budget_spent=250.5,
        ),
        AxisRow(axis_id=trace.pk, code="trace", name="Traçabilité"),
        AxisRow(
            axis_id=None, code="", name="Sans axe", actions=1, active=1, counted=1, percent_total=10
        ),
    ]
    assert rows[0].percent == 50.0
    assert rows[1].percent is None


def test_axis_rows_count_stale_actions_by_reporting_period(chantier, axes, plan):
    chantier.reporting_period_days = 30
    chantier.save()
    action(plan, axis=axes[0], last_update_at=NOW - datetime.timedelta(days=31))
    action(plan, axis=axes[0], last_update_at=NOW - datetime.timedelta(days=29))
    action(plan, axis=axes[0], status=S.DONE, last_update_at=NOW - datetime.timedelta(days=90))

    rows = queries.axis_rows(queries.scope_for(chantier), now=NOW)

    assert rows[0].stale == 1


def test_axis_and_tier_filters_apply_to_actions(chantier, axes, plan):
    cyber, trace = axes
    p1 = RecommendationFactory(chantier=chantier, axis=cyber, tier="P1")
    p2 = RecommendationFactory(chantier=chantier, axis=cyber, tier="P2")
    a1 = action(plan, axis=cyber, percent_complete=40)
    a2 = action(plan, axis=cyber, percent_complete=80)
    action(plan, axis=trace, percent_complete=10)
    ActionRecommendationFactory(action=a1, recommendation=p1)
    ActionRecommendationFactory(action=a2, recommendation=p2)

    by_axis = queries.axis_rows(queries.scope_for(chantier, axis_code="cyber"))
    by_tier = queries.axis_rows(queries.scope_for(chantier, tier="P1"))

    assert [(r.code, r.actions, r.percent) for r in by_axis] == [("cyber", 2, 60.0)]
    assert [(r.code, r.actions, r.percent) for r in by_tier] == [
        ("cyber", 1, 40.0),
        ("trace", 0, None),
    ]


def test_totals_and_axes_without_active_action(chantier, axes, plan):
    cyber, trace = axes
    action(plan, axis=cyber, status=S.ON_TRACK, percent_complete=20)
    action(plan, axis=trace, status=S.DONE, percent_complete=100)
    rows = queries.axis_rows(queries.scope_for(chantier))

    total = queries.totals(rows)
    idle = queries.axes_without_active_action(rows)

    assert (total.actions, total.active, total.percent) == (2, 1, 60.0)
    assert [r.code for r in idle] == ["trace"]


# ---------------------------------------------------------------------------
# Coverage funnel


def test_coverage_funnel_counts_each_stage(chantier, plan):
    def rec(disposition, *, actions=(), **fields):
        r = RecommendationFactory(chantier=chantier, disposition=disposition, **fields)
        for status in actions:
            ActionRecommendationFactory(action=action(plan, status=status), recommendation=r)
        return r

    rec(D.UNDER_REVIEW)
    rec(D.UNDER_REVIEW)
    rec(D.RETAINED, actions=[S.ON_TRACK])
    rec(D.RETAINED)
    rec(D.IN_IMPLEMENTATION, actions=[S.CANCELLED])
    rec(D.IMPLEMENTED, actions=[S.DONE])
    rec(D.POSTPONED)
    target = rec(D.RETAINED)
    rec(D.MERGED, merged_into=target)

    funnel = queries.coverage_funnel(queries.scope_for(chantier))

    assert funnel == Funnel(recommendations=8, retained=5, with_action=2, implemented=1, awaiting=2)


# ---------------------------------------------------------------------------
# Prioritisation matrix


def test_matrix_points_are_assessor_means_best_score_first(chantier):
    rnd = RoundFactory(chantier=chantier)
    impact = CriterionFactory(round=rnd, code="impact", name="Impact")
    ease = CriterionFactory(round=rnd, code="ease", name="Faisabilité")
    alice, bob = UserFactory(), UserFactory()
    low = RecommendationFactory(chantier=chantier, code="R-001", score=Decimal("40"), tier="P3")
    high = RecommendationFactory(chantier=chantier, code="R-002", score=Decimal("90"), tier="P1")
    half = RecommendationFactory(chantier=chantier, code="R-003", score=Decimal("60"))
    for rec, scores in ((low, (2, 4, 1, 1)), (high, (5, 4, 3, 4))):
        for assessor, criterion, score in zip(
            (alice, bob, alice, bob), (impact, impact, ease, ease), scores, strict=True
        ):
            AssessmentFactory(
                criterion=criterion, recommendation=rec, assessor=assessor, score=score
            )
    AssessmentFactory(criterion=impact, recommendation=half, assessor=alice, score=5)

    points, total = queries.matrix_points(
        queries.scope_for(chantier), x_criterion=impact, y_criterion=ease
    )
    capped, capped_total = queries.matrix_points(
        queries.scope_for(chantier), x_criterion=impact, y_criterion=ease, limit=1
    )

    assert total == 2
    assert [(p.code, p.x, p.y, p.score, p.tier) for p in points] == [
        ("R-002", 4.5, 3.5, 90.0, "P1"),
        ("R-001", 3.0, 1.0, 40.0, "P3"),
    ]
    assert points[0].recommendation_id == high.pk
    assert ([p.code for p in capped], capped_total) == (["R-002"], 2)


# ---------------------------------------------------------------------------
# Gantt


def test_gantt_rows_most_urgent_first_and_capped(chantier, plan):
    start = datetime.date(2026, 1, 1)
    action(plan, code="A-done", status=S.DONE, start_date=start, due_date=PAST)
    action(plan, code="A-open-far", status=S.ON_TRACK, start_date=start, due_date=FUTURE)
    action(
        plan,
        code="A-open-near",
        status=S.ON_TRACK,
        start_date=start,
        due_date=TODAY + datetime.timedelta(days=5),
    )
    action(plan, code="A-risk", status=S.AT_RISK, start_date=start, due_date=FUTURE)
    action(plan, code="A-late", status=S.ON_TRACK, start_date=start, due_date=PAST)
    action(plan, code="A-undated", start_date=None, due_date=None)

    rows, total = queries.gantt_rows(queries.scope_for(chantier), today=TODAY)
    capped, _total = queries.gantt_rows(queries.scope_for(chantier), limit=2, today=TODAY)

    assert total == 5
    assert [(r.code, r.late) for r in rows] == [
        ("A-late", True),
        ("A-risk", False),
        ("A-open-near", False),
        ("A-open-far", False),
        ("A-done", False),
    ]
    assert (rows[0].start, rows[0].due) == (start, PAST)
    assert [r.code for r in capped] == ["A-late", "A-risk"]


# ---------------------------------------------------------------------------
# Progress over time


def _moment(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 12))


def test_monthly_progress_carries_each_actions_latest_percent(chantier, plan):
    author = UserFactory()
    a = action(plan, created_at=_moment(2026, 1, 10))
    b = action(plan, created_at=_moment(2026, 2, 1))
    cancelled = action(plan, status=S.CANCELLED, created_at=_moment(2026, 1, 5))
    late_starter = action(plan, created_at=_moment(2026, 5, 1))  # after the last month asked
    for act, month, day, percent in (
        (a, 1, 15, 20),
        (b, 2, 20, 40),
        (a, 3, 5, 60),
        (a, 3, 25, 50),
        (cancelled, 1, 20, 90),
    ):
        ProgressUpdate.objects.create(
            action=act,
            author=author,
            created_at=_moment(2026, month, day),
            percent_complete=percent,
            status=S.ON_TRACK,
        )
    assert late_starter.pk

    points = queries.monthly_progress(queries.scope_for(chantier), today=datetime.date(2026, 4, 15))

    # Jan: a=20 (1 action); Feb: a=20, b=40; Mar: a=50 (last of March), b=40; Apr: same.
    assert [(p.month, p.percent, p.actions) for p in points] == [
        (datetime.date(2026, 1, 1), 20.0, 1),
        (datetime.date(2026, 2, 1), 30.0, 2),
        (datetime.date(2026, 3, 1), 45.0, 2),
        (datetime.date(2026, 4, 1), 45.0, 2),
    ]


def test_monthly_progress_counts_actions_created_after_their_first_update(chantier, plan):
    """Seeded or imported actions may carry a creation date after their backdated log."""
    author = UserFactory()
    a = action(plan, created_at=_moment(2026, 6, 1))
    ProgressUpdate.objects.create(
        action=a,
        author=author,
        created_at=_moment(2026, 2, 10),
        percent_complete=30,
        status=S.ON_TRACK,
    )

    points = queries.monthly_progress(queries.scope_for(chantier), today=datetime.date(2026, 3, 1))

    assert [(p.month, p.percent, p.actions) for p in points] == [
        (datetime.date(2026, 2, 1), 30.0, 1),
        (datetime.date(2026, 3, 1), 30.0, 1),
    ]


def test_monthly_progress_counts_actions_created_at_the_same_moment(chantier, plan):
    """Imports create many actions at once: each still counts."""
    author = UserFactory()
    same = _moment(2026, 1, 10)
    for percent in (20, 40, 60):
        a = action(plan, created_at=same)
        ProgressUpdate.objects.create(
            action=a, author=author, created_at=same, percent_complete=percent, status=S.ON_TRACK
        )

    points = queries.monthly_progress(queries.scope_for(chantier), today=datetime.date(2026, 1, 20))

    assert [(p.percent, p.actions) for p in points] == [(40.0, 3)]


def test_monthly_progress_is_empty_without_updates(chantier, plan):
    action(plan)

    assert queries.monthly_progress(queries.scope_for(chantier)) == []


# ---------------------------------------------------------------------------
# Partners


def test_partner_engagement_keeps_most_advanced_stage(chantier, axes, plan):
    cyber, trace = axes
    cqrda = OrganisationFactory(name="Centre québécois", acronym="CQRDA")
    mei = OrganisationFactory(name="Ministère", acronym="MEI")
    a1, a2, a3 = action(plan, axis=cyber), action(plan, axis=cyber), action(plan, axis=trace)
    PartnerFactory(action=a1, organisation=cqrda, stage=ActionPartner.Stage.IDENTIFIED)
    PartnerFactory(action=a2, organisation=cqrda, stage=ActionPartner.Stage.COMMITTED)
    PartnerFactory(action=a3, organisation=mei, stage=ActionPartner.Stage.ACTIVE)

    cells, total = queries.partner_engagement(queries.scope_for(chantier))
    capped, capped_total = queries.partner_engagement(queries.scope_for(chantier), limit=1)

    assert total == 2
    assert [(c.organisation, c.axis_id, c.stage, c.partnerships) for c in cells] == [
        ("CQRDA", cyber.pk, "committed", 2),
        ("MEI", trace.pk, "active", 1),
    ]
    assert ([c.organisation for c in capped], capped_total) == (["CQRDA"], 2)


# ---------------------------------------------------------------------------
# Indicators


def test_indicator_rows_use_latest_measurement(chantier, axes, plan):
    a = action(plan, axis=axes[0])
    measured = IndicatorFactory(
        chantier=chantier, action=a, name="Taux de recyclage", baseline=10, target=50
    )
    MeasurementFactory(indicator=measured, date=datetime.date(2026, 5, 1), value=20)
    MeasurementFactory(indicator=measured, date=datetime.date(2026, 6, 1), value=30)
    IndicatorFactory(chantier=chantier, name="Entreprises accompagnées", baseline=0, target=12)

    rows, total = queries.indicator_rows(queries.scope_for(chantier))
    filtered, filtered_total = queries.indicator_rows(
        queries.scope_for(chantier, axis_code="cyber")
    )

    assert total == 2
    assert [(r.name, r.latest, r.latest_date, r.progress) for r in rows] == [
        ("Entreprises accompagnées", None, None, None),
        ("Taux de recyclage", 30.0, datetime.date(2026, 6, 1), 50.0),
    ]
    assert ([r.name for r in filtered], filtered_total) == (["Taux de recyclage"], 1)


# ---------------------------------------------------------------------------
# Portfolio


def test_portfolio_rows_side_by_side(chantier, other_chantier):
    other_chantier.reporting_period_days = 90
    other_chantier.save()
    RecommendationFactory(chantier=chantier, disposition=D.UNDER_REVIEW)
    RecommendationFactory(chantier=chantier, disposition=D.RETAINED)
    RecommendationFactory(chantier=chantier, disposition=D.RETAINED)
    mine, theirs = PlanFactory(chantier=chantier), PlanFactory(chantier=other_chantier)
    forty_days_ago = NOW - datetime.timedelta(days=40)
    action(mine, status=S.ON_TRACK, percent_complete=30, last_update_at=forty_days_ago)
    action(mine, status=S.AT_RISK, percent_complete=60, due_date=PAST)
    action(mine, status=S.CANCELLED, percent_complete=0)
    action(theirs, status=S.ON_TRACK, percent_complete=10, last_update_at=forty_days_ago)
    ChantierFactory(code="zz-vide", name="Zz vide")

    rows = queries.portfolio_rows(
        type(chantier).objects.filter(code__in=["aluminerie-avenir", "autre", "zz-vide"]), now=NOW
    )

    assert [r.code for r in rows] == ["aluminerie-avenir", "autre", "zz-vide"]
    mine_row, theirs_row, empty = rows
    assert mine_row.dispositions == {"under_review": 1, "retained": 2}
    assert (mine_row.recommendations, mine_row.awaiting) == (3, 1)
    assert mine_row.statuses == {"on_track": 1, "at_risk": 1, "cancelled": 1}
    assert (mine_row.percent, mine_row.late, mine_row.at_risk, mine_row.stale) == (45.0, 1, 1, 1)
    assert mine_row.last_update == NOW
    # 40 days without news is stale with a 30-day period, not with a 90-day one.
    assert (theirs_row.percent, theirs_row.stale) == (10.0, 0)
    assert (empty.recommendations, empty.actions, empty.percent, empty.last_update) == (
        0,
        0,
        None,
        None,
    )


# ---------------------------------------------------------------------------
# Key figures, now and as of a past moment


def test_key_figures_now_and_as_of_before_a_change(chantier, axes, plan, lead):
    rec = RecommendationFactory(chantier=chantier, axis=axes[0], tier="P1")
    RecommendationFactory(chantier=chantier, axis=axes[0])
    a = action(plan, axis=axes[0], percent_complete=0, budget_planned=500)
    ActionRecommendationFactory(action=a, recommendation=rec)
    PartnerFactory(action=a, stage=ActionPartner.Stage.COMMITTED)
    before = timezone.now()
    set_disposition(rec, by=lead, disposition=D.RETAINED)
    log_progress(a, by=lead, percent=40, status=S.ON_TRACK)

    now = queries.key_figures(chantier)
    then = queries.key_figures(chantier, as_of=before)

    assert now["dispositions"] == {"retained": 1, "under_review": 1}
    assert now["funnel"] == {
        "recommendations": 2,
        "retained": 1,
        "with_action": 1,
        "implemented": 0,
        "awaiting": 1,
    }
    assert (now["percent_complete"], now["partners_engaged"], now["budget_planned"]) == (
        40.0,
        1,
        500.0,
    )
    assert now["tiers"] == {"P1": 1}
    assert [(x["code"], x["actions"], x["percent_total"]) for x in now["axes"]] == [
        ("cyber", 1, 40),
        ("trace", 0, 0),
    ]
    assert then["dispositions"] == {"under_review": 2}
    assert (then["funnel"]["retained"], then["funnel"]["with_action"]) == (0, 0)
    assert (then["percent_complete"], then["last_update"]) == (0.0, NOW.isoformat())
    assert then["axes"][0]["percent_total"] == 0


def test_key_figures_as_of_before_anything_existed(chantier):
    RecommendationFactory(chantier=chantier)

    figures = queries.key_figures(chantier, as_of=NOW - datetime.timedelta(days=365))

    assert (figures["recommendations"], figures["actions"], figures["percent_complete"]) == (
        0,
        0,
        None,
    )


# ---------------------------------------------------------------------------
# Committee report


def test_report_period_runs_from_previous_meeting_to_this_one(chantier):
    closed_at = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 30))
    first = MeetingFactory(chantier=chantier, date=datetime.date(2026, 3, 1), closed_at=closed_at)
    second = MeetingFactory(chantier=chantier, date=datetime.date(2026, 6, 1))
    now = timezone.make_aware(datetime.datetime(2026, 9, 1, 8))

    period = queries.report_period(second, first, now=now)
    first_period = queries.report_period(first, None, now=now)

    assert period == Period(
        since=closed_at, until=timezone.make_aware(datetime.datetime(2026, 6, 2))
    )
    assert first_period == Period(since=None, until=closed_at)
    assert (
        queries.meeting_moment(
            MeetingFactory(chantier=chantier, date=datetime.date(2026, 12, 1)), now=now
        )
        == now
    )


@pytest.fixture
def period():
    return Period(since=NOW - datetime.timedelta(days=30), until=NOW)


def test_new_and_changed_recommendations_in_period(chantier, period):
    long_ago = NOW - datetime.timedelta(days=60)
    inside = NOW - datetime.timedelta(days=10)
    old = saved_at(
        long_ago,
        RecommendationFactory.build(chantier=chantier, code="R-001", axis=None, study=None),
    )
    tiered = saved_at(
        long_ago,
        RecommendationFactory.build(
            chantier=chantier, code="R-002", axis=None, study=None, tier="P3"
        ),
    )
    undone = saved_at(
        long_ago,
        RecommendationFactory.build(chantier=chantier, code="R-003", axis=None, study=None),
    )
    saved_at(
        inside, RecommendationFactory.build(chantier=chantier, code="R-004", axis=None, study=None)
    )
    saved_at(inside, old, disposition=D.RETAINED)
    saved_at(inside, tiered, tier="P1")
    saved_at(inside, undone, disposition=D.POSTPONED)
    saved_at(inside + datetime.timedelta(days=1), undone, disposition=D.UNDER_REVIEW)
    saved_at(NOW + datetime.timedelta(days=1), tiered, tier="P2")  # after the period

    new = queries.new_recommendations(chantier, period)
    changes = queries.recommendation_changes(chantier, period)
    transitions = queries.disposition_transitions(chantier, period)

    assert ([r["code"] for r in new.rows], new.total) == (["R-004"], 1)
    assert [
        (
            r["code"],
            r["disposition_before"],
            r["disposition_after"],
            r["tier_before"],
            r["tier_after"],
        )
        for r in changes.rows
    ] == [
        ("R-001", "under_review", "retained", "", ""),
        ("R-002", "under_review", "under_review", "P3", "P1"),
    ]
    assert transitions == [
        {"disposition_before": "under_review", "disposition_after": "retained", "n": 1}
    ]


def test_action_progress_in_period(chantier, plan, period):
    author = UserFactory()
    moved = action(plan, code="A-1")
    quiet = action(plan, code="A-2")
    for act, days_ago, percent in (
        (moved, 40, 20),
        (moved, 20, 50),
        (moved, 5, 70),
        (quiet, 40, 10),
    ):
        ProgressUpdate.objects.create(
            action=act,
            author=author,
            created_at=NOW - datetime.timedelta(days=days_ago),
            percent_complete=percent,
            status=S.ON_TRACK,
        )
    fresh = action(plan, code="A-3")
    ProgressUpdate.objects.create(
        action=fresh,
        author=author,
        created_at=NOW - datetime.timedelta(days=2),
        percent_complete=15,
        status=S.AT_RISK,
    )

    progress = queries.action_progress(chantier, period)

    assert [
        (
            r["code"],
            r["percent_before"],
            r["percent_after"],
            r["gain"],
            r["status_after"],
            r["updates_in_period"],
        )
        for r in progress.rows
    ] == [("A-1", 20, 70, 50, "on_track", 2), ("A-3", 0, 15, 15, "at_risk", 1)]


def test_actions_turned_late_or_stale_in_period(chantier, plan, period):
    long_ago = NOW - datetime.timedelta(days=60)
    inside = NOW - datetime.timedelta(days=10)
    fresh_news = NOW - datetime.timedelta(days=1)

    def make(code, **fields):
        fields = {
            "due_date": FUTURE,
            "last_update_at": fresh_news,
            "created_at": long_ago,
            **fields,
        }
        return saved_at(
            long_ago, ActionFactory.build(plan=plan, chantier=chantier, code=code, **fields)
        )

    turned_late = make("A-1")
    saved_at(inside, turned_late, status=S.LATE)
    make("A-2", status=S.LATE)  # already late at the start
    make("A-3", due_date=TODAY - datetime.timedelta(days=1))  # fell due during the period
    make("A-4", last_update_at=NOW - datetime.timedelta(days=40))  # silent since: now stale
    make("A-5", status=S.DONE, due_date=PAST)  # closed: never late

    turned = queries.actions_turned_late_or_stale(chantier, period)

    assert [(r["code"], r["became_late"], r["became_stale"]) for r in turned.rows] == [
        ("A-1", True, False),
        ("A-3", True, False),
        ("A-4", False, True),
    ]


def test_partners_newly_engaged_in_period(chantier, plan, period):
    long_ago = NOW - datetime.timedelta(days=60)
    inside = NOW - datetime.timedelta(days=10)
    a = action(plan, code="A-1")
    org = OrganisationFactory(name="Société de la vallée", acronym="SVA")
    moved = saved_at(long_ago, PartnerFactory.build(action=a, organisation=org, stage="interested"))
    saved_at(inside, moved, stage=ActionPartner.Stage.COMMITTED)
    already = saved_at(
        long_ago,
        PartnerFactory.build(action=a, organisation=OrganisationFactory(), stage="committed"),
    )
    saved_at(inside, already, stage=ActionPartner.Stage.ACTIVE)
    saved_at(
        inside,
        PartnerFactory.build(
            action=a,
            organisation=OrganisationFactory(name="Ministère", acronym="MEI"),
            stage="active",
        ),
    )

    partners = queries.partners_newly_engaged(chantier, period)

    assert [
        (r["organisation__acronym"], r["stage_before"], r["stage_after"]) for r in partners.rows
    ] == [("MEI", None, "active"), ("SVA", "interested", "committed")]


def test_milestones_reached_in_period(chantier, plan, period):
    a = action(plan, code="A-1")
    MilestoneFactory(action=a, title="Avant", reached_on=TODAY - datetime.timedelta(days=40))
    MilestoneFactory(action=a, title="Pendant", reached_on=TODAY - datetime.timedelta(days=3))
    MilestoneFactory(action=a, title="Pas encore", reached_on=None)

    milestones = queries.milestones_reached(chantier, period)

    assert [m["title"] for m in milestones.rows] == ["Pendant"]


def test_earlier_decisions_to_follow(chantier, period):
    first = MeetingFactory(chantier=chantier, date=datetime.date(2026, 1, 10))
    this = MeetingFactory(chantier=chantier, date=datetime.date(2026, 3, 10))
    DecisionFactory(meeting=first, text="Ouverte", status=Decision.Status.OPEN)
    done_long_ago = DecisionFactory.build(meeting=first, text="Close", status=Decision.Status.DONE)
    saved_at(NOW - datetime.timedelta(days=60), done_long_ago)
    just_done = saved_at(
        NOW - datetime.timedelta(days=60),
        DecisionFactory.build(meeting=first, text="Réalisée pendant la période"),
    )
    saved_at(NOW - datetime.timedelta(days=5), just_done, status=Decision.Status.DONE)
    DecisionFactory(meeting=this, text="De cette réunion")

    decisions = queries.earlier_decisions_to_follow(this, period)

    assert [d["text"] for d in decisions.rows] == ["Ouverte", "Réalisée pendant la période"]


def test_report_lists_are_capped_with_their_total(chantier):
    for i in range(3):
        RecommendationFactory(chantier=chantier, code=f"R-{i}")
    period = Period(since=NOW, until=timezone.now())

    new = queries.new_recommendations(chantier, period, limit=2)

    assert ([r["code"] for r in new.rows], new.total, new.more) == (["R-0", "R-1"], 3, 1)


def test_report_reads_only_its_chantier(chantier, other_chantier, period):
    RecommendationFactory(chantier=other_chantier)
    MeetingFactory(chantier=other_chantier)

    assert queries.new_recommendations(chantier, period).total == 0
    assert CommitteeMeeting.objects.filter(chantier=chantier).count() == 0
