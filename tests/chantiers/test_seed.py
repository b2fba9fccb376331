"""`manage.py seed_demo`: the demo data set is complete, dated, attributed and idempotent.

The demo is seeded once for the whole module, inside a transaction rolled back at the
end; each test runs in a savepoint of it (pytest-django's `db`), so tests may write."""

import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from actions.models import Action, ActionPartner, ActionStatus, ProgressUpdate
from actions.queries import actions_for_chantier
from chantiers.history import system_user
from chantiers.models import Chantier, CommitteeMeeting, Decision, Membership
from dashboards.models import MeetingSnapshot
from recommendations.models import Assessment, Criterion, PrioritisationRound, Recommendation

DEMO = "aluminerie-avenir"
Disposition = Recommendation.Disposition


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def chantier(demo, db):
    return Chantier.objects.get(code=DEMO)


def tracked_models():
    return [
        m for m in apps.get_models() if hasattr(m, "history") and "Historical" not in m.__name__
    ]


def row_counts() -> dict[str, int]:
    counts = {}
    for model in tracked_models():
        counts[model.__name__] = model.objects.count()
        counts[f"history:{model.__name__}"] = model.history.count()
    counts["users"] = get_user_model().objects.count()
    counts["snapshots"] = MeetingSnapshot.objects.count()
    return counts


def test_seed_has_six_chantiers_and_the_demo_users(chantier):
    roles = dict(Membership.objects.filter(chantier=chantier).values_list("user__username", "role"))
    admin = get_user_model().objects.get(username="admin")
    other = Membership.objects.get(user__username="charge-autre")

    assert Chantier.objects.exclude(code__startswith="synthetique-").count() == 6
    assert chantier.name == "Aluminerie de l'avenir"
    assert roles["responsable"] == "lead"
    assert roles["comite"] == roles["comite-2"] == "committee"
    assert roles["charge"] == "staff"
    assert "charge-autre" not in roles
    assert (other.role, other.chantier.code) == ("staff", "transformation-avancee")
    assert (admin.is_superuser, admin.is_staff) == (True, True)
    for username in ["admin", "responsable", "comite", "charge", "charge-autre"]:
        user = get_user_model().objects.get(username=username)
        assert user.check_password("aluquebec-demo")
        assert user.first_name and user.last_name


def test_seed_has_120_illustrative_recommendations_with_every_disposition(chantier):
    recs = Recommendation.objects.filter(chantier=chantier)
    counts = dict(recs.values_list("disposition").annotate(n=Count("id")))
    codes = set(recs.values_list("code", flat=True))

    assert {f"R-{n:03d}" for n in range(1, 121)} <= codes
    assert set(counts) == set(Disposition.values)
    assert counts[Disposition.UNDER_REVIEW] >= 30
    assert recs.filter(text__contains="illustratif").count() == recs.count()
    assert all("(illustratif)" in r.study.title for r in recs.select_related("study"))
    assert recs.exclude(tier_override="").count() == 2
    assert (
        recs.filter(disposition=Disposition.NOT_RETAINED, disposition_justification="").count() == 0
    )
    assert all(r.merged_into.chantier_id == chantier.pk for r in recs.filter(disposition="merged"))


def test_seed_transfers_create_copies_in_other_chantiers(chantier):
    transferred = Recommendation.objects.filter(chantier=chantier, disposition="transferred")

    assert sorted(
        Recommendation.objects.filter(transferred_from__in=transferred).values_list(
            "chantier__code", "code"
        )
    ) == [("construction-infrastructures", "R-046"), ("economie-circulaire", "R-045")]


def test_seed_has_a_frozen_and_an_open_round_scored_by_several_assessors(chantier):
    rounds = list(PrioritisationRound.objects.filter(chantier=chantier).order_by("opened_on"))
    assessors = {
        rnd.name: set(
            Assessment.objects.filter(criterion__round=rnd).values_list(
                "assessor__username", flat=True
            )
        )
        for rnd in rounds
    }
    criteria = Criterion.objects.filter(round=rounds[0])

    assert [r.status for r in rounds] == ["frozen", "open"]
    assert rounds[0].validated_by_meeting.title.startswith("Comité de suivi n° 1")
    assert assessors[rounds[0].name] == {"responsable", "comite", "comite-2"}
    assert assessors[rounds[1].name] == {"responsable", "comite"}
    assert criteria.count() == 6
    assert criteria.get(code="cout").direction == Criterion.Direction.LOWER_IS_BETTER
    assert all(c.rubric.count("\n") == 4 for c in criteria)
    assert len({c.weight for c in criteria}) > 1
    assert Recommendation.objects.filter(chantier=chantier, score__isnull=False).count() >= 100


def test_seed_has_meetings_with_decisions_of_each_kind(chantier):
    meetings = list(CommitteeMeeting.objects.filter(chantier=chantier).order_by("date"))
    decisions = Decision.objects.filter(meeting__chantier=chantier)
    today = timezone.localdate()

    assert [m.is_closed for m in meetings] == [True, True, True, True, False]
    assert all(m.date < today for m in meetings[:4]) and meetings[4].date > today
    assert MeetingSnapshot.objects.filter(meeting__in=meetings).count() == 4
    assert set(decisions.values_list("kind", flat=True)) == set(Decision.Kind.values)
    assert decisions.filter(recommendations__isnull=False).distinct().count() >= 5
    assert decisions.filter(actions__isnull=False).distinct().count() >= 3
    assert decisions.filter(meeting=meetings[4], status="open").count() >= 3


def test_seed_snapshots_show_the_chantier_as_it_was(chantier):
    figures = [
        s.figures
        for s in MeetingSnapshot.objects.filter(meeting__chantier=chantier).order_by(
            "meeting__date"
        )
    ]

    assert [f["actions"] for f in figures][0] == 0
    assert [f["actions"] for f in figures][1:] == [32, 33, 34]
    percents = [f["percent_complete"] for f in figures[1:]]
    assert percents == sorted(percents)


def test_seed_has_an_action_plan_with_late_stale_and_done_actions(chantier):
    actions = actions_for_chantier(chantier)
    charge = actions.filter(owner__username="charge")

    assert actions.count() >= 30
    assert actions.filter(late=True).count() >= 2
    assert actions.filter(stale=True).count() >= 3
    assert actions.filter(status=ActionStatus.DONE, completed_on__isnull=False).count() >= 5
    assert charge.count() >= 5 and charge.filter(stale=True).count() >= 1
    assert actions.filter(recommendation_links__isnull=True).count() == 0
    assert actions.filter(budget_planned__gt=0, budget_spent__gt=0).count() >= 20
    assert chantier.plans.get().status == "approved"


def test_seed_partners_reach_every_commitment_stage(chantier):
    partners = ActionPartner.objects.filter(action__chantier=chantier)

    assert set(partners.values_list("stage", flat=True)) == set(ActionPartner.Stage.values)
    assert set(
        partners.exclude(contribution_kind="").values_list("contribution_kind", flat=True)
    ) == {
        "money",
        "in_kind",
        "people",
    }
    assert partners.model.history.filter(action__chantier=chantier, stage="withdrawn").exists()


def test_seed_milestones_and_indicators(chantier):
    milestones = chantier.actions.values_list("milestones__reached_on", flat=True)
    indicators = chantier.indicators.annotate(n=Count("measurements"))

    assert sum(1 for d in milestones if d is not None) >= 10
    assert sum(1 for d in milestones if d is None) >= 10
    assert indicators.count() >= 5
    assert all(i.n >= 6 for i in indicators)
    assert indicators.filter(action__isnull=False).count() >= 3


def test_seed_has_300_updates_over_nine_months_that_actions_follow(chantier):
    updates = ProgressUpdate.objects.filter(action__chantier=chantier)
    span = updates.aggregate(first=Min("created_at"), last=Max("created_at"))
    now = timezone.now()

    assert updates.count() >= 300
    assert span["first"] < now - datetime.timedelta(days=274)
    assert now - datetime.timedelta(days=3) < span["last"] < now
    for action in Action.objects.filter(chantier=chantier):
        latest = action.updates.order_by("-created_at", "-pk").first()
        assert (action.percent_complete, action.status, action.last_update_at) == (
            latest.percent_complete,
            latest.status,
            latest.created_at,
        )
    assert updates.exclude(author__username__in=["charge", "charge-2", "responsable"]).count() == 0


def test_seed_history_is_dated_when_things_happened(chantier):
    updates = ProgressUpdate.history.filter(action__chantier=chantier)
    action_rows = Action.history.filter(chantier=chantier, history_type="~")
    first_meeting = CommitteeMeeting.objects.filter(chantier=chantier).order_by("date").first()
    retained_on = Recommendation.history.filter(
        chantier=chantier, disposition="retained", history_date__date__lte=first_meeting.date
    )

    assert all(u.history_date == u.created_at for u in updates)
    assert action_rows.count() >= updates.count()
    assert retained_on.count() >= 30
    assert Recommendation.history.filter(chantier=chantier, history_type="+").aggregate(
        d=Max("history_date")
    )["d"] < timezone.now() - datetime.timedelta(days=365)


def test_seed_history_rows_carry_the_system_user(demo, db):
    system = system_user()

    for model in tracked_models():
        users = set(model.history.values_list("history_user", flat=True).distinct())
        assert users <= {system.pk}, model.__name__


def test_seed_second_run_writes_nothing(demo, db):
    before = row_counts()

    call_command("seed_demo", verbosity=0)

    assert row_counts() == before


def test_seed_if_empty_does_nothing_on_a_database_with_chantiers(demo, db):
    before = row_counts()
    out = StringIO()

    call_command("seed_demo", "--if-empty", stdout=out)

    assert row_counts() == before
    assert "rien à charger" in out.getvalue()
    assert "aluquebec-demo" in out.getvalue()


def test_seed_prints_the_demo_logins(demo, db):
    for username in ["admin", "responsable", "comite", "charge", "charge-autre"]:
        assert f"  {username} " in demo
    assert "mot de passe : aluquebec-demo" in demo


def test_seed_refuses_an_unknown_user(demo, db):
    with pytest.raises(CommandError, match="inconnu"):
        call_command("seed_demo", "--user", "personne", verbosity=0)


def test_seed_scale_adds_synthetic_volume_as_the_given_user(demo, db):
    before = Recommendation.objects.count()

    call_command("seed_demo", "--scale", "1", "--user", "admin", verbosity=0)

    synthetic = Chantier.objects.get(code="synthetique-1")
    recs = Recommendation.objects.filter(chantier=synthetic)
    updates = ProgressUpdate.objects.filter(action__chantier=synthetic)
    assert Recommendation.objects.count() - before == 120
    assert recs.filter(score__isnull=False).count() >= 100
    assert synthetic.actions.count() == 32
    assert updates.count() >= 300
    assert set(
        Recommendation.history.filter(chantier=synthetic).values_list(
            "history_user__username", flat=True
        )
    ) == {"admin"}
    assert set(
        ProgressUpdate.history.filter(action__chantier=synthetic).values_list(
            "history_user__username", flat=True
        )
    ) == {"admin"}
    counts = row_counts()
    call_command("seed_demo", "--scale", "1", verbosity=0)
    assert row_counts() == counts
