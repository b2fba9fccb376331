import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError

from actions import importing
from actions.importing import export_rows, import_actions, importer
from actions.models import Action, ActionPartner, ActionRecommendation, ActionStatus
from chantiers import tabular
from chantiers.models import Membership
from tests.factories import (
    ActionFactory,
    ActionRecommendationFactory,
    AxisFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerFactory,
    PlanFactory,
    RecommendationFactory,
    UserFactory,
)
from tests.spreadsheets import changes, errors, make_csv, make_xlsx, outcomes

HEADER = [
    "Code",
    "Titre",
    "Recommandations",
    "Responsable",
    "Partenaires",
    "Début",
    "Échéance",
    "Budget prévu",
]


@pytest.fixture
def plan(chantier):
    return PlanFactory(chantier=chantier, title="Plan 2026-2028")


@pytest.fixture
def world(chantier, plan, staff):
    """Two recommendations, two organisations, an axis and a staff member."""
    return {
        "r1": RecommendationFactory(chantier=chantier, code="R-001"),
        "r2": RecommendationFactory(chantier=chantier, code="R-002"),
        "cqrda": OrganisationFactory(name="Centre québécois de recherche", acronym="CQRDA"),
        "sva": OrganisationFactory(name="Société de la Vallée de l'aluminium", acronym="SVA"),
        "axis": AxisFactory(chantier=chantier, code="AUT", name="Automatisation"),
    }


def run(data, chantier, user, *, filename="actions.csv", **kwargs):
    return import_actions(data, filename=filename, chantier=chantier, by=user, **kwargs)


def apply(data, chantier, user, **kwargs):
    return run(data, chantier, user, dry_run=False, **kwargs)


def test_import_creates_actions_with_links_owner_and_partners(chantier, lead, staff, plan, world):
    data = make_csv(
        [
            HEADER + ["Axe", "Organisation responsable"],
            [
                "A-01",
                "Former les opérateurs",
                "R-001, r-002",
                "staff",
                "CQRDA (Bailleur de fonds); Société de la Vallée de l'aluminium",
                "15/01/2026",
                "2026-12-31",
                "12 500,50 $",
                "automatisation",
                "SVA",
            ],
        ]
    )

    report = apply(data, chantier, lead)

    assert report.applied is True
    action = Action.objects.get(chantier=chantier, code="A-01")
    assert (
        action.title,
        action.plan,
        action.owner,
        action.start_date,
        action.due_date,
        action.budget_planned,
        action.axis,
        action.lead_organisation,
    ) == (
        "Former les opérateurs",
        plan,
        staff,
        datetime.date(2026, 1, 15),
        datetime.date(2026, 12, 31),
        Decimal("12500.50"),
        world["axis"],
        world["sva"],
    )
    assert sorted(action.recommendations.values_list("code", flat=True)) == ["R-001", "R-002"]
    assert sorted(action.partners.values_list("organisation__acronym", "role", "stage")) == [
        ("CQRDA", "funder", "identified"),
        ("SVA", "contributor", "identified"),
    ]
    assert changes(report, 2) == [
        ("Titre", "—", "Former les opérateurs"),
        ("Plan", "—", "Plan 2026-2028"),
        ("Début", "—", "2026-01-15"),
        ("Échéance", "—", "2026-12-31"),
        ("Budget prévu", "—", "12500,50"),
        ("Axe", "—", "Automatisation"),
        ("Organisation responsable", "—", "SVA"),
        ("Responsable", "—", "staff"),
        ("Recommandations", "—", "R-001, R-002"),
        ("Partenaires", "—", "CQRDA (Bailleur de fonds); SVA (Contributeur)"),
    ]


def test_import_reads_xlsx_dates_and_numbers(chantier, lead, plan):
    data = make_xlsx(
        [
            ["Code", "Titre", "Début", "Échéance", "Budget prévu", "Budget dépensé"],
            ["A-01", "T", datetime.datetime(2026, 2, 1), datetime.date(2026, 3, 1), 1500, 99.5],
        ]
    )

    apply(data, chantier, lead, filename="plan.xlsx")

    action = Action.objects.get(code="A-01")
    assert (action.start_date, action.due_date, action.budget_planned, action.budget_spent) == (
        datetime.date(2026, 2, 1),
        datetime.date(2026, 3, 1),
        Decimal("1500.00"),
        Decimal("99.50"),
    )


def test_update_replaces_links_and_partners_and_keeps_partner_stage(chantier, lead, world):
    action = ActionFactory(plan__chantier=chantier, code="A-01", title="T")
    ActionRecommendationFactory(action=action, recommendation=world["r1"])
    kept = PartnerFactory(
        action=action,
        organisation=world["cqrda"],
        role=ActionPartner.Role.CONTRIBUTOR,
        stage=ActionPartner.Stage.COMMITTED,
    )
    data = make_csv(
        [["Code", "Recommandations", "Partenaires"], ["A-01", "R-002", "CQRDA (funder)"]]
    )

    report = apply(data, chantier, lead)

    assert changes(report, 2) == [
        ("Recommandations", "R-001", "R-002"),
        ("Partenaires", "CQRDA (Contributeur)", "CQRDA (Bailleur de fonds)"),
    ]
    assert list(action.recommendations.values_list("code", flat=True)) == ["R-002"]
    kept.refresh_from_db()
    assert (kept.role, kept.stage, kept.version) == ("funder", "committed", 2)
    removed = ActionRecommendation.history.filter(history_type="-").get()
    assert (removed.recommendation_id, removed.history_user, removed.history_change_reason) == (
        world["r1"].pk,
        lead,
        "Importation du fichier « actions.csv »",
    )


def test_partner_removed_from_the_cell_is_removed_with_history(chantier, lead, world):
    action = ActionFactory(plan__chantier=chantier, code="A-01")
    PartnerFactory(action=action, organisation=world["sva"])

    report = apply(make_csv([["Code", "Partenaires"], ["A-01", ""]]), chantier, lead)

    assert changes(report, 2) == [("Partenaires", "SVA (Contributeur)", "—")]
    assert ActionPartner.objects.count() == 0
    record = ActionPartner.history.get(history_type="-")
    assert (record.history_user, record.history_change_reason) == (
        lead,
        "Importation du fichier « actions.csv »",
    )


def test_partner_without_role_keeps_its_current_role(chantier, lead, world):
    action = ActionFactory(plan__chantier=chantier, code="A-01")
    PartnerFactory(action=action, organisation=world["sva"], role=ActionPartner.Role.EXPERT)

    report = run(make_csv([["Code", "Partenaires"], ["A-01", "sva"]]), chantier, lead)

    assert outcomes(report) == [(2, "A-01", "unchanged")]


def test_organisation_with_parentheses_in_its_name_is_found(chantier, lead, plan):
    OrganisationFactory(name="Centre de recherche (CRIQ)", acronym="")

    report = apply(
        make_csv([["Code", "Titre", "Partenaires"], ["A-01", "T", "Centre de recherche (CRIQ)"]]),
        chantier,
        lead,
    )

    assert report.applied is True
    assert ActionPartner.objects.get().role == "contributor"


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (
            "Recommandations",
            "R-001, R-404, R-405",
            "Recommandation(s) inconnue(s) dans ce chantier : R-404, R-405.",
        ),
        ("Responsable", "inconnu", "Personne inconnue ou non membre du chantier : « inconnu »."),
        ("Responsable", "outsider", "Personne inconnue ou non membre du chantier : « outsider »."),
        (
            "Partenaires",
            "CQRDA (Mécène)",
            "Rôle inconnu : « Mécène » (admis : Porteur, Contributeur, Bailleur de fonds, Expert).",
        ),
        (
            "Partenaires",
            "Inconnue inc.",
            "Organisation inconnue : « Inconnue inc. ». Les organisations sont créées par "
            "l'administration.",
        ),
        ("Partenaires", "CQRDA; cqrda (expert)", "Organisation nommée deux fois : « CQRDA »."),
        (
            "Organisation responsable",
            "ZZZ",
            "Organisation inconnue : « ZZZ ». Les organisations sont créées par l'administration.",
        ),
        ("Plan", "Plan fantôme", "Plan d'action inconnu dans ce chantier : « Plan fantôme »."),
        (
            "Axe",
            "Robotique",
            "Axe inconnu dans ce chantier : « Robotique ». Corrigez-le, ou cochez « créer les "
            "axes et études manquants ».",
        ),
        (
            "Début",
            "32/01/2026",
            "« 32/01/2026 » n'est pas une date valide (attendu : AAAA-MM-JJ ou JJ/MM/AAAA).",
        ),
        ("Budget prévu", "-100", "La valeur ne peut être négative (-100.00)."),
        (
            "Budget dépensé",
            "99999999999",
            "La valeur 99999999999.00 dépasse le maximum admis (9999999999.99).",
        ),
        ("Budget prévu", "beaucoup", "« beaucoup » n'est pas un nombre."),
    ],
)
def test_row_errors_name_row_column_and_reason(
    chantier, lead, world, outsider, column, value, message
):
    data = make_csv([["Code", "Titre", column], ["A-01", "Valide", ""], ["A-02", "T", value]])

    report = apply(data, chantier, lead)

    assert errors(report) == [(3, column, message)]
    assert Action.objects.count() == 0


def test_due_date_before_start_is_refused(chantier, lead, plan):
    data = make_csv(
        [["Code", "Titre", "Début", "Échéance"], ["A-01", "T", "2026-05-01", "2026-04-30"]]
    )

    report = run(data, chantier, lead)

    assert errors(report) == [
        (2, "Échéance", "L'échéance (2026-04-30) précède le début (2026-05-01).")
    ]


def test_due_date_is_checked_against_the_stored_start(chantier, lead, plan):
    ActionFactory(plan=plan, code="A-01", start_date=datetime.date(2026, 6, 1), due_date=None)

    report = run(make_csv([["Code", "Échéance"], ["A-01", "2026-01-01"]]), chantier, lead)

    assert errors(report) == [
        (2, "Échéance", "L'échéance (2026-01-01) précède le début (2026-06-01).")
    ]


def test_new_action_needs_a_plan_when_the_chantier_has_several(chantier, lead, plan):
    PlanFactory(chantier=chantier, title="Plan 2029")

    report = run(make_csv([["Code", "Titre"], ["A-01", "T"]]), chantier, lead)

    assert errors(report) == [
        (2, "Plan", "Indiquez le plan d'action : le chantier en a plusieurs.")
    ]


def test_new_action_needs_a_plan_to_exist(chantier, lead):
    report = run(make_csv([["Code", "Titre"], ["A-01", "T"]]), chantier, lead)

    assert errors(report) == [
        (2, "Plan", "Le chantier n'a aucun plan d'action : créez-en un d'abord.")
    ]


def test_missing_code_and_duplicates_are_refused(chantier, lead, plan):
    data = make_csv([["Code", "Titre"], ["", "Sans code"], ["A-1", "T"], ["a-1", "T"]])

    report = run(data, chantier, lead)

    assert errors(report) == [
        (2, "Code", "Code manquant."),
        (4, "Code", "Code en double dans le fichier (déjà à la ligne 3)."),
    ]


def test_progress_columns_are_read_only(chantier, lead, plan):
    action = ActionFactory(plan=plan, code="A-01", title="T")
    data = make_csv(
        [["Code", "Titre", "Statut", "Avancement (%)"], ["A-01", "T", "Terminée", "100"]]
    )

    report = apply(data, chantier, lead)

    assert report.ignored_columns == ["Statut", "Avancement (%)"]
    assert outcomes(report) == [(2, "A-01", "unchanged")]
    action.refresh_from_db()
    assert (action.status, action.percent_complete) == (ActionStatus.NOT_STARTED, 0)


def test_missing_axis_is_created_on_request(chantier, lead, plan):
    data = make_csv([["Code", "Titre", "Axe"], ["A-01", "T", "Énergie verte"]])

    report = apply(data, chantier, lead, create_missing=True)

    assert report.notes == ["Axes à créer : Énergie verte (ENERGIE-VERTE)."]
    assert Action.objects.get().axis.code == "ENERGIE-VERTE"


def test_owner_can_be_given_by_email_and_admins_may_own(chantier, lead, plan, admin_user):
    member = MembershipFactory(
        chantier=chantier,
        user=UserFactory(username="marie", email="Marie@Example.org"),
        role=Membership.Role.STAFF,
    ).user
    data = make_csv(
        [
            ["Code", "Titre", "Responsable"],
            ["A-01", "T", "marie@example.org"],
            ["A-02", "T", "ADMIN"],
        ]
    )

    apply(data, chantier, lead)

    assert list(Action.objects.order_by("code").values_list("owner", flat=True)) == [
        member.pk,
        admin_user.pk,
    ]


def test_an_error_in_the_last_row_leaves_the_database_untouched(chantier, lead, world, plan):
    action = ActionFactory(plan=plan, code="A-01", title="Avant")
    rows = [["Code", "Titre", "Recommandations"], ["A-01", "Après", "R-001"]]
    rows += [[f"A-{n:02d}", "T", "R-002"] for n in range(2, 30)]
    rows.append(["A-30", "T", "R-999"])

    report = apply(make_csv(rows), chantier, lead)

    assert report.applied is False
    assert errors(report) == [
        (31, "Recommandations", "Recommandation(s) inconnue(s) dans ce chantier : R-999.")
    ]
    assert list(Action.objects.values_list("code", "title")) == [("A-01", "Avant")]
    assert ActionRecommendation.objects.count() == 0
    assert action.history.count() == 1


def test_a_database_failure_mid_apply_rolls_everything_back(chantier, lead, world, monkeypatch):
    data = make_csv(
        [["Code", "Titre", "Recommandations", "Partenaires"], ["A-01", "T", "R-001", "SVA"]]
    )
    real = importer.bulk_create_with_history

    def fail_on_partners(objs, model, **kwargs):
        if model is ActionPartner:
            raise DatabaseError("contrainte violée")
        return real(objs, model, **kwargs)

    monkeypatch.setattr(importer, "bulk_create_with_history", fail_on_partners)
    report = apply(data, chantier, lead)

    assert report.applied is False
    assert report.file_errors == [
        "La base de données a refusé l'importation ; rien n'a été enregistré (contrainte violée)."
    ]
    assert (Action.objects.count(), ActionRecommendation.objects.count()) == (0, 0)
    assert (Action.history.count(), ActionRecommendation.history.count()) == (0, 0)


def test_history_rows_name_the_user_and_the_file(chantier, lead, world, plan):
    ActionFactory(plan=plan, code="A-01", title="Avant")
    data = make_csv(
        [["Code", "Titre", "Recommandations"], ["A-01", "Après", ""], ["A-02", "Neuve", "R-001"]]
    )

    apply(data, chantier, lead, filename="plan.csv")

    assert sorted(
        Action.history.filter(history_user=lead).values_list(
            "code", "history_type", "history_change_reason"
        )
    ) == [
        ("A-01", "~", "Importation du fichier « plan.csv »"),
        ("A-02", "+", "Importation du fichier « plan.csv »"),
    ]
    link = ActionRecommendation.history.get()
    assert (link.history_user, link.history_change_reason) == (
        lead,
        "Importation du fichier « plan.csv »",
    )


def test_reimporting_the_same_file_changes_nothing(chantier, lead, world):
    data = make_csv(
        [
            HEADER,
            [
                "A-01",
                "T",
                "R-001, R-002",
                "staff",
                "CQRDA (Expert); SVA",
                "2026-01-01",
                "2026-06-30",
                "10",
            ],
        ]
    )
    apply(data, chantier, lead)
    counts = (
        Action.history.count(),
        ActionPartner.history.count(),
        ActionRecommendation.history.count(),
    )

    report = apply(data, chantier, lead)

    assert outcomes(report) == [(2, "A-01", "unchanged")]
    assert (
        Action.history.count(),
        ActionPartner.history.count(),
        ActionRecommendation.history.count(),
    ) == counts


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_reimports_unchanged(chantier, lead, staff, world, plan, fmt):
    first = ActionFactory(
        plan=plan,
        code="A-01",
        title="=cmd|' /C calc'!A0",
        description="Ligne 1\nLigne 2 ; « guillemets »",
        owner=staff,
        axis=world["axis"],
        lead_organisation=world["sva"],
        budget_planned=Decimal("12500.50"),
        budget_spent=Decimal("0"),
        status=ActionStatus.ON_TRACK,
        percent_complete=40,
    )
    ActionRecommendationFactory(action=first, recommendation=world["r1"])
    ActionRecommendationFactory(action=first, recommendation=world["r2"])
    PartnerFactory(action=first, organisation=world["cqrda"], role=ActionPartner.Role.FUNDER)
    PartnerFactory(action=first, organisation=world["sva"], role=ActionPartner.Role.LEAD)
    ActionFactory(plan=plan, code="A-02", title="-5 % de rebuts", start_date=None, due_date=None)
    rows = export_rows(Action.objects.filter(chantier=chantier).order_by("code"))
    if fmt == "csv":
        data = tabular.csv_bytes(importing.COLUMNS, rows)
    else:
        data = tabular.xlsx_bytes(importing.COLUMNS, rows, sheet_title="Actions")

    report = apply(data, chantier, lead, filename=f"export.{fmt}")

    assert report.file_errors == []
    assert outcomes(report) == [(2, "A-01", "unchanged"), (3, "A-02", "unchanged")]
    assert report.ignored_columns == ["Statut", "Avancement (%)", "Terminée le"]


def test_an_action_saved_during_the_apply_is_not_overwritten(chantier, lead, plan, monkeypatch):
    action = ActionFactory(plan=plan, code="A-01", title="Avant")
    original_plan = importer.ActionImporter.plan

    def plan_then_someone_saves(self, *args, **kwargs):
        result = original_plan(self, *args, **kwargs)
        other = Action.objects.get(pk=action.pk)
        other.title = "Saisie pendant l'importation"
        other.save()
        return result

    monkeypatch.setattr(importer.ActionImporter, "plan", plan_then_someone_saves)

    report = apply(make_csv([["Code", "Titre"], ["A-01", "Après"]]), chantier, lead)

    assert report.file_errors == [
        "Modifié par quelqu'un d'autre pendant l'importation : A-01. Rien n'a été enregistré : "
        "refaites l'essai."
    ]
    # The simulated save ran on the import's own connection and rolled back with it.
    assert Action.objects.get().title == "Avant"
