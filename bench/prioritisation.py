"""Prioritisation at scale: a round of 1,000 recommendations × 6 criteria × 3 assessors
(18,000 scores) on a scratch SQLite database.

Measures, each next to the same-run baseline of the raw aggregate query the page needs
(mean, min, max, count per recommendation × criterion):
- the scoring workspace page (default page of 100 rows, and all 1,000 rows at once);
- the weight-sensitivity computation (top 10, ±10 % and ±25 % on each of the 6
  criteria: 24 scenarios) and the sensitivity page;
- the comparison page of two such rounds;
- one scoring request (save, recompute of the stored priorities, new ranking).

Usage: .venv/bin/python bench/prioritisation.py [--recommendations 1000] [--runs 5]
Budget (issue 7): workspace page and sensitivity computation under 1 s each.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(fn, runs):
    """Median wall time and median CPU time of this process (SQLite runs in-process) of
    `runs` calls, in seconds, after one warm-up call. On a shared machine the wall time
    includes waiting for a core; the CPU time does not."""
    fn()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recommendations", type=int, default=1000)
    parser.add_argument("--criteria", type=int, default=6)
    parser.add_argument("--assessors", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--db", help="keep the scratch database at this path and reuse it when it exists"
    )
    args = parser.parse_args()

    scratch = tempfile.TemporaryDirectory(prefix="bench-prioritisation-")
    db_path = Path(args.db) if args.db else Path(scratch.name) / "bench.sqlite3"
    reuse = db_path.exists()
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client through ALLOWED_HOSTS
    if reuse:
        from recommendations.models import PrioritisationRound

        first, second = PrioritisationRound.objects.order_by("pk")[:2]
    else:
        call_command("migrate", verbosity=0)
        first, second = build(args)

    from django.contrib.auth import get_user_model

    from recommendations import priority
    from recommendations.queries import consensus_for_round, round_table
    from recommendations.rounds import SENSITIVITY_STEP

    client = Client()
    client.force_login(get_user_model().objects.get(username="lead"))
    code = second.chantier.code

    def baseline():
        list(consensus_for_round(second))

    def raw_sql():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.recommendation_id, a.criterion_id, AVG(a.score), MIN(a.score), "
                "MAX(a.score), COUNT(*) FROM recommendations_assessment a "
                "JOIN recommendations_criterion c ON c.id = a.criterion_id "
                "WHERE c.round_id = %s GROUP BY 1, 2",
                [second.pk],
            )
            cursor.fetchall()

    def get(path):
        def run():
            response = client.get(path)
            assert response.status_code == 200, response.status_code

        return run

    def sensitivity():
        table = round_table(second)
        changes = [-Decimal("0.25"), -SENSITIVITY_STEP, SENSITIVITY_STEP, Decimal("0.25")]
        priority.sensitivity(table.means, table.results.keys(), table.specs, n=10, changes=changes)

    rec_ids = list(second.scope_links.values_list("recommendation_id", flat=True))
    criteria = list(second.criteria.all())
    rng = random.Random(7)

    def score_one():
        response = client.post(
            f"/c/{code}/priorisation/rondes/{second.pk}/noter/",
            {
                "recommendation": rng.choice(rec_ids),
                "criterion": rng.choice(criteria).pk,
                "score": rng.randint(1, 5),
            },
            content_type="application/json",
        )
        assert response.status_code == 200, response.content

    base = timed(baseline, args.runs)
    measures = [
        ("raw SQL aggregate (cursor)", timed(raw_sql, args.runs)),
        ("workspace page, 100 rows", timed(get(f"/c/{code}/priorisation/"), args.runs)),
        (
            "workspace page, all rows",
            timed(get(f"/c/{code}/priorisation/?per_page=1000"), args.runs),
        ),
        ("sensitivity computation (24 scenarios)", timed(sensitivity, args.runs)),
        (
            "sensitivity page",
            timed(get(f"/c/{code}/priorisation/rondes/{second.pk}/sensibilite/"), args.runs),
        ),
        (
            "comparison page (2 rounds)",
            timed(get(f"/c/{code}/priorisation/comparer/?a={first.pk}&b={second.pk}"), args.runs),
        ),
        ("one scoring request", timed(score_one, args.runs)),
    ]

    n, c, a = args.recommendations, args.criteria, args.assessors
    print(
        f"Round of {n} recommendations × {c} criteria × {a} assessors "
        f"({n * c * a} scores), SQLite, median of {args.runs} runs"
    )
    print(f"{'measure':42} {'wall s':>8} {'× base':>7} {'CPU s':>8} {'× base':>7}")
    print(
        f"{'baseline: consensus_for_round (ORM)':42} {base[0]:8.3f} {1:7.1f} {base[1]:8.3f} {1:7.1f}"
    )
    for label, (wall, cpu) in measures:
        print(f"{label:42} {wall:8.3f} {wall / base[0]:7.1f} {cpu:8.3f} {cpu / base[1]:7.1f}")
    budgeted = ("workspace page, 100 rows", "sensitivity computation (24 scenarios)")
    over = [label for label, (wall, _cpu) in measures if label in budgeted and wall >= 1]
    if over:
        print("OVER BUDGET (1 s wall):", ", ".join(over))
        return 1
    return 0


def build(args):
    """Two rounds of the same chantier: the first frozen, the second open, both fully
    scored. Writes go through history-keeping bulk helpers."""
    from django.contrib.auth import get_user_model
    from simple_history.utils import bulk_create_with_history

    from chantiers.models import Chantier, CommitteeMeeting, Membership
    from recommendations import services
    from recommendations.models import Assessment, Recommendation, StrategicAxis

    User = get_user_model()
    chantier = Chantier.objects.create(code="banc", name="Banc d'essai")
    lead = User.objects.create(username="lead", first_name="Léa", last_name="Responsable")
    assessors = [lead]
    Membership.objects.create(user=lead, chantier=chantier, role=Membership.Role.LEAD)
    for i in range(1, args.assessors):
        user = User.objects.create(username=f"comite{i}", last_name=f"Comité {i}")
        Membership.objects.create(user=user, chantier=chantier, role=Membership.Role.COMMITTEE)
        assessors.append(user)
    axes = [
        StrategicAxis.objects.create(chantier=chantier, code=f"AX{i}", name=f"Axe {i}")
        for i in range(8)
    ]
    bulk_create_with_history(
        [
            Recommendation(
                chantier=chantier,
                code=f"R-{i:04d}",
                title=f"Recommandation synthétique {i}",
                axis=axes[i % len(axes)],
            )
            for i in range(1, args.recommendations + 1)
        ],
        Recommendation,
        batch_size=500,
        default_user=lead,
    )
    meeting = CommitteeMeeting.objects.create(
        chantier=chantier, date="2026-06-01", title="Comité de juin"
    )
    rng = random.Random(42)
    rounds = []
    for number in (1, 2):
        rnd = services.open_round(chantier, by=lead, name=f"Ronde {number}")
        if number == 1:
            for i in range(args.criteria):
                services.add_criterion(
                    rnd,
                    by=lead,
                    code=f"c{i}",
                    name=f"Critère {i}",
                    weight=Decimal(1 + i % 3),
                    direction="lower" if i == args.criteria - 1 else "higher",
                )
        criteria = list(rnd.criteria.all())
        recs = list(Recommendation.objects.filter(chantier=chantier).values_list("pk", flat=True))
        bulk_create_with_history(
            [
                Assessment(
                    criterion=c, recommendation_id=pk, assessor=user, score=rng.randint(1, 5)
                )
                for pk in recs
                for c in criteria
                for user in assessors
            ],
            Assessment,
            batch_size=1000,
            default_user=lead,
        )
        services.recompute_priorities(chantier, by=lead)
        if number == 1:
            services.freeze_round(rnd, by=lead, meeting=meeting)
        rounds.append(rnd)
    return rounds


if __name__ == "__main__":
    sys.exit(main())
