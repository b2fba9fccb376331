import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chantiers import tabular
from recommendations.models import Recommendation
from tests.factories import AxisFactory, RecommendationFactory
from tests.spreadsheets import make_csv, read_csv, read_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def stash_in_tmp(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = str(tmp_path / "imports")


def import_url(chantier):
    return reverse("recommendation-import", args=[chantier.code])


def apply_url(chantier):
    return reverse("recommendation-import-apply", args=[chantier.code])


def upload(client, chantier, data, name="recs.csv", **extra):
    return client.post(import_url(chantier), {"fichier": SimpleUploadedFile(name, data), **extra})


def session_entry(client, chantier):
    return client.session[f"import:recommendation:{chantier.pk}"]


VALID = make_csv([["Code", "Titre"], ["R-001", "Première"], ["R-002", "Seconde"]])


# ---------------------------------------------------------------------------
# Permissions


@pytest.mark.parametrize(("persona", "status"), [("admin_user", 200), ("lead", 200)])
def test_lead_and_admin_open_the_import_page(client, chantier, persona, status, request):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(import_url(chantier))

    assert response.status_code == status
    assert "Faire un essai" in response.content.decode()


@pytest.mark.parametrize(("persona", "status"), [("committee_member", 403), ("staff", 403)])
def test_other_members_may_not_import(client, chantier, persona, status, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(import_url(chantier)).status_code == status
    assert upload(client, chantier, VALID).status_code == status
    assert client.post(apply_url(chantier), {"token": "x" * 32}).status_code == status
    assert Recommendation.objects.count() == 0


def test_outsiders_get_404_everywhere(client, chantier, outsider):
    client.force_login(outsider)
    urls = [
        import_url(chantier),
        reverse("recommendation-export", args=[chantier.code, "csv"]),
        reverse("recommendation-export", args=[chantier.code, "xlsx"]),
        reverse("recommendation-import-template", args=[chantier.code, "csv"]),
    ]

    assert [client.get(url).status_code for url in urls] == [404, 404, 404, 404]
    assert client.post(apply_url(chantier), {"token": "x" * 32}).status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(client, chantier):
    response = client.get(reverse("recommendation-export", args=[chantier.code, "csv"]))

    assert response.status_code == 302
    assert response.url.startswith("/connexion/")


# ---------------------------------------------------------------------------
# Upload → dry run → apply


def test_upload_shows_the_dry_run_and_writes_nothing(client, chantier, lead):
    client.force_login(lead)

    response = upload(client, chantier, VALID)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Essai : rien n'est encore enregistré" in html
    assert "R-002" in html and "Seconde" in html
    assert 'name="token"' in html
    assert Recommendation.objects.count() == 0
    entry = session_entry(client, chantier)
    assert (entry["filename"], entry["sha256"], entry["create_missing"]) == (
        "recs.csv",
        tabular.sha256(VALID),
        False,
    )


def test_apply_writes_the_file_and_redirects_to_the_list(client, chantier, lead):
    client.force_login(lead)
    upload(client, chantier, VALID)
    token = session_entry(client, chantier)["token"]

    response = client.post(apply_url(chantier), {"token": token}, follow=True)

    assert response.redirect_chain == [(reverse("recommendation-list", args=[chantier.code]), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Importation de « recs.csv » appliquée : 2 créée(s), 0 modifiée(s), 0 inchangée(s)."
    ]
    assert list(Recommendation.objects.values_list("code", flat=True)) == ["R-001", "R-002"]
    assert Recommendation.history.filter(history_user=lead).count() == 2
    assert tabular.unstash(token) is None
    assert f"import:recommendation:{chantier.pk}" not in client.session


def test_apply_twice_is_refused_the_second_time(client, chantier, lead):
    client.force_login(lead)
    upload(client, chantier, VALID)
    token = session_entry(client, chantier)["token"]
    client.post(apply_url(chantier), {"token": token}, follow=True)

    response = client.post(apply_url(chantier), {"token": token}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Cet essai n'est plus disponible : téléversez de nouveau le fichier."
    ]
    assert Recommendation.objects.count() == 2


def test_apply_with_a_token_not_in_the_session_is_refused(client, chantier, lead, admin_user):
    client.force_login(admin_user)
    upload(client, chantier, VALID)
    token = session_entry(client, chantier)["token"]
    client.force_login(lead)

    response = client.post(apply_url(chantier), {"token": token})

    assert response.status_code == 302
    assert Recommendation.objects.count() == 0


def test_apply_refuses_a_stored_file_that_changed(client, chantier, lead, settings):
    client.force_login(lead)
    upload(client, chantier, VALID)
    token = session_entry(client, chantier)["token"]
    path = tabular.stash_dir() / f"{token}.upload"
    path.write_bytes(make_csv([["Code", "Titre"], ["R-666", "Autre chose"]]))

    response = client.post(apply_url(chantier), {"token": token})

    assert response.status_code == 302
    assert Recommendation.objects.count() == 0


def test_apply_only_by_post(client, chantier, lead):
    client.force_login(lead)

    assert client.get(apply_url(chantier)).status_code == 405


def test_apply_shows_the_new_report_when_data_changed_since_the_dry_run(client, chantier, lead):
    rec = RecommendationFactory(chantier=chantier, code="R-001", title="Avant")
    client.force_login(lead)
    upload(client, chantier, VALID)
    token = session_entry(client, chantier)["token"]
    rec.title = "Modifiée ailleurs"
    rec.save()

    response = client.post(apply_url(chantier), {"token": token})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Les données ont changé depuis votre essai" in html
    assert Recommendation.objects.count() == 1
    # Approving the new report applies it.
    client.post(apply_url(chantier), {"token": token})
    assert list(Recommendation.objects.values_list("code", "title")) == [
        ("R-001", "Première"),
        ("R-002", "Seconde"),
    ]


def test_a_file_with_errors_shows_them_and_offers_no_apply(client, chantier, lead):
    client.force_login(lead)
    data = make_csv([["Code", "Titre", "Axe"], ["R-1", "T", "Inconnu"], ["R-1", "T", ""]])

    response = upload(client, chantier, data)

    html = response.content.decode()
    assert "Le fichier ne peut pas être importé" in html
    assert "Code en double dans le fichier (déjà à la ligne 2)." in html
    assert "Axe inconnu dans ce chantier" in html
    assert 'name="token"' not in html
    assert f"import:recommendation:{chantier.pk}" not in client.session


def test_create_missing_is_remembered_from_the_dry_run(client, chantier, lead):
    client.force_login(lead)
    data = make_csv([["Code", "Titre", "Axe"], ["R-1", "T", "Robotique"]])
    upload(client, chantier, data, create_missing="on")
    token = session_entry(client, chantier)["token"]

    client.post(apply_url(chantier), {"token": token, "create_missing": ""})

    assert Recommendation.objects.get().axis.name == "Robotique"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "vide.csv", "Le fichier est vide."),
        (b"PK\x03\x04broken", "casse.xlsx", "Ce fichier .xlsx est illisible ou endommagé."),
        (
            b"%PDF-1.7\x00\x00",
            "rapport.pdf",
            "Type de fichier non pris en charge : fournissez un fichier .csv ou .xlsx.",
        ),
        (b"Code;Titre\r\n", "entete.csv", "Le fichier ne contient que la ligne d&#x27;en-tête"),
    ],
)
def test_bad_files_get_a_clear_message_not_a_server_error(
    client, chantier, lead, data, name, message
):
    client.force_login(lead)

    response = upload(client, chantier, data, name=name)

    assert response.status_code == 200
    assert message in response.content.decode()


def test_an_oversized_upload_is_refused_before_reading(client, chantier, lead, settings):
    settings.IMPORT_MAX_BYTES = 10
    client.force_login(lead)

    response = upload(client, chantier, VALID)

    assert response.status_code == 200
    assert "Fichier trop volumineux (44 octets) : la limite est de 10 octets." in (
        response.content.decode()
    )
    assert f"import:recommendation:{chantier.pk}" not in client.session


# ---------------------------------------------------------------------------
# Export and templates


@pytest.mark.parametrize("persona", ["committee_member", "staff", "lead", "admin_user"])
def test_anyone_who_reads_the_chantier_may_export(client, chantier, persona, request):
    RecommendationFactory(chantier=chantier, code="R-001", title="=1+1")
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("recommendation-export", args=[chantier.code, "csv"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="aluminerie-avenir-recommandations-'
    )
    rows = read_csv(response.content)
    assert rows[0][:3] == ["Code", "Titre", "Texte"]
    assert rows[1][:2] == ["R-001", "'=1+1"]


def test_export_applies_the_list_filters(client, chantier, committee_member):
    axis = AxisFactory(chantier=chantier, code="CYB")
    RecommendationFactory(chantier=chantier, code="R-001", axis=axis, disposition="retained")
    RecommendationFactory(chantier=chantier, code="R-002", axis=axis)
    RecommendationFactory(chantier=chantier, code="R-003", disposition="retained")
    client.force_login(committee_member)
    url = reverse("recommendation-export", args=[chantier.code, "xlsx"])

    response = client.get(url, {"disposition": "retained", "axis": axis.pk})

    assert response["Content-Type"] == XLSX
    assert [row[0] for row in read_xlsx(response.content)] == ["Code", "R-001"]


def test_export_never_leaks_another_chantier(client, chantier, other_chantier, admin_user):
    RecommendationFactory(chantier=chantier, code="R-001")
    RecommendationFactory(chantier=other_chantier, code="R-999")
    client.force_login(admin_user)

    response = client.get(reverse("recommendation-export", args=[chantier.code, "csv"]))

    assert [row[0] for row in read_csv(response.content)] == ["Code", "R-001"]


def test_export_of_an_unknown_format_is_404(client, chantier, lead):
    client.force_login(lead)

    assert (
        client.get(reverse("recommendation-export", args=[chantier.code, "pdf"])).status_code == 404
    )


@pytest.mark.parametrize("count", [1, 3])
def test_export_query_count_does_not_grow(
    client, chantier, committee_member, count, django_assert_num_queries
):
    for _ in range(count):
        RecommendationFactory(chantier=chantier)
    client.force_login(committee_member)
    url = reverse("recommendation-export", args=[chantier.code, "xlsx"])

    # session, user, chantier, memberships, recommendations
    with django_assert_num_queries(5):
        response = client.get(url)

    assert len(read_xlsx(response.content)) == count + 1


def test_template_files_have_the_import_headers(client, chantier, lead):
    client.force_login(lead)

    csv_response = client.get(
        reverse("recommendation-import-template", args=[chantier.code, "csv"])
    )
    xlsx_response = client.get(
        reverse("recommendation-import-template", args=[chantier.code, "xlsx"])
    )

    expected = [
        "Code",
        "Titre",
        "Texte",
        "Emplacement",
        "Axe",
        "Étude",
        "Année de l'étude",
        "Décision",
        "Justification",
        "Date de la décision",
        "Niveau",
        "Score",
        "Rang",
    ]
    assert read_csv(csv_response.content) == [expected]
    assert read_xlsx(xlsx_response.content) == [expected]
    assert (
        xlsx_response["Content-Disposition"] == 'attachment; filename="modele-recommandations.xlsx"'
    )


def test_export_then_upload_reports_every_row_unchanged(client, chantier, lead):
    axis = AxisFactory(chantier=chantier, code="CYB", name="Cybersécurité")
    for n in range(3):
        RecommendationFactory(chantier=chantier, code=f"R-00{n}", axis=axis, text="a\nb")
    client.force_login(lead)
    exported = client.get(reverse("recommendation-export", args=[chantier.code, "xlsx"]))

    response = upload(client, chantier, exported.content, name="export.xlsx")

    report = response.context["report"]
    assert report.counts == {"created": 0, "updated": 0, "unchanged": 3, "error": 0}
