"""Progress services and the late / stale / implementation roll-ups."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actions import queries, services
from actions.models import Action, ActionRecommendation, ActionStatus, Measurement, ProgressUpdate
from recommendations.models import Recommendation
from tests.factories import (
    ActionFactory,
    ActionRecommendationFactory,
    ChantierFactory,
    IndicatorFactory,
    MilestoneFactory,
    PlanFactory,
    RecommendationFactory,
)

AT = datetime.datetime(2026, 6, 15, 10, 30, tzinfo=datetime.UTC)


@pytest.fixture
def action(chantier, staff):
    return ActionFactory(plan=PlanFactory(chantier=chantier), code="A-01", owner=staff)


def stored(action) -> tuple:
    a = Action.objects.get(pk=action.pk)
    return (a.percent_complete, a.status, a.last_update_at, a.completed_on)


# --- log_progress -------------------------------------------------------------


def test_log_progress_sets_percent_status_and_freshness(action, staff):
    update = services.log_progress(
        action,
        by=staff,
        percent=40,
        status=ActionStatus.ON_TRACK,
        comment=" Appel d'offres lancé. ",
        blockers="Délais du fournisseur",
        evidence_url="https://example.org/ao",
        at=AT,
    )

    assert stored(action) == (40, "on_track", AT, None)
    assert (
        update.author,
        update.created_at,
        update.percent_complete,
        update.status,
        update.comment,
        update.blockers,
        update.evidence_url,
        update.nothing_new,
    ) == (
        staff,
        AT,
        40,
        "on_track",
        "Appel d'offres lancé.",
        "Délais du fournisseur",
        "https://example.org/ao",
        False,
    )
    assert action.history.first().history_user == staff
    assert action.history.first().history_change_reason == "Appel d'offres lancé."


def test_log_progress_done_at_100_sets_completion_date(action, staff):
    services.log_progress(action, by=staff, percent=100, status=ActionStatus.DONE, at=AT)

    assert stored(action) == (100, "done", AT, datetime.date(2026, 6, 15))


def test_log_progress_done_below_100_is_refused(action, staff):
    with pytest.raises(ValidationError) as exc:
        services.log_progress(action, by=staff, percent=90, status=ActionStatus.DONE, at=AT)

    assert exc.value.message_dict == {"percent": ["Une action terminée est à 100 %."]}
    assert stored(action) == (0, "not_started", None, None)
    assert ProgressUpdate.objects.count() == 0


def test_log_progress_reopening_done_action_clears_completion_date(action, staff):
    services.log_progress(action, by=staff, percent=100, status=ActionStatus.DONE, at=AT)

    services.log_progress(
        action, by=staff, percent=90, status=ActionStatus.ON_TRACK, comment="Recette refusée."
    )

    assert stored(action)[:2] + stored(action)[3:] == (90, "on_track", None)


def test_log_progress_percent_drop_without_comment_is_refused(action, staff):
    services.log_progress(action, by=staff, percent=50, status=ActionStatus.ON_TRACK, at=AT)
    history_rows = action.history.count()

    with pytest.raises(ValidationError) as exc:
        services.log_progress(action, by=staff, percent=40, status=ActionStatus.ON_TRACK)

    assert exc.value.message_dict == {
        "comment": ["L'avancement recule (50 % → 40 %) : expliquez pourquoi."]
    }
    assert stored(action) == (50, "on_track", AT, None)
    assert ProgressUpdate.objects.count() == 1
    assert action.history.count() == history_rows


def test_log_progress_percent_drop_with_comment_is_accepted(action, staff):
    services.log_progress(action, by=staff, percent=50, status=ActionStatus.ON_TRACK, at=AT)

    services.log_progress(
        action,
        by=staff,
        percent=40,
        status=ActionStatus.ON_TRACK,
        comment="Un lot a été refait.",
        at=AT,
    )

    assert stored(action) == (40, "on_track", AT, None)
    assert ProgressUpdate.objects.count() == 2


def test_log_progress_worse_status_without_comment_is_refused(action, staff):
    services.log_progress(action, by=staff, percent=50, status=ActionStatus.ON_TRACK, at=AT)

    with pytest.raises(ValidationError) as exc:
        services.log_progress(action, by=staff, percent=60, status=ActionStatus.AT_RISK)

    assert exc.value.message_dict == {
        "comment": ["Le statut se dégrade (En bonne voie → À risque) : expliquez pourquoi."]
    }
    assert stored(action) == (50, "on_track", AT, None)
    assert ProgressUpdate.objects.count() == 1


def test_log_progress_better_status_without_comment_is_accepted(action, staff):
    services.log_progress(
        action, by=staff, percent=50, status=ActionStatus.BLOCKED, comment="Attente du permis."
    )

    services.log_progress(action, by=staff, percent=55, status=ActionStatus.ON_TRACK, at=AT)

    assert stored(action) == (55, "on_track", AT, None)


@pytest.mark.parametrize("percent", [-1, 101, "50"])
def test_log_progress_percent_out_of_range_is_refused(action, staff, percent):
    with pytest.raises(ValidationError) as exc:
        services.log_progress(action, by=staff, percent=percent, status=ActionStatus.ON_TRACK)

    assert exc.value.message_dict == {"percent": ["L'avancement doit être un entier de 0 à 100."]}
    assert ProgressUpdate.objects.count() == 0


def test_log_progress_unknown_status_is_refused(action, staff):
    with pytest.raises(ValidationError) as exc:
        services.log_progress(action, by=staff, percent=10, status="paused")

    assert exc.value.message_dict == {"status": ["Statut inconnu."]}
    assert ProgressUpdate.objects.count() == 0


# --- nothing new --------------------------------------------------------------


def test_record_nothing_new_refreshes_without_changing_progress(action, staff):
    services.log_progress(action, by=staff, percent=30, status=ActionStatus.AT_RISK, comment="x")
    # `action` is the caller's instance, read before that update (as a form would hold it).
    before = timezone.now()

    update = services.record_nothing_new(action, by=staff)

    percent, status, last_update_at, _completed = stored(action)
    assert (percent, status) == (30, "at_risk")
    assert last_update_at >= before
    assert (update.nothing_new, update.comment, update.percent_complete) == (
        True,
        "Rien de nouveau.",
        30,
    )


def test_record_nothing_new_counts_as_fresh_news(chantier, action, staff):
    old = timezone.now() - datetime.timedelta(days=chantier.reporting_period_days + 5)
    services.log_progress(action, by=staff, percent=30, status=ActionStatus.ON_TRACK, at=old)
    assert Action.objects.get(pk=action.pk).is_stale(chantier.reporting_period_days) is True

    services.record_nothing_new(action, by=staff)

    assert Action.objects.get(pk=action.pk).is_stale(chantier.reporting_period_days) is False
    assert queries.actions_for_chantier(chantier, stale=True).count() == 0


# --- late and stale -----------------------------------------------------------

TODAY = datetime.date(2026, 7, 1)
NOW = datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.UTC)


def days_ago(n: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=n)


@pytest.fixture
def flagged(chantier):
    """Actions on the edge of each rule (reporting period 30 days)."""
    plan = PlanFactory(chantier=chantier)
    rows = [
        # code, status, due date, last update, created
        ("past-due", "on_track", datetime.date(2026, 6, 30), days_ago(1), days_ago(90)),
        ("due-today", "on_track", TODAY, days_ago(1), days_ago(90)),
        ("flagged-late", "late", datetime.date(2027, 1, 1), days_ago(1), days_ago(90)),
        ("done-past-due", "done", datetime.date(2026, 1, 1), days_ago(200), days_ago(300)),
        ("cancelled-old", "cancelled", datetime.date(2026, 1, 1), None, days_ago(300)),
        ("no-due-date", "not_started", None, days_ago(29), days_ago(90)),
        ("update-31-days", "on_track", None, days_ago(31), days_ago(90)),
        ("update-30-days", "on_track", None, days_ago(30), days_ago(90)),
        ("never-updated-old", "not_started", None, None, days_ago(40)),
        ("never-updated-new", "not_started", None, None, days_ago(10)),
    ]
    for code, status, due, last, created in rows:
        ActionFactory(
            plan=plan,
            code=code,
            status=status,
            start_date=None,
            due_date=due,
            last_update_at=last,
            created_at=created,
        )
    return Action.objects.filter(chantier=chantier)


def test_is_late_flags_past_due_or_flagged_open_actions(flagged):
    late = {a.code for a in flagged if a.is_late(TODAY)}

    assert late == {"past-due", "flagged-late"}


def test_late_q_agrees_with_is_late(flagged):
    late = set(flagged.filter(queries.late_q(TODAY)).values_list("code", flat=True))

    assert late == {a.code for a in flagged if a.is_late(TODAY)}


def test_is_stale_flags_open_actions_without_news_for_a_period(flagged):
    stale = {a.code for a in flagged if a.is_stale(30, now=NOW)}

    assert stale == {"update-31-days", "never-updated-old"}


def test_stale_q_agrees_with_is_stale(chantier, flagged):
    cutoff = queries.stale_cutoff(chantier, now=NOW)

    stale = set(flagged.filter(queries.stale_q(cutoff)).values_list("code", flat=True))

    assert cutoff == days_ago(30)
    assert stale == {a.code for a in flagged if a.is_stale(30, now=NOW)}


def test_actions_for_chantier_annotations_agree_with_model(chantier):
    plan = PlanFactory(chantier=chantier)
    today = timezone.localdate()
    ActionFactory(plan=plan, code="A-01", start_date=None, due_date=today, status="on_track")
    ActionFactory(
        plan=plan,
        code="A-02",
        start_date=None,
        due_date=today - datetime.timedelta(days=1),
        last_update_at=timezone.now() - datetime.timedelta(days=31),
    )

    rows = queries.actions_for_chantier(chantier).order_by("code")

    assert [(a.code, a.late, a.stale) for a in rows] == [
        ("A-01", False, False),
        ("A-02", True, True),
    ]
    assert [(a.is_late(), a.is_stale(30)) for a in rows] == [(False, False), (True, True)]


# --- implementation progress --------------------------------------------------


def test_implementation_progress_is_mean_of_active_linked_actions(chantier):
    rec = RecommendationFactory(chantier=chantier)
    plan = PlanFactory(chantier=chantier)
    for code, percent, status in [
        ("A-02", 60, "on_track"),
        ("A-01", 30, "at_risk"),
        ("A-03", 100, "done"),
        ("A-04", 0, "cancelled"),
    ]:
        action = ActionFactory(plan=plan, code=code, percent_complete=percent, status=status)
        ActionRecommendationFactory(action=action, recommendation=rec)

    progress = queries.implementation_progress(rec)

    assert progress.percent == 63  # (30 + 60 + 100) / 3 = 63.33
    assert progress.explanation == (
        "Moyenne simple de 3 action(s) : A-01 30 %, A-02 60 %, A-03 100 % → 63 %."
    )
    assert progress.parts == [
        ("A-01", 30, "at_risk"),
        ("A-02", 60, "on_track"),
        ("A-03", 100, "done"),
    ]


def test_implementation_progress_rounds_half_up(chantier):
    rec = RecommendationFactory(chantier=chantier)
    plan = PlanFactory(chantier=chantier)
    for code, percent in [("A-01", 50), ("A-02", 25)]:
        action = ActionFactory(plan=plan, code=code, percent_complete=percent)
        ActionRecommendationFactory(action=action, recommendation=rec)

    progress = queries.implementation_progress(rec)

    assert progress.percent == 38  # 37.5


def test_implementation_progress_without_actions_is_none(chantier):
    rec = RecommendationFactory(chantier=chantier)

    progress = queries.implementation_progress(rec)

    assert (progress.percent, progress.explanation) == (
        None,
        "Aucune action active n'est liée à cette recommandation.",
    )


def test_implementation_progress_implemented_is_100(chantier):
    rec = RecommendationFactory(
        chantier=chantier, disposition=Recommendation.Disposition.IMPLEMENTED
    )
    ActionRecommendationFactory(action__plan__chantier=chantier, recommendation=rec)

    progress = queries.implementation_progress(rec)

    assert (progress.percent, progress.explanation) == (
        100,
        "Recommandation marquée « mise en œuvre » : 100 %.",
    )


# --- milestones, measurements, links ------------------------------------------


def test_reach_milestone_records_date_and_author(action, staff):
    milestone = MilestoneFactory(action=action)

    services.reach_milestone(milestone, by=staff, on=datetime.date(2026, 5, 20))

    milestone.refresh_from_db()
    assert milestone.reached_on == datetime.date(2026, 5, 20)
    last = milestone.history.first()
    assert (last.history_user, last.history_change_reason) == (staff, "Jalon atteint")


def test_reach_milestone_in_the_future_is_refused(action, staff):
    milestone = MilestoneFactory(action=action)

    with pytest.raises(ValidationError) as exc:
        services.reach_milestone(
            milestone, by=staff, on=timezone.localdate() + datetime.timedelta(days=1)
        )

    assert exc.value.message_dict == {
        "reached_on": ["Un jalon ne peut être atteint dans le futur."]
    }
    milestone.refresh_from_db()
    assert milestone.reached_on is None


def test_record_measurement_creates_then_corrects_the_days_value(chantier, lead, staff):
    indicator = IndicatorFactory(chantier=chantier)
    day = datetime.date(2026, 5, 1)
    services.record_measurement(indicator, by=staff, date=day, value=Decimal("20"))

    services.record_measurement(
        indicator, by=lead, date=day, value=Decimal("22.5"), comment="Erreur de saisie"
    )

    assert list(Measurement.objects.values_list("date", "value", "comment", "recorded_by")) == [
        (day, Decimal("22.50"), "Erreur de saisie", lead.pk)
    ]
    history = Measurement.history.order_by("history_date", "history_id")
    assert [(h.history_type, h.history_user, h.value) for h in history] == [
        ("+", staff, Decimal("20.00")),
        ("~", lead, Decimal("22.50")),
    ]


def test_record_measurement_in_the_future_is_refused(chantier, staff):
    indicator = IndicatorFactory(chantier=chantier)

    with pytest.raises(ValidationError) as exc:
        services.record_measurement(
            indicator,
            by=staff,
            date=timezone.localdate() + datetime.timedelta(days=1),
            value=Decimal("1"),
        )

    assert exc.value.message_dict == {"date": ["Une mesure ne peut être datée dans le futur."]}
    assert Measurement.objects.count() == 0


def test_link_recommendation_of_other_chantier_is_refused(action, lead):
    foreign = RecommendationFactory(chantier=ChantierFactory())

    with pytest.raises(ValidationError) as exc:
        services.link_recommendation(action, recommendation=foreign, by=lead)

    assert exc.value.message_dict == {
        "recommendation": ["La recommandation appartient à un autre chantier."]
    }
    assert ActionRecommendation.objects.count() == 0


def test_link_then_unlink_recommendation_leave_history(chantier, action, lead):
    rec = RecommendationFactory(chantier=chantier)

    link = services.link_recommendation(action, recommendation=rec, by=lead, contribution="Pilote")
    services.unlink_recommendation(link, by=lead, reason="Lien erroné")

    assert ActionRecommendation.objects.count() == 0
    history = ActionRecommendation.history.order_by("history_date", "history_id")
    assert [(h.history_type, h.history_user, h.history_change_reason) for h in history] == [
        ("+", lead, None),
        ("-", lead, "Lien erroné"),
    ]
