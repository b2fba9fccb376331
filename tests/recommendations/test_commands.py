import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from actions.models import Action
from recommendations.models import Recommendation
from tests.factories import PlanFactory
from tests.spreadsheets import make_csv, make_xlsx


def write(tmp_path, data, name="recs.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def call(*args, **kwargs):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


def test_command_applies_and_prints_the_report(tmp_path, chantier, lead):
    path = write(tmp_path, make_csv([["Code", "Titre"], ["R-1", "Un"], ["R-2", "Deux"]]))

    out, _err = call("import_recommendations", path, "--chantier", chantier.code, "--user", "lead")

    assert out.splitlines()[:6] == [
        "Fichier : recs.csv",
        "Ligne 2\tR-1\tcréée",
        "\tTitre : — → Un",
        "Ligne 3\tR-2\tcréée",
        "\tTitre : — → Deux",
        "2 créée(s), 0 modifiée(s), 0 inchangée(s)",
    ]
    assert Recommendation.objects.count() == 2
    assert Recommendation.history.filter(history_user=lead).count() == 2


def test_command_dry_run_writes_nothing(tmp_path, chantier):
    path = write(tmp_path, make_xlsx([["Code", "Titre"], ["R-1", "Un"]]), name="recs.xlsx")

    out, _err = call("import_recommendations", path, "--chantier", chantier.code, "--dry-run")

    assert out.splitlines()[-2:] == [
        "1 à créer, 0 à modifier, 0 inchangée(s), 0 en erreur",
        "Essai seulement : rien n'a été enregistré.",
    ]
    assert Recommendation.objects.count() == 0


def test_command_acts_as_the_system_user_by_default(tmp_path, chantier):
    path = write(tmp_path, make_csv([["Code", "Titre"], ["R-1", "Un"]]))

    call("import_recommendations", path, "--chantier", chantier.code)

    assert Recommendation.history.get().history_user.username == "systeme"


def test_command_exits_1_on_row_errors_and_writes_nothing(tmp_path, chantier):
    path = write(tmp_path, make_csv([["Code", "Titre"], ["R-1", "Un"], ["R-2", ""]]))

    with pytest.raises(CommandError) as exc:
        call("import_recommendations", path, "--chantier", chantier.code)

    assert exc.value.returncode == 1
    assert str(exc.value) == "1 ligne(s) en erreur : rien n'a été enregistré."
    assert Recommendation.objects.count() == 0


def test_command_quiet_prints_only_errors(tmp_path, chantier):
    path = write(tmp_path, make_csv([["Code", "Titre"], ["R-1", "Un"], ["R-2", ""]]))
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_recommendations", path, "--chantier", chantier.code, verbosity=0, stdout=out
        )

    assert out.getvalue().splitlines() == [
        "Fichier : recs.csv",
        "Ligne 3\tR-2\terreur",
        "\tTitre : Titre manquant.",
        "1 à créer, 0 à modifier, 0 inchangée(s), 1 en erreur",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--chantier", "nulle-part"], "Chantier inconnu : nulle-part"),
        (
            ["--chantier", "aluminerie-avenir", "--user", "personne"],
            "Utilisateur inconnu : personne",
        ),
    ],
)
def test_command_exits_2_on_unknown_chantier_or_user(tmp_path, chantier, args, message):
    path = write(tmp_path, make_csv([["Code", "Titre"], ["R-1", "Un"]]))

    with pytest.raises(CommandError) as exc:
        call("import_recommendations", path, *args)

    assert (exc.value.returncode, str(exc.value)) == (2, message)


def test_command_exits_2_on_an_unusable_file(tmp_path, chantier):
    path = write(tmp_path, b"PK\x03\x04broken", name="casse.xlsx")

    with pytest.raises(CommandError) as exc:
        call("import_recommendations", path, "--chantier", chantier.code)

    assert (exc.value.returncode, str(exc.value)) == (
        2,
        "Ce fichier .xlsx est illisible ou endommagé.",
    )


def test_command_exits_2_on_a_missing_file(tmp_path, chantier):
    with pytest.raises(CommandError) as exc:
        call("import_recommendations", str(tmp_path / "absent.csv"), "--chantier", chantier.code)

    assert exc.value.returncode == 2


def test_command_refuses_a_file_over_the_limit_before_reading_it(tmp_path, chantier, settings):
    settings.IMPORT_MAX_BYTES = 20
    path = write(tmp_path, make_csv([["Code", "Titre"], ["R-1", "Un titre assez long"]]))

    with pytest.raises(CommandError) as exc:
        call("import_recommendations", path, "--chantier", chantier.code)

    assert (exc.value.returncode, str(exc.value)) == (
        2,
        "Fichier trop volumineux (37 octets) : la limite est de 20 octets.",
    )


def test_command_progress_bar_goes_to_stderr(tmp_path, chantier):
    rows = [["Code", "Titre"]] + [[f"R-{n}", "T"] for n in range(1200)]
    path = write(tmp_path, make_csv(rows))

    _out, err = call("import_recommendations", path, "--chantier", chantier.code, "--progress")

    assert "\rAnalyse         [##############################] 100 % (1200/1200)\n" in err
    assert "\rEnregistrement  [##############################] 100 % (1200/1200)\n" in err
    assert Recommendation.objects.count() == 1200


def test_create_missing_flag_creates_axes(tmp_path, chantier):
    path = write(tmp_path, make_csv([["Code", "Titre", "Axe"], ["R-1", "Un", "Énergie"]]))

    call("import_recommendations", path, "--chantier", chantier.code, "--create-missing")

    assert Recommendation.objects.get().axis.code == "ENERGIE"


def test_import_actions_command(tmp_path, chantier):
    PlanFactory(chantier=chantier)
    path = write(tmp_path, make_csv([["Code", "Titre"], ["A-1", "Une action"]]), name="a.csv")

    out, _err = call("import_actions", path, "--chantier", chantier.code)

    assert "Importation des actions appliquée" in out.splitlines()[-1]
    assert Action.objects.get().title == "Une action"


def test_command_exits_2_when_the_database_refuses_the_write(tmp_path, chantier, monkeypatch):
    from django.db import DatabaseError

    from recommendations.importing import importer

    def fail(*args, **kwargs):
        raise DatabaseError("verrou")

    monkeypatch.setattr(importer, "bulk_create_with_history", fail)
    path = write(tmp_path, make_csv([["Code", "Titre"], ["R-1", "Un"]]))

    with pytest.raises(CommandError) as exc:
        call("import_recommendations", path, "--chantier", chantier.code)

    assert (exc.value.returncode, str(exc.value)) == (
        2,
        "La base de données a refusé l'importation ; rien n'a été enregistré (verrou).",
    )
    assert Recommendation.objects.count() == 0
