"""Benchmark: importing 10,000 recommendation rows (dry run + apply) on a scratch
SQLite database, next to a baseline — a plain `bulk_create` of the same rows, with no
parsing, validation or history — in the same run.

    .venv/bin/python bench/import_recommendations.py [--rows 10000] [--limit 30]

Prints baseline, subject and ratio; exits 1 if dry run + apply take longer than
--limit seconds (issue 6 requires under 30 s for 10,000 rows).
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))


def setup_django(directory: str) -> None:
    os.environ["DJANGO_DEV"] = "1"
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


AXES = [
    ("AUT", "Automatisation et industrie 4.0"),
    ("CYB", "Cybersécurité"),
    ("PRD", "Production responsable"),
    ("REC", "Recyclage et valorisation"),
    ("TRA", "Traçabilité"),
    ("RH", "Ressources humaines"),
    ("ENE", "Gestion de l'énergie"),
    ("FIN", "Financement"),
]
STUDIES = [(f"Étude sectorielle {n}", 2018 + n) for n in range(5)]
TEXT = (
    "Mettre en place, avec les partenaires de la filière, un programme structuré "
    "visant à accélérer l'adoption des meilleures pratiques ; mesurer les résultats "
    "et en rendre compte au comité de suivi chaque trimestre. "
)


def rows(n: int) -> list[list]:
    result = []
    for i in range(n):
        axis = AXES[i % len(AXES)]
        study = STUDIES[i % len(STUDIES)]
        result.append(
            [
                f"R-{i + 1:05d}",
                f"Recommandation {i + 1} : renforcer la filière ({axis[1].lower()})",
                TEXT * (1 + i % 3),
                f"p. {1 + i % 180}",
                axis[1],
                study[0],
                study[1],
                "Retenue" if i % 4 == 0 else "À l'étude",
                "",
            ]
        )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--limit", type=float, default=30.0)
    args = parser.parse_args()

    directory = tempfile.mkdtemp(prefix="bench-import-")
    try:
        setup_django(directory)
        return run(args.rows, args.limit)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def run(n: int, limit: float) -> int:
    from django.contrib.auth import get_user_model

    from chantiers import tabular
    from chantiers.models import Chantier
    from recommendations.importing import COLUMNS, import_recommendations
    from recommendations.models import Recommendation, StrategicAxis, Study

    user = get_user_model().objects.create_user("bench", password="x")
    baseline_chantier = Chantier.objects.create(code="baseline", name="Référence")
    subject_chantier = Chantier.objects.create(code="subject", name="Sujet")
    studies = {title: Study.objects.create(title=title, year=year) for title, year in STUDIES}
    axes = {}
    for chantier in (baseline_chantier, subject_chantier):
        for order, (code, name) in enumerate(AXES):
            axes[(chantier.pk, name)] = StrategicAxis.objects.create(
                chantier=chantier, code=code, name=name, order=order
            )
    data_rows = rows(n)
    header = [c.label for c in COLUMNS if not c.readonly]
    data = tabular.csv_bytes(
        [c for c in COLUMNS if not c.readonly], data_rows
    )  # what a user would upload
    assert len(header) == len(data_rows[0])

    # Baseline: the same rows, already parsed, written with a plain bulk_create.
    started = time.perf_counter()
    Recommendation.objects.bulk_create(
        [
            Recommendation(
                chantier=baseline_chantier,
                code=r[0],
                title=r[1],
                text=r[2],
                source_location=r[3],
                axis=axes[(baseline_chantier.pk, r[4])],
                study=studies[r[5]],
                disposition="retained" if r[7] == "Retenue" else "under_review",
            )
            for r in data_rows
        ],
        batch_size=500,
    )
    baseline = time.perf_counter() - started

    started = time.perf_counter()
    dry = import_recommendations(
        data, filename="bench.csv", chantier=subject_chantier, by=user, dry_run=True
    )
    dry_seconds = time.perf_counter() - started
    assert not dry.has_errors, dry.text_lines(errors_only=True)[:10]

    started = time.perf_counter()
    applied = import_recommendations(
        data, filename="bench.csv", chantier=subject_chantier, by=user, dry_run=False
    )
    apply_seconds = time.perf_counter() - started
    assert applied.applied and applied.counts["created"] == n, applied.counts

    started = time.perf_counter()
    again = import_recommendations(
        data, filename="bench.csv", chantier=subject_chantier, by=user, dry_run=False
    )
    again_seconds = time.perf_counter() - started
    assert again.counts["unchanged"] == n, again.counts

    assert Recommendation.objects.filter(chantier=subject_chantier).count() == n
    assert Recommendation.history.filter(chantier_id=subject_chantier.pk).count() == n

    subject = dry_seconds + apply_seconds
    print(f"rows: {n:,} ({len(data) / 1024 / 1024:.1f} MB of CSV), scratch SQLite database")
    print(f"baseline  plain bulk_create (parsed rows, no history)  {baseline:7.2f} s")
    print(f"subject   dry run                                      {dry_seconds:7.2f} s")
    print(f"          apply (re-validates, writes with history)    {apply_seconds:7.2f} s")
    print(f"          dry run + apply                              {subject:7.2f} s")
    print(f"ratio     (dry run + apply) / baseline                 {subject / baseline:7.1f} x")
    print(f"extra     re-import of the same file (all unchanged)   {again_seconds:7.2f} s")
    if subject > limit:
        print(f"FAIL: dry run + apply took {subject:.1f} s, limit {limit:.0f} s")
        return 1
    print(f"OK: under the {limit:.0f} s limit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
