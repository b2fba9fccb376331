import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chantiers import tabular
from chantiers.tabular import CellError, Column, TabularError
from recommendations.importing import COLUMNS, import_recommendations
from recommendations.models import Recommendation
from tests.spreadsheets import make_csv, make_xlsx, read_csv, read_xlsx

SIMPLE = [
    Column("code", "Code", ("N°",), required=True),
    Column("title", "Titre", ("Title",)),
    Column("text", "Texte", ("Description",)),
    Column("tier", "Niveau", (), readonly=True),
]


def read(data, filename="f.csv", columns=SIMPLE):
    return tabular.read_table(data, filename, columns)


# ---------------------------------------------------------------------------
# Headers


def test_normalise_ignores_case_accents_ligatures_and_punctuation():
    assert [
        tabular.normalise(v)
        for v in ("Étude (source)", "ÉCHÉANCE", "Main-d'œuvre", "N°", "  Année  de l’étude ")
    ] == ["etude source", "echeance", "main d oeuvre", "n", "annee de l etude"]


def test_read_table_maps_headers_and_skips_empty_rows():
    data = make_csv(
        [
            [],
            ["N°", "TITRE", "Autre", "Niveau"],
            ["R-1", "A", "x", "P1"],
            ["", "", ""],
            ["R-2", "B"],
        ]
    )

    table = read(data)

    assert [c.key for c in table.columns] == ["code", "title"]
    assert table.ignored == ["Autre", "Niveau"]
    assert [(r.number, r.cells) for r in table.rows] == [
        (3, {"code": "R-1", "title": "A"}),
        (5, {"code": "R-2", "title": "B"}),
    ]


def test_two_headers_for_the_same_column_are_refused():
    with pytest.raises(TabularError) as exc:
        read(make_csv([["Code", "Texte", "Description"], ["R-1", "a", "b"]]))

    assert exc.value.message == (
        "Les colonnes « Texte » et « Description » désignent la même donnée (Texte)."
    )


def test_a_file_without_a_recognised_header_row_is_refused():
    with pytest.raises(TabularError) as exc:
        read(make_csv([["R-1", "Un titre"], ["R-2", "Autre"]]))

    assert exc.value.message == (
        "Aucune ligne d'en-tête reconnue : la première ligne doit nommer les colonnes (par "
        "exemple Code, Titre, Texte, Niveau). Téléchargez le modèle pour voir les colonnes "
        "attendues."
    )


def test_a_missing_required_column_is_named():
    with pytest.raises(TabularError) as exc:
        read(make_csv([["Titre"], ["A"]]))

    assert exc.value.message == "Colonne obligatoire absente : Code."


# ---------------------------------------------------------------------------
# Whole-file problems give a clear message, never an exception to the user


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "f.csv", "Le fichier est vide."),
        (b"\r\n \r\n", "f.csv", "Le fichier est vide."),
        (
            b"Code;Titre\r\n",
            "f.csv",
            "Le fichier ne contient que la ligne d'en-tête : aucune donnée.",
        ),
        (
            b"%PDF-1.4\x00\x01binary",
            "rapport.pdf",
            "Type de fichier non pris en charge : fournissez un fichier .csv ou .xlsx.",
        ),
        (b"PK\x03\x04not really a zip", "f.xlsx", "Ce fichier .xlsx est illisible ou endommagé."),
        (b"just text", "f.xlsx", "Ce fichier .xlsx est illisible ou endommagé."),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old",
            "f.xls",
            "Les classeurs Excel 97-2003 (.xls) ne sont pas pris en charge : enregistrez le "
            "fichier au format .xlsx ou .csv.",
        ),
        (
            "Code;Titre\nR-1;caf\u00e9".encode() + b"\x81",
            "f.csv",
            "Encodage du fichier non reconnu : enregistrez-le en « CSV UTF-8 » ou en .xlsx.",
        ),
    ],
)
def test_unusable_files_get_a_clear_message(chantier, lead, data, filename, message):
    report = import_recommendations(data, filename=filename, chantier=chantier, by=lead)

    assert report.file_errors == [message]
    assert report.rows == []
    assert report.has_errors is True


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "bonjour")

    with pytest.raises(TabularError) as exc:
        read(out.getvalue(), "f.xlsx")

    assert exc.value.message == "Ce fichier .xlsx est illisible ou endommagé."


def test_an_xlsx_with_only_a_header_row_is_refused():
    with pytest.raises(TabularError) as exc:
        read(make_xlsx([["Code", "Titre"]]), "f.xlsx")

    assert exc.value.message == "Le fichier ne contient que la ligne d'en-tête : aucune donnée."


def test_files_over_the_size_limit_are_refused(settings):
    settings.IMPORT_MAX_BYTES = 1024

    with pytest.raises(TabularError) as exc:
        read(make_csv([["Code"]] + [[f"R-{n:04d}"] for n in range(200)]))

    assert exc.value.message == "Fichier trop volumineux (1 ko) : la limite est de 1 ko."


def test_files_over_the_row_limit_are_refused(settings, chantier, lead):
    settings.IMPORT_MAX_ROWS = 3
    data = make_csv([["Code", "Titre"]] + [[f"R-{n}", "T"] for n in range(4)])

    report = import_recommendations(
        data, filename="f.csv", chantier=chantier, by=lead, dry_run=False
    )

    assert report.file_errors == ["Trop de lignes : la limite est de 3 lignes par fichier."]
    assert Recommendation.objects.count() == 0


def test_exactly_the_row_limit_is_accepted(settings):
    settings.IMPORT_MAX_ROWS = 3

    table = read(make_csv([["Code"]] + [[f"R-{n}"] for n in range(3)]))

    assert len(table.rows) == 3


def test_human_size_is_french():
    assert [tabular.human_size(n) for n in (512, 2048, 10 * 1024 * 1024)] == [
        "512 octets",
        "2 ko",
        "10,0 Mo",
    ]


# ---------------------------------------------------------------------------
# Separators and encodings


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Code;Titre;Axe", ";"),
        ("Code,Titre,Axe", ","),
        ("Code\tTitre", "\t"),
        ('"Titre, long";Code', ";"),
        ("Code", ","),
    ],
)
def test_sniff_delimiter_reads_the_header_line(line, expected):
    assert tabular.sniff_delimiter(line + "\nR-1;a,b,c,d,e") == expected


def test_decode_text_handles_bom_utf8_and_windows_1252():
    assert [
        tabular.decode_text(b"\xef\xbb\xbf\xc3\xa9t\xc3\xa9"),
        tabular.decode_text("été".encode()),
        tabular.decode_text("été — œuvre".encode("cp1252")),
        tabular.decode_text("été".encode("utf-16")),
    ] == ["été", "été", "été — œuvre", "été"]


# ---------------------------------------------------------------------------
# Cells


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-31", datetime.date(2026, 12, 31)),
        ("31/12/2026", datetime.date(2026, 12, 31)),
        ("31-12-2026", datetime.date(2026, 12, 31)),
        ("2026-12-31 00:00:00", datetime.date(2026, 12, 31)),
        (datetime.datetime(2026, 12, 31, 0, 0), datetime.date(2026, 12, 31)),
        (datetime.date(2026, 1, 2), datetime.date(2026, 1, 2)),
        ("", None),
        (None, None),
    ],
)
def test_parse_date_accepts_iso_french_and_cell_dates(value, expected):
    assert tabular.parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "31/02/2026",
            "« 31/02/2026 » n'est pas une date valide (attendu : AAAA-MM-JJ ou JJ/MM/AAAA).",
        ),
        ("demain", "« demain » n'est pas une date valide (attendu : AAAA-MM-JJ ou JJ/MM/AAAA)."),
        (
            "12/31/2026",
            "« 12/31/2026 » n'est pas une date valide (attendu : AAAA-MM-JJ ou JJ/MM/AAAA).",
        ),
        (46000, "« 46000 » n'est pas une date (attendu : AAAA-MM-JJ)."),
        ("1850-01-01", "La date 1850-01-01 est hors de la plage admise (1900 à 2100)."),
    ],
)
def test_parse_date_refuses_bad_dates(value, message):
    with pytest.raises(CellError) as exc:
        tabular.parse_date(value)

    assert exc.value.message == message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12 500,50", Decimal("12500.50")),
        ("12\u00a0500,5 $", Decimal("12500.50")),
        ("12,500.50", Decimal("12500.50")),
        ("12.500,50", Decimal("12500.50")),
        ("1500", Decimal("1500.00")),
        (1500.125, Decimal("1500.13")),
        (0, Decimal("0.00")),
        ("", None),
    ],
)
def test_parse_decimal_reads_french_and_english_numbers(value, expected):
    assert tabular.parse_decimal(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", "La valeur ne peut être négative (-5.00)."),
        ("beaucoup", "« beaucoup » n'est pas un nombre."),
        ("NaN", "« NaN » n'est pas un nombre."),
        ("100000", "La valeur 100000.00 dépasse le maximum admis (99999.99)."),
    ],
)
def test_parse_decimal_refuses_bad_numbers(value, message):
    with pytest.raises(CellError) as exc:
        tabular.parse_decimal(value, maximum=Decimal("99999.99"))

    assert exc.value.message == message


def test_text_cleans_cells():
    assert [
        tabular.text("  deux   espaces \n"),
        tabular.text("a\r\nb\rc", multiline=True),
        tabular.text("bip\x07"),
        tabular.text(2024.0),
        tabular.text("'=1+1"),
        tabular.text(None),
    ] == ["deux espaces", "a\nb\nc", "bip", "2024", "=1+1", ""]


def test_split_list_keeps_order_and_drops_duplicates():
    assert tabular.split_list("R-2, R-1;R-2\nR-3 ,") == ["R-2", "R-1", "R-3"]


# ---------------------------------------------------------------------------
# Formula neutralisation


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+1", "'+1"),
        ("-20 %", "'-20 %"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("'quoted'", "'quoted'"),
        ("Normal", "Normal"),
        ("", ""),
    ],
)
def test_neutralise_prefixes_formula_triggers(value, expected):
    assert tabular.neutralise(value) == expected


@given(st.text())
def test_unneutralise_is_the_exact_inverse_of_neutralise(value):
    neutralised = tabular.neutralise(value)

    assert tabular.unneutralise(neutralised) == value
    assert neutralised[:1] not in tabular.FORMULA_TRIGGERS


def test_csv_export_neutralises_formulas_and_writes_bom_and_semicolons():
    columns = [Column("a", "A"), Column("b", "Date"), Column("c", "Montant")]

    data = tabular.csv_bytes(
        columns, [['=HYPERLINK("http://evil")', datetime.date(2026, 1, 2), Decimal("12.50")]]
    )

    assert data.startswith(b"\xef\xbb\xbf")
    assert read_csv(data) == [
        ["A", "Date", "Montant"],
        ['\'=HYPERLINK("http://evil")', "2026-01-02", "12,50"],
    ]


def test_xlsx_export_writes_text_never_formulas_and_strips_control_characters():
    columns = [Column("a", "A"), Column("b", "B"), Column("c", "C")]

    data = tabular.xlsx_bytes(
        columns, [["=1+1", "-cmd|' /C calc'!A0", "bip\x07\x00 fin"]], sheet_title="Feuille"
    )

    assert read_xlsx(data) == [["A", "B", "C"], ["'=1+1", "'-cmd|' /C calc'!A0", "bip fin"]]


def test_template_xlsx_has_a_help_sheet():
    from openpyxl import load_workbook

    data = tabular.xlsx_bytes(
        COLUMNS, [], sheet_title="Modèle", help_rows=tabular.help_rows(COLUMNS)
    )

    workbook = load_workbook(io.BytesIO(data), read_only=True)
    assert workbook.sheetnames == ["Modèle", "Aide"]
    help_rows = list(workbook["Aide"].iter_rows(values_only=True))
    assert help_rows[1] == (
        "Code",
        "Obligatoire. Code unique dans le chantier, par exemple R-042. Autres en-têtes "
        "acceptés : Code de la recommandation, N°, No, Numéro, Identifiant, Recommendation code.",
    )


def test_change_reason_fits_history_column():
    assert tabular.change_reason("plan.xlsx") == "Importation du fichier « plan.xlsx »"
    assert len(tabular.change_reason("y" * 300)) == 100


def test_clean_filename_drops_paths_and_control_characters():
    assert tabular.clean_filename("C:\\Users\\moi\\..\\recs\x00.csv") == "recs.csv"


def test_an_xlsx_with_a_wrong_dimension_tag_is_read_whole():
    import re

    data = make_xlsx([["Code", "Titre"], ["R-1", "A"], ["R-2", "B"]])
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>', content)
            target.writestr(item, content)

    table = read(out.getvalue(), "f.xlsx")

    assert [r.cells for r in table.rows] == [
        {"code": "R-1", "title": "A"},
        {"code": "R-2", "title": "B"},
    ]
