import datetime

import pytest
from django.db import DatabaseError
from django.utils import timezone

from recommendations import importing
from recommendations.importing import export_rows, import_recommendations, importer
from recommendations.models import Recommendation, StrategicAxis, Study
from tests.factories import AxisFactory, ChantierFactory, RecommendationFactory, StudyFactory
from tests.spreadsheets import changes, errors, make_csv, make_xlsx, outcomes

HEADER = ["Code", "Titre", "Texte", "Emplacement", "Axe", "Étude", "Décision", "Justification"]
Disposition = Recommendation.Disposition


@pytest.fixture
def axis(chantier):
    return AxisFactory(chantier=chantier, code="CYB", name="Cybersécurité")


@pytest.fixture
def study(db):
    return StudyFactory(title="Feuille de route 4.0", year=2023)


def run(data, chantier, user, *, filename="recommandations.csv", **kwargs):
    return import_recommendations(data, filename=filename, chantier=chantier, by=user, **kwargs)


def apply(data, chantier, user, **kwargs):
    return run(data, chantier, user, dry_run=False, **kwargs)


# ---------------------------------------------------------------------------
# Encodings, separators, formats, headers


@pytest.mark.parametrize(
    ("encoding", "sep"),
    [
        ("utf-8", ","),
        ("utf-8", ";"),
        ("utf-8-sig", ";"),
        ("utf-8-sig", ","),
        ("cp1252", ";"),
        ("cp1252", ","),
        ("utf-8", "\t"),
    ],
)
def test_import_reads_csv_in_each_encoding_and_separator(chantier, lead, axis, encoding, sep):
    data = make_csv(
        [
            ["Code", "Titre", "Texte", "Axe"],
            ["R-001", "Sécurité des procédés — écarts", "Réduire l'écart, vite.", "CYB"],
        ],
        sep=sep,
        encoding=encoding,
    )

    report = apply(data, chantier, lead)

    assert report.applied is True
    rec = Recommendation.objects.get(chantier=chantier, code="R-001")
    assert (rec.title, rec.text, rec.axis) == (
        "Sécurité des procédés — écarts",
        "Réduire l'écart, vite.",
        axis,
    )


def test_import_reads_the_first_sheet_of_an_xlsx(chantier, lead, axis, study):
    data = make_xlsx(
        [
            ["Code", "Titre", "Axe", "Étude", "Année de l'étude"],
            [
                "R-001",
                "Numériser les salles de cuves",
                "Cybersécurité",
                "Feuille de route 4.0",
                2023,
            ],
        ]
    )

    report = apply(data, chantier, lead, filename="recs.xlsx")

    assert report.file_errors == []
    rec = Recommendation.objects.get(chantier=chantier, code="R-001")
    assert (rec.title, rec.axis, rec.study) == ("Numériser les salles de cuves", axis, study)


def test_headers_match_without_case_accents_or_language(chantier, lead, axis, study):
    data = make_csv(
        [
            ["CODE", "titre", "DESCRIPTION", "page", "Axis", "etude source", "Statut"],
            ["R-001", "Titre", "Verbatim", "p. 12", "cyb", "feuille de route 4.0", "retained"],
        ]
    )

    report = apply(data, chantier, lead)

    assert report.file_errors == []
    rec = Recommendation.objects.get(code="R-001")
    assert (rec.text, rec.source_location, rec.axis, rec.study, rec.disposition) == (
        "Verbatim",
        "p. 12",
        axis,
        study,
        Disposition.RETAINED,
    )


def test_unknown_and_read_only_columns_are_reported_as_ignored(chantier, lead):
    data = make_csv([["Code", "Titre", "Commentaire", "Niveau"], ["R-001", "T", "x", "P1"]])

    report = run(data, chantier, lead)

    assert report.ignored_columns == ["Commentaire", "Niveau"]
    assert outcomes(report) == [(2, "R-001", "created")]


def test_codes_match_existing_recommendations_case_insensitively(chantier, lead):
    RecommendationFactory(chantier=chantier, code="R-001", title="Ancien")

    report = apply(make_csv([["Code", "Titre"], ["r-001", "Nouveau"]]), chantier, lead)

    assert outcomes(report) == [(2, "r-001", "updated")]
    assert list(Recommendation.objects.filter(chantier=chantier).values_list("code", "title")) == [
        ("R-001", "Nouveau")
    ]


def test_other_chantiers_recommendations_are_not_matched(chantier, lead):
    other = ChantierFactory()
    RecommendationFactory(chantier=other, code="R-001", title="Ailleurs")

    report = apply(make_csv([["Code", "Titre"], ["R-001", "Ici"]]), chantier, lead)

    assert outcomes(report) == [(2, "R-001", "created")]
    assert Recommendation.objects.get(chantier=other).title == "Ailleurs"


# ---------------------------------------------------------------------------
# Dry run report


def test_dry_run_reports_every_row_and_writes_nothing(chantier, lead, axis):
    RecommendationFactory(chantier=chantier, code="R-001", title="Même", text="", axis=axis)
    RecommendationFactory(chantier=chantier, code="R-002", title="Avant", text="", axis=axis)
    data = make_csv(
        [
            ["Code", "Titre", "Axe"],
            ["R-001", "Même", "CYB"],
            ["R-002", "Après", "CYB"],
            ["R-003", "Nouvelle", ""],
            ["", "Sans code", ""],
        ]
    )

    report = run(data, chantier, lead)

    assert outcomes(report) == [
        (2, "R-001", "unchanged"),
        (3, "R-002", "updated"),
        (4, "R-003", "created"),
        (5, "", "error"),
    ]
    assert changes(report, 3) == [("Titre", "Avant", "Après")]
    assert changes(report, 4) == [("Titre", "—", "Nouvelle")]
    assert report.counts == {"created": 1, "updated": 1, "unchanged": 1, "error": 1}
    assert report.applied is False
    assert Recommendation.objects.filter(chantier=chantier).count() == 2
    assert Recommendation.objects.get(code="R-002").title == "Avant"


def test_dry_run_of_a_valid_file_writes_nothing(chantier, lead):
    report = run(make_csv([["Code", "Titre"], ["R-001", "T"]]), chantier, lead)

    assert report.has_errors is False
    assert report.applied is False
    assert Recommendation.objects.count() == 0


def test_report_shows_old_and_new_values_of_every_changed_field(chantier, lead, axis, study):
    other_axis = AxisFactory(chantier=chantier, code="TRA", name="Traçabilité")
    RecommendationFactory(
        chantier=chantier,
        code="R-001",
        title="T",
        text="Ancien texte",
        source_location="p. 1",
        axis=axis,
        study=study,
    )
    data = make_csv(
        [
            ["Code", "Texte", "Emplacement", "Axe", "Étude", "Décision"],
            ["R-001", "Nouveau texte", "", "Traçabilité", "", "Retenue"],
        ]
    )

    report = run(data, chantier, lead)

    assert changes(report, 2) == [
        ("Texte", "Ancien texte", "Nouveau texte"),
        ("Emplacement", "p. 1", "—"),
        ("Axe", "Cybersécurité", "Traçabilité"),
        ("Étude", "Feuille de route 4.0", "—"),
        ("Décision", "À l'étude", "Retenue"),
    ]
    assert other_axis.pk


# ---------------------------------------------------------------------------
# Row errors


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["", "Titre", "", ""], ("Code", "Code manquant.")),
        (["R-9", "", "", ""], ("Titre", "Titre manquant.")),
        (["R" * 31, "T", "", ""], ("Code", "Code trop long (30 caractères au plus).")),
        (
            ["R-9", "T" * 301, "", ""],
            ("Titre", "Texte trop long : 301 caractères pour un maximum de 300."),
        ),
        (
            ["R-9", "T", "Robotique", ""],
            (
                "Axe",
                "Axe inconnu dans ce chantier : « Robotique ». Corrigez-le, ou cochez « créer "
                "les axes et études manquants ».",
            ),
        ),
        (
            ["R-9", "T", "", "Étude fantôme"],
            (
                "Étude",
                "Étude inconnue : « Étude fantôme ». Corrigez-la, ou cochez « créer les axes "
                "et études manquants ».",
            ),
        ),
    ],
)
def test_row_errors_name_row_column_and_reason(chantier, lead, row, expected):
    data = make_csv([["Code", "Titre", "Axe", "Étude"], ["R-1", "Valide", "", ""], row])

    report = apply(data, chantier, lead)

    assert errors(report) == [(3, *expected)]
    assert report.applied is False
    assert Recommendation.objects.count() == 0


def test_duplicate_code_in_the_file_names_the_first_row(chantier, lead):
    data = make_csv([["Code", "Titre"], ["R-1", "A"], ["R-2", "B"], ["r-1", "C"]])

    report = run(data, chantier, lead)

    assert errors(report) == [(4, "Code", "Code en double dans le fichier (déjà à la ligne 2).")]


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("deux mille", "« deux mille » n'est pas un nombre entier."),
        ("1850", "La valeur 1850 est hors de la plage admise (1900 à 2100)."),
        ("2101", "La valeur 2101 est hors de la plage admise (1900 à 2100)."),
    ],
)
def test_study_year_must_be_a_plausible_year(chantier, lead, study, year, message):
    data = make_csv(
        [["Code", "Titre", "Étude", "Année de l'étude"], ["R-1", "T", study.title, year]]
    )

    report = run(data, chantier, lead)

    assert errors(report) == [(2, "Année de l'étude", message)]


def test_unknown_disposition_lists_the_accepted_values(chantier, lead):
    data = make_csv([["Code", "Titre", "Décision"], ["R-1", "T", "Peut-être"]])

    report = run(data, chantier, lead)

    assert errors(report) == [
        (
            2,
            "Décision",
            "Décision inconnue : « Peut-être ». Valeurs admises : À l'étude, Retenue, Reportée, "
            "Non retenue, Fusionnée, Transférée, En mise en œuvre, Mise en œuvre, "
            "Fermée sans mise en œuvre.",
        )
    ]


def test_disposition_moves_follow_the_workflow(chantier, lead):
    RecommendationFactory(chantier=chantier, code="R-1", disposition=Disposition.RETAINED)
    data = make_csv([["Code", "Décision"], ["R-1", "À l'étude"], ["R-2", "Mise en œuvre"]])

    report = run(data, chantier, lead)

    assert errors(report) == [
        (2, "Décision", "Impossible de passer de « Retenue » à « À l'étude »."),
        (3, "Titre", "Titre manquant."),
        (3, "Décision", "Impossible de passer de « À l'étude » à « Mise en œuvre »."),
    ]


@pytest.mark.parametrize("value", ["Fusionnée", "Transférée", "merged"])
def test_merge_and_transfer_are_refused_on_import(chantier, lead, value):
    RecommendationFactory(chantier=chantier, code="R-1")

    report = run(make_csv([["Code", "Décision"], ["R-1", value]]), chantier, lead)

    assert errors(report) == [
        (
            2,
            "Décision",
            "Une fusion ou un transfert ne se fait pas par importation : utilisez la fiche "
            "de la recommandation.",
        )
    ]


def test_not_retained_requires_a_justification(chantier, lead):
    data = make_csv(
        [["Code", "Titre", "Décision", "Justification"], ["R-1", "T", "Non retenue", ""]]
    )

    report = run(data, chantier, lead)

    assert errors(report) == [
        (
            2,
            "Justification",
            "Une justification est requise pour la décision « Non retenue ».",
        )
    ]


def test_disposition_change_is_dated_today_like_the_service(chantier, lead):
    RecommendationFactory(chantier=chantier, code="R-1")
    data = make_csv([["Code", "Décision", "Justification"], ["R-1", "Non retenue", "Hors mandat."]])

    apply(data, chantier, lead)

    rec = Recommendation.objects.get(code="R-1")
    assert (rec.disposition, rec.disposition_justification, rec.disposition_date) == (
        Disposition.NOT_RETAINED,
        "Hors mandat.",
        timezone.localdate(),
    )


def test_empty_disposition_cell_keeps_the_disposition(chantier, lead):
    RecommendationFactory(chantier=chantier, code="R-1", title="T", disposition="retained")

    report = run(make_csv([["Code", "Titre", "Décision"], ["R-1", "T", ""]]), chantier, lead)

    assert outcomes(report) == [(2, "R-1", "unchanged")]


def test_axis_name_shared_by_two_axes_asks_for_the_code(chantier, lead):
    AxisFactory(chantier=chantier, code="A1", name="Énergie")
    AxisFactory(chantier=chantier, code="A2", name="énergie")

    report = run(make_csv([["Code", "Titre", "Axe"], ["R-1", "T", "ENERGIE"]]), chantier, lead)

    assert errors(report) == [
        (2, "Axe", "« ENERGIE » désigne plusieurs axes : indiquez le code de l'axe.")
    ]


def test_study_title_shared_by_two_studies_is_told_apart_by_year(chantier, lead):
    StudyFactory(title="Diagnostic", year=2019)
    newer = StudyFactory(title="Diagnostic", year=2024)
    data = make_csv(
        [
            ["Code", "Titre", "Étude", "Année de l'étude"],
            ["R-1", "T", "Diagnostic", "2024"],
            ["R-2", "T", "Diagnostic", ""],
        ]
    )

    report = apply(data, chantier, lead)

    assert errors(report) == [
        (3, "Étude", "Plusieurs études s'appellent « Diagnostic » : précisez l'année de l'étude.")
    ]
    data = make_csv(
        [["Code", "Titre", "Étude", "Année de l'étude"], ["R-1", "T", "Diagnostic", "2024"]]
    )
    apply(data, chantier, lead)
    assert Recommendation.objects.get(code="R-1").study == newer


def test_a_study_year_that_matches_no_edition_is_unknown(chantier, lead, study):
    data = make_csv(
        [["Code", "Titre", "Étude", "Année de l'étude"], ["R-1", "T", study.title, "2025"]]
    )

    report = run(data, chantier, lead)

    assert errors(report) == [
        (
            2,
            "Étude",
            "Étude inconnue : « Feuille de route 4.0 (2025) ». Corrigez-la, ou cochez « créer "
            "les axes et études manquants ».",
        )
    ]


# ---------------------------------------------------------------------------
# Missing axes and studies


def test_missing_axes_and_studies_are_created_only_on_request(chantier, lead):
    data = make_csv(
        [
            ["Code", "Titre", "Axe", "Étude", "Année de l'étude"],
            ["R-1", "A", "Main-d'œuvre", "Portrait RH", "2022"],
            ["R-2", "B", "main d'oeuvre", "Portrait RH", "2022"],
        ]
    )

    dry = run(data, chantier, lead, create_missing=True)
    report = apply(data, chantier, lead, create_missing=True)

    assert dry.notes == [
        "Axes à créer : Main-d'œuvre (MAIN-DOEUVRE).",
        "Études à créer : Portrait RH.",
    ]
    assert changes(dry, 2) == [
        ("Titre", "—", "A"),
        ("Axe", "—", "Main-d'œuvre (nouvel axe)"),
        ("Étude", "—", "Portrait RH (nouvelle étude)"),
    ]
    assert report.applied is True
    axis = StrategicAxis.objects.get(chantier=chantier)
    study = Study.objects.get()
    assert (axis.code, axis.name, study.title, study.year) == (
        "MAIN-DOEUVRE",
        "Main-d'œuvre",
        "Portrait RH",
        2022,
    )
    assert set(Recommendation.objects.values_list("axis", "study")) == {(axis.pk, study.pk)}
    record = axis.history.get()
    assert (record.history_user, record.history_change_reason) == (
        lead,
        "Importation du fichier « recommandations.csv »",
    )


# ---------------------------------------------------------------------------
# Apply: all or nothing, idempotence, history


def test_an_error_in_the_last_row_leaves_the_database_untouched(chantier, lead):
    RecommendationFactory(chantier=chantier, code="R-1", title="Avant")
    rows = [["Code", "Titre"], ["R-1", "Après"]] + [[f"R-{n}", f"T{n}"] for n in range(2, 50)]
    rows.append(["R-50", ""])

    report = apply(make_csv(rows), chantier, lead)

    assert report.applied is False
    assert errors(report) == [(51, "Titre", "Titre manquant.")]
    assert list(Recommendation.objects.values_list("code", "title")) == [("R-1", "Avant")]
    assert Recommendation.history.count() == 1


def test_a_database_failure_mid_apply_rolls_everything_back(chantier, lead, monkeypatch):
    RecommendationFactory(chantier=chantier, code="R-1", title="Avant")
    data = make_csv([["Code", "Titre", "Axe"], ["R-1", "Après", ""], ["R-2", "Nouvelle", "Neuf"]])

    def fail(*args, **kwargs):
        raise DatabaseError("disque plein")

    # The new axis and the new recommendation are written before the update fails.
    monkeypatch.setattr(importer, "bulk_update_with_history", fail)
    report = apply(data, chantier, lead, create_missing=True)

    assert report.applied is False
    assert report.file_errors == [
        "La base de données a refusé l'importation ; rien n'a été enregistré (disque plein)."
    ]
    assert list(Recommendation.objects.values_list("code", "title")) == [("R-1", "Avant")]
    assert StrategicAxis.objects.filter(chantier=chantier, code="Neuf").exists() is False
    assert Recommendation.history.count() == 1


def test_reimporting_the_same_file_changes_nothing(chantier, lead, axis):
    data = make_csv(
        [
            ["Code", "Titre", "Texte", "Axe", "Décision"],
            ["R-1", "A", "Ligne 1\nLigne 2", "CYB", "Retenue"],
            ["R-2", "B", "", "", ""],
        ]
    )
    apply(data, chantier, lead)
    versions = list(Recommendation.objects.values_list("version", flat=True))
    history = Recommendation.history.count()

    report = apply(data, chantier, lead)

    assert outcomes(report) == [(2, "R-1", "unchanged"), (3, "R-2", "unchanged")]
    assert list(Recommendation.objects.values_list("version", flat=True)) == versions
    assert Recommendation.history.count() == history


def test_every_written_object_gets_a_history_row_with_user_and_file(chantier, lead):
    RecommendationFactory(chantier=chantier, code="R-1", title="Avant")
    data = make_csv([["Code", "Titre"], ["R-1", "Après"], ["R-2", "Nouvelle"]])

    apply(data, chantier, lead, filename="Étude 2024 (révisée).csv")

    rows = list(
        Recommendation.history.filter(history_user=lead)
        .order_by("code")
        .values_list("code", "history_type", "title", "history_change_reason")
    )
    assert rows == [
        ("R-1", "~", "Après", "Importation du fichier « Étude 2024 (révisée).csv »"),
        ("R-2", "+", "Nouvelle", "Importation du fichier « Étude 2024 (révisée).csv »"),
    ]


def test_apply_bumps_the_version_so_stale_forms_are_refused(chantier, lead):
    rec = RecommendationFactory(chantier=chantier, code="R-1", title="Avant")

    apply(make_csv([["Code", "Titre"], ["R-1", "Après"]]), chantier, lead)

    assert Recommendation.objects.get(pk=rec.pk).version == rec.version + 1


def test_apply_refuses_when_the_data_changed_since_the_dry_run(chantier, lead):
    rec = RecommendationFactory(chantier=chantier, code="R-1", title="Avant")
    data = make_csv([["Code", "Titre"], ["R-1", "Après"], ["R-2", "Nouvelle"]])
    digest = run(data, chantier, lead).digest()
    rec.title = "Changé entre-temps"
    rec.save()

    report = apply(data, chantier, lead, expected_digest=digest)

    assert (report.stale, report.applied) == (True, False)
    assert changes(report, 2) == [("Titre", "Changé entre-temps", "Après")]
    assert Recommendation.objects.count() == 1


def test_long_file_names_are_shortened_in_the_history_reason(chantier, lead):
    name = "x" * 150 + ".csv"

    apply(make_csv([["Code", "Titre"], ["R-1", "T"]]), chantier, lead, filename=name)

    reason = Recommendation.history.get().history_change_reason
    assert len(reason) == 100
    assert reason.startswith("Importation du fichier « xxx") and reason.endswith("… »")


# ---------------------------------------------------------------------------
# Round trip with the export


def tricky_recommendations(chantier, axis, study):
    RecommendationFactory(
        chantier=chantier,
        code="R-001",
        title='=HYPERLINK("http://x")',
        text="Premier paragraphe.\nSecond paragraphe ; avec « guillemets », virgules.",
        source_location="p. 12",
        axis=axis,
        study=study,
        disposition=Disposition.RETAINED,
        disposition_date=datetime.date(2026, 5, 1),
    )
    RecommendationFactory(
        chantier=chantier,
        code="R-002",
        title="-20 % d'émissions",
        text="+ @ début",
        axis=None,
        study=None,
        disposition=Disposition.NOT_RETAINED,
        disposition_justification="Hors mandat du chantier.",
    )
    RecommendationFactory(
        chantier=chantier, code="R-003", title="'=déjà protégé", text="", axis=axis, study=None
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_reimports_unchanged(chantier, lead, axis, study, fmt):
    from chantiers import tabular

    tricky_recommendations(chantier, axis, study)
    rows = export_rows(Recommendation.objects.filter(chantier=chantier))
    if fmt == "csv":
        data = tabular.csv_bytes(importing.COLUMNS, rows)
    else:
        data = tabular.xlsx_bytes(importing.COLUMNS, rows, sheet_title="Recommandations")

    report = apply(data, chantier, lead, filename=f"export.{fmt}")

    assert report.file_errors == []
    assert outcomes(report) == [
        (2, "R-001", "unchanged"),
        (3, "R-002", "unchanged"),
        (4, "R-003", "unchanged"),
    ]
    assert report.ignored_columns == ["Date de la décision", "Niveau", "Score", "Rang"]


def test_a_form_saved_during_the_apply_is_not_overwritten(chantier, lead, monkeypatch):
    rec = RecommendationFactory(chantier=chantier, code="R-1", title="Avant")
    original_plan = importer.RecommendationImporter.plan

    def plan_then_someone_saves(self, *args, **kwargs):
        plan = original_plan(self, *args, **kwargs)
        other = Recommendation.objects.get(pk=rec.pk)
        other.title = "Saisie pendant l'importation"
        other.save()
        return plan

    monkeypatch.setattr(importer.RecommendationImporter, "plan", plan_then_someone_saves)
    data = make_csv([["Code", "Titre"], ["R-1", "Après"], ["R-2", "Nouvelle"]])

    report = apply(data, chantier, lead)

    assert report.applied is False
    assert report.file_errors == [
        "Modifié par quelqu'un d'autre pendant l'importation : R-1. Rien n'a été enregistré : "
        "refaites l'essai."
    ]
    # The simulated save ran on the import's own connection, so it rolled back with it;
    # what matters is that "Après" never overwrote it.
    assert list(Recommendation.objects.values_list("code", "title")) == [("R-1", "Avant")]
