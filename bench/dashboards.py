"""Dashboard pages at scale: server time against the raw SQL they need.

For each dashboard page — portfolio, chantier dashboard (unfiltered and filtered),
committee report of an open meeting and of a closed one — prints:

- subject: the page's server time (Django test client, whole request: session, scoping,
  aggregates, Plotly figures, template), median of --runs runs after one warm-up;
- baseline: the time of hand-written SQL computing the same aggregates
  (cursor.execute, same database, same run, median of --runs);
- their ratio, the page's query count, and the figure JSON it sends (must stay under
  200 KB).

The data set is `manage.py seed_demo --scale N` in its own SQLite file (bench/bench.sqlite3,
created on the first run and reused; --reseed rebuilds it). The SQL is SQLite's dialect.

    .venv/bin/python bench/dashboards.py [--scale 100] [--runs 5] [--reseed]
"""

import argparse
import datetime
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB = Path(__file__).resolve().parent / "bench.sqlite3"
JSON_BUDGET = 200_000


def configure(db: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    # Test settings: DEBUG off (no query log overhead), plain static storage.
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import warnings

    import django

    # whitenoise warns that collectstatic has not run: the bench serves no static file.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()


def seed(scale: int, reseed: bool) -> None:
    from django.core.management import call_command, get_commands

    if reseed and DB.exists():
        DB.unlink()
    fresh = not DB.exists()
    call_command("migrate", verbosity=0)
    if fresh:
        if "seed_demo" not in get_commands():
            sys.exit("manage.py seed_demo is not available yet: merge the branch that adds it.")
        print(f"seeding seed_demo --scale {scale} into {DB.name} (once)…", flush=True)
        started = time.perf_counter()
        call_command("seed_demo", scale=scale, verbosity=0)
        print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)


def median_ms(fn, runs: int) -> float:
    fn()  # warm-up: caches, plotly validators, SQLite pages
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


# ---------------------------------------------------------------------------
# Hand-written SQL: what each page needs, computed directly.

OPEN = "status NOT IN ('done', 'cancelled')"


def sql_portfolio(p: dict) -> list[tuple[str, list]]:
    ids = ",".join(str(i) for i in p["chantier_ids"])
    return [
        (
            f"SELECT id, code, name, reporting_period_days FROM chantiers_chantier WHERE id IN ({ids})",
            [],
        ),
        (
            f"SELECT chantier_id, disposition, COUNT(*) FROM recommendations_recommendation "
            f"WHERE chantier_id IN ({ids}) GROUP BY chantier_id, disposition",
            [],
        ),
        (
            f"SELECT chantier_id, status, COUNT(*) FROM actions_action "
            f"WHERE chantier_id IN ({ids}) GROUP BY chantier_id, status",
            [],
        ),
        (
            f"""SELECT a.chantier_id,
                SUM(a.status <> 'cancelled'),
                SUM(CASE WHEN a.status <> 'cancelled' THEN a.percent_complete END),
                SUM(a.{OPEN} AND (a.status = 'late' OR a.due_date < date('now'))),
                SUM(a.status = 'at_risk'),
                SUM(a.{OPEN} AND COALESCE(a.last_update_at, a.created_at)
                    < datetime('now', '-' || c.reporting_period_days || ' days')),
                MAX(a.last_update_at)
            FROM actions_action a JOIN chantiers_chantier c ON c.id = a.chantier_id
            WHERE a.chantier_id IN ({ids}) GROUP BY a.chantier_id""",
            [],
        ),
    ]


def _actions_where(axis_id, tier) -> tuple[str, list]:
    where, params = "a.chantier_id = %s", []
    if axis_id:
        where += " AND a.axis_id = %s"
        params.append(axis_id)
    if tier:
        where += (
            " AND EXISTS (SELECT 1 FROM actions_actionrecommendation ar JOIN "
            "recommendations_recommendation r ON r.id = ar.recommendation_id "
            "WHERE ar.action_id = a.id AND r.tier = %s)"
        )
        params.append(tier)
    return where, params


def sql_dashboard(p: dict, axis_id=None, tier="") -> list[tuple[str, list]]:
    c = p["chantier_id"]
    aw, ap = _actions_where(axis_id, tier)
    ap = [c, *ap]
    rw, rp = "r.chantier_id = %s", [c]
    if axis_id:
        rw += " AND r.axis_id = %s"
        rp.append(axis_id)
    if tier:
        rw += " AND r.tier = %s"
        rp.append(tier)
    x, y = p["criteria"]
    return [
        (
            f"""SELECT a.axis_id, COUNT(*), SUM(a.{OPEN}), SUM(a.status <> 'cancelled'),
                SUM(CASE WHEN a.status <> 'cancelled' THEN a.percent_complete END),
                SUM(a.{OPEN} AND (a.status = 'late' OR a.due_date < date('now'))),
                SUM(a.status = 'at_risk'),
                SUM(a.{OPEN} AND COALESCE(a.last_update_at, a.created_at)
                    < datetime('now', '-30 days')),
                SUM(a.budget_planned), SUM(a.budget_spent)
            FROM actions_action a WHERE {aw} GROUP BY a.axis_id""",
            ap,
        ),
        (
            f"""SELECT COUNT(*),
                SUM(r.disposition IN ('retained', 'in_implementation', 'implemented')),
                SUM(r.disposition IN ('retained', 'in_implementation', 'implemented')
                    AND EXISTS (SELECT 1 FROM actions_actionrecommendation ar
                                JOIN actions_action a ON a.id = ar.action_id
                                WHERE ar.recommendation_id = r.id AND a.status <> 'cancelled')),
                SUM(r.disposition = 'implemented'), SUM(r.disposition = 'under_review')
            FROM recommendations_recommendation r
            WHERE {rw} AND r.disposition NOT IN ('merged', 'transferred')""",
            rp,
        ),
        (
            f"""SELECT r.id, r.code, r.title, AVG(CASE WHEN s.criterion_id = %s THEN s.score END) mx,
                AVG(CASE WHEN s.criterion_id = %s THEN s.score END) my, r.score, r.tier,
                COUNT(*) OVER ()
            FROM recommendations_recommendation r
            JOIN recommendations_assessment s ON s.recommendation_id = r.id
            WHERE {rw} AND r.disposition NOT IN ('merged', 'transferred')
              AND s.criterion_id IN (%s, %s)
            GROUP BY r.id HAVING mx IS NOT NULL AND my IS NOT NULL
            ORDER BY r.score IS NULL, r.score DESC, r.code LIMIT 300""",
            [x, y, *rp, x, y],
        ),
        (
            f"""SELECT a.id, a.code, a.title, a.start_date, a.due_date, a.status,
                a.percent_complete, COUNT(*) OVER ()
            FROM actions_action a
            WHERE {aw} AND a.start_date IS NOT NULL AND a.due_date IS NOT NULL
            ORDER BY CASE WHEN a.{OPEN} AND (a.status = 'late' OR a.due_date < date('now'))
                          THEN 0 WHEN a.status IN ('at_risk', 'blocked') THEN 1
                          WHEN a.{OPEN} THEN 2 ELSE 3 END, a.due_date, a.code
            LIMIT 40""",
            ap,
        ),
        (
            f"""SELECT strftime('%%Y-%%m', created_at) m, SUM(percent_complete - COALESCE(prev, 0))
            FROM (SELECT u.created_at, u.percent_complete,
                    LAG(u.percent_complete) OVER (PARTITION BY u.action_id
                                                  ORDER BY u.created_at, u.id) prev
                  FROM actions_progressupdate u JOIN actions_action a ON a.id = u.action_id
                  WHERE {aw} AND a.status <> 'cancelled')
            GROUP BY m ORDER BY m""",
            ap,
        ),
        (
            f"""SELECT strftime('%%Y-%%m', MIN(a.created_at, COALESCE(
                    (SELECT MIN(u.created_at) FROM actions_progressupdate u
                     WHERE u.action_id = a.id), a.created_at))) m, COUNT(*)
            FROM actions_action a WHERE {aw} AND a.status <> 'cancelled' GROUP BY m""",
            ap,
        ),
        (
            f"""SELECT p.organisation_id, o.name, o.acronym, a.axis_id,
                MAX(CASE p.stage WHEN 'withdrawn' THEN 0 WHEN 'identified' THEN 1
                    WHEN 'approached' THEN 2 WHEN 'interested' THEN 3 WHEN 'committed' THEN 4
                    WHEN 'active' THEN 5 END), COUNT(*)
            FROM actions_actionpartner p JOIN actions_action a ON a.id = p.action_id
            JOIN chantiers_organisation o ON o.id = p.organisation_id
            WHERE {aw} GROUP BY p.organisation_id, o.name, o.acronym, a.axis_id""",
            ap,
        ),
        (
            """SELECT i.id, i.name, i.unit, i.baseline, i.target,
                (SELECT m.value FROM actions_measurement m WHERE m.indicator_id = i.id
                 ORDER BY m.date DESC LIMIT 1),
                (SELECT MAX(m.date) FROM actions_measurement m WHERE m.indicator_id = i.id),
                COUNT(*) OVER ()
            FROM actions_indicator i WHERE i.chantier_id = %s ORDER BY i.name, i.id LIMIT 30"""
            if not (axis_id or tier)
            else f"""SELECT i.id, i.name, i.unit, i.baseline, i.target,
                (SELECT m.value FROM actions_measurement m WHERE m.indicator_id = i.id
                 ORDER BY m.date DESC LIMIT 1),
                (SELECT MAX(m.date) FROM actions_measurement m WHERE m.indicator_id = i.id),
                COUNT(*) OVER ()
            FROM actions_indicator i JOIN actions_action a ON a.id = i.action_id
            WHERE i.chantier_id = %s AND {aw} ORDER BY i.name, i.id LIMIT 30""",
            [c] if not (axis_id or tier) else [c, *ap],
        ),
    ]


def _latest(table: str, column: str, moment_param: str = "%s", ref: str = "x.id") -> str:
    return (
        f"(SELECT h.{column} FROM {table} h WHERE h.id = {ref} AND h.history_date <= "
        f"{moment_param} ORDER BY h.history_date DESC, h.history_id DESC LIMIT 1)"
    )


def sql_report(p: dict, *, closed: bool) -> list[tuple[str, list]]:
    """The report: the key figures now (an open meeting; a closed one reads its
    snapshot) and the changes of the period, from the history tables and the log."""
    c, since, until, meeting_date = p["chantier_id"], p["since"], p["until"], p["meeting_date"]
    statements = [] if closed else sql_key_figures(c)
    hr, ha, hp = (
        "recommendations_historicalrecommendation",
        "actions_historicalaction",
        "actions_historicalactionpartner",
    )
    statements += [
        (
            f"""SELECT id, code, title, COUNT(*) OVER () FROM {hr}
            WHERE chantier_id = %s AND history_type = '+' AND history_date > %s
              AND history_date <= %s ORDER BY code LIMIT 100""",
            [c, since, until],
        ),
        (
            f"""SELECT * FROM (SELECT x.id, x.code, x.title,
                {_latest(hr, "disposition")} d0, {_latest(hr, "disposition")} d1,
                {_latest(hr, "tier")} t0, {_latest(hr, "tier")} t1
              FROM recommendations_recommendation x WHERE x.chantier_id = %s AND EXISTS (
                SELECT 1 FROM {hr} h WHERE h.id = x.id AND h.history_date > %s
                AND h.history_date <= %s))
            WHERE d0 IS NOT NULL AND (d0 <> d1 OR t0 <> t1) ORDER BY code""",
            [since, until, since, until, c, since, until],
        ),
        (
            """SELECT x.id, x.code, x.title,
                COALESCE((SELECT u.percent_complete FROM actions_progressupdate u
                   WHERE u.action_id = x.id AND u.created_at <= %s
                   ORDER BY u.created_at DESC, u.id DESC LIMIT 1), 0) p0,
                (SELECT u.percent_complete FROM actions_progressupdate u
                   WHERE u.action_id = x.id AND u.created_at <= %s
                   ORDER BY u.created_at DESC, u.id DESC LIMIT 1) p1,
                (SELECT COUNT(*) FROM actions_progressupdate u WHERE u.action_id = x.id
                   AND u.created_at > %s AND u.created_at <= %s) n
            FROM actions_action x WHERE x.chantier_id = %s AND EXISTS (
                SELECT 1 FROM actions_progressupdate u WHERE u.action_id = x.id
                AND u.created_at > %s AND u.created_at <= %s)
            ORDER BY p1 - p0 DESC, x.code LIMIT 100""",
            [since, until, since, until, c, since, until],
        ),
        (
            f"""SELECT * FROM (SELECT x.id, x.code, x.title, x.created_at,
                {_latest(ha, "status")} s0, {_latest(ha, "due_date")} due0,
                COALESCE({_latest(ha, "last_update_at")}, x.created_at) news0,
                {_latest(ha, "status")} s1, {_latest(ha, "due_date")} due1,
                COALESCE({_latest(ha, "last_update_at")}, x.created_at) news1
              FROM actions_action x WHERE x.chantier_id = %s)
            WHERE (s1 NOT IN ('done', 'cancelled') AND (s1 = 'late' OR due1 < date(%s))
                   AND NOT COALESCE(s0 NOT IN ('done', 'cancelled')
                                    AND (s0 = 'late' OR due0 < date(%s)), 0))
               OR (s1 NOT IN ('done', 'cancelled') AND news1 < datetime(%s, '-30 days')
                   AND NOT COALESCE(s0 NOT IN ('done', 'cancelled')
                                    AND news0 < datetime(%s, '-30 days'), 0))
            ORDER BY code""",
            [since, since, since, until, until, until, c, until, since, until, since],
        ),
        (
            f"""SELECT * FROM (SELECT x.id, x.organisation_id, x.action_id,
                {_latest(hp, "stage")} s0, {_latest(hp, "stage")} s1
              FROM actions_actionpartner x JOIN actions_action a ON a.id = x.action_id
              WHERE a.chantier_id = %s AND EXISTS (SELECT 1 FROM {hp} h WHERE h.id = x.id
                AND h.history_date > %s AND h.history_date <= %s))
            WHERE s1 IN ('committed', 'active') AND (s0 IS NULL OR s0 NOT IN ('committed', 'active'))""",
            [since, until, c, since, until],
        ),
        (
            """SELECT m.id, m.title, m.reached_on, a.code FROM actions_milestone m
            JOIN actions_action a ON a.id = m.action_id
            WHERE a.chantier_id = %s AND m.reached_on > date(%s) AND m.reached_on <= date(%s)
            ORDER BY m.reached_on LIMIT 100""",
            [c, since, until],
        ),
        (
            """SELECT d.id, d.kind, d.text, d.status FROM chantiers_decision d
            JOIN chantiers_committeemeeting m ON m.id = d.meeting_id
            WHERE m.chantier_id = %s AND m.date < %s AND (d.status NOT IN ('done', 'cancelled')
              OR EXISTS (SELECT 1 FROM chantiers_historicaldecision h WHERE h.id = d.id
                         AND h.history_date > %s AND h.history_date <= %s))
            ORDER BY m.date, d.id LIMIT 100""",
            [c, meeting_date, since, until],
        ),
        (
            "SELECT id, kind, text, status FROM chantiers_decision WHERE meeting_id = %s",
            [p["meeting_id"]],
        ),
    ]
    return statements


def sql_key_figures(c: int) -> list[tuple[str, list]]:
    return [
        (
            "SELECT disposition, COUNT(*) FROM recommendations_recommendation "
            "WHERE chantier_id = %s GROUP BY disposition",
            [c],
        ),
        (
            "SELECT tier, COUNT(*) FROM recommendations_recommendation "
            "WHERE chantier_id = %s AND tier <> '' GROUP BY tier",
            [c],
        ),
        ("SELECT status, COUNT(*) FROM actions_action WHERE chantier_id = %s GROUP BY status", [c]),
        *sql_dashboard({"chantier_id": c, "criteria": (0, 0)})[:2],
        (
            """SELECT COUNT(*) FROM actions_actionpartner p JOIN actions_action a
            ON a.id = p.action_id WHERE a.chantier_id = %s AND p.stage IN ('committed', 'active')""",
            [c],
        ),
    ]


def sql_moment(moment) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def run_sql(statements) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()


# ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    configure(DB)
    seed(args.scale, args.reseed)

    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from actions.models import Action, ProgressUpdate
    from chantiers.models import Chantier, CommitteeMeeting
    from chantiers.queries import previous_meeting
    from dashboards import queries
    from recommendations.models import Recommendation
    from recommendations.queries import criteria_for_round, current_round

    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    demo = Chantier.objects.filter(code="aluminerie-avenir").first()
    if admin is None or demo is None:
        sys.exit("The data set has no superuser or no 'aluminerie-avenir' chantier.")
    # The biggest chantier: the synthetic volume of seed_demo --scale.
    biggest = Chantier.objects.annotate(n=Count("recommendations")).order_by("-n", "code").first()
    client = Client()
    client.force_login(admin)

    def params_for(chantier) -> dict:
        rnd = current_round(chantier)
        criteria = [c.pk for c in criteria_for_round(rnd)][:2] if rnd else []
        return {
            "chantier_id": chantier.pk,
            "chantier_ids": list(Chantier.objects.values_list("pk", flat=True)),
            "criteria": criteria if len(criteria) == 2 else (0, 0),
        }

    pages = [("portfolio", reverse("portfolio"), lambda: sql_portfolio(params_for(demo)))]
    for chantier in dict.fromkeys([demo, biggest]):
        params = params_for(chantier)
        url = reverse("chantier-dashboard", args=[chantier.code])
        pages.append(
            (f"dashboard {chantier.code}", url, lambda params=params: sql_dashboard(params))
        )
        axis = next(iter(queries.axes_of(chantier)), None)
        if axis:
            pages.append(
                (
                    f"  ?axis={axis.code}&tier=P1",
                    f"{url}?axis={axis.code}&tier=P1",
                    lambda params=params, axis=axis: sql_dashboard(
                        params, axis_id=axis.pk, tier="P1"
                    ),
                )
            )
    meetings = list(CommitteeMeeting.objects.filter(chantier=demo).order_by("-date"))
    for label, meeting in (
        ("report (open meeting)", next((m for m in meetings if not m.is_closed), None)),
        ("report (closed meeting)", next((m for m in meetings if m.is_closed), None)),
    ):
        if meeting is None:
            continue
        period = queries.report_period(meeting, previous_meeting(meeting))
        p = {
            **params_for(demo),
            # How Django stores aware datetimes in SQLite: naive UTC text.
            "since": sql_moment(period.start),
            "until": sql_moment(period.until),
            "meeting_date": meeting.date.isoformat(),
            "meeting_id": meeting.pk,
        }
        pages.append(
            (
                label,
                reverse("meeting-report", args=[demo.code, meeting.pk]),
                lambda p=p, closed=meeting.is_closed: sql_report(p, closed=closed),
            )
        )

    print(f"\nData set: {DB.name} (seed_demo --scale {args.scale}); {connection.vendor}")
    for chantier in dict.fromkeys([demo, biggest]):
        print(
            f"  {chantier.code}: "
            f"{Recommendation.objects.filter(chantier=chantier).count():,} recommendations, "
            f"{Action.objects.filter(chantier=chantier).count():,} actions, "
            f"{ProgressUpdate.objects.filter(action__chantier=chantier).count():,} updates"
        )
    print(
        f"  all chantiers: {Recommendation.objects.count():,} recommendations, "
        f"{Action.objects.count():,} actions, {ProgressUpdate.objects.count():,} updates"
    )
    print(f"Median of {args.runs} runs after a warm-up.\n")
    header = (
        f"{'page':<34}{'server ms':>10}{'raw SQL ms':>11}{'ratio':>7}{'queries':>8}"
        f"{'figure JSON':>13}"
    )
    print(header)
    print("-" * len(header))
    failures = []
    for label, url, statements in pages:
        response = client.get(url)
        if response.status_code != 200:
            failures.append(f"{label}: HTTP {response.status_code}")
            continue
        reset_queries()  # the request resets the log: start from an empty one
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        n_queries = len(ctx)  # read now: the next requests reset the query log
        size = figure_bytes(response.content.decode())
        server = median_ms(lambda url=url: client.get(url), args.runs)
        sql = median_ms(lambda statements=statements: run_sql(statements()), args.runs)
        flag = "" if size < JSON_BUDGET else "  OVER BUDGET"
        print(
            f"{label:<34}{server:>10.1f}{sql:>11.1f}{server / sql:>7.1f}{n_queries:>8}"
            f"{size / 1000:>10.1f} KB{flag}"
        )
        if size >= JSON_BUDGET:
            failures.append(f"{label}: {size} bytes of figure JSON")
    print(
        "\nserver: whole request through Django's test client (session, permissions, SQL, "
        "Plotly figures, template).\nraw SQL: the page's aggregates as hand-written SQL, "
        "cursor.execute + fetchall.\nfigure JSON: bytes of the figures' JSON in the page "
        f"(budget {JSON_BUDGET // 1000} KB)."
    )
    if failures:
        sys.exit("; ".join(failures))


def figure_bytes(html: str) -> int:
    """Bytes of figure JSON in a page: the <script type="application/json"> elements that
    charts.js reads (what the browser receives, not an estimate)."""
    found = re.findall(
        r'<script type="application/json" id="[^"]+-data">(.*?)</script>', html, re.S
    )
    return sum(len(f.encode()) for f in found)


if __name__ == "__main__":
    main()
