"""The columns of the action files and the partner roles they accept."""

import re
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext_lazy

from actions.models import ActionPartner, ActionStatus
from chantiers import tabular
from chantiers.models import Organisation
from chantiers.tabular import Column

MAX_BUDGET = Decimal("9999999999.99")

COLUMNS = [
    Column(
        "code",
        "Code",
        ("Code de l'action", "N°", "No", "Numéro", "Identifiant", "Action code"),
        required=True,
        help=gettext_lazy("Code unique dans le chantier, par exemple A-07."),
    ),
    Column(
        "title",
        "Titre",
        ("Intitulé", "Action", "Title"),
        help=gettext_lazy("Obligatoire pour une nouvelle action (300 caractères au plus)."),
    ),
    Column("description", "Description", ("Texte",), help=gettext_lazy("Description libre.")),
    Column(
        "plan",
        "Plan",
        ("Plan d'action", "Action plan"),
        help=gettext_lazy(
            "Titre du plan d'action. Vide : le plan actuel de l'action, ou le seul plan du "
            "chantier pour une nouvelle action."
        ),
    ),
    Column(
        "recommendations",
        "Recommandations",
        ("Recommandation", "Codes des recommandations", "Recommendations", "Recommendation codes"),
        help=gettext_lazy("Codes des recommandations mises en œuvre, séparés par des virgules."),
    ),
    Column(
        "axis",
        "Axe",
        ("Axe stratégique", "Thème", "Axis", "Strategic axis"),
        help=gettext_lazy("Code ou nom d'un axe stratégique du chantier."),
    ),
    Column(
        "lead_organisation",
        "Organisation responsable",
        (
            "Porteur",
            "Organisation",
            "Organisme responsable",
            "Lead organisation",
            "Lead organization",
        ),
        help=gettext_lazy("Nom ou sigle d'une organisation connue."),
    ),
    Column(
        "owner",
        "Responsable",
        ("Responsable de l'action", "Chargé de projet", "Chargée de projet", "Owner"),
        help=gettext_lazy("Nom d'utilisateur ou courriel d'un membre du chantier."),
    ),
    Column(
        "partners",
        "Partenaires",
        ("Partners",),
        help=gettext_lazy(
            "Organisations partenaires séparées par des points-virgules, chacune avec son rôle "
            "entre parenthèses : « CQRDA (Bailleur de fonds); SVA (Contributeur) ». "
            "Rôles : Porteur, Contributeur, Bailleur de fonds, Expert."
        ),
    ),
    Column(
        "start_date",
        "Début",
        ("Date de début", "Start", "Start date"),
        help=gettext_lazy("Date AAAA-MM-JJ ou JJ/MM/AAAA."),
    ),
    Column(
        "due_date",
        "Échéance",
        ("Date d'échéance", "Fin prévue", "Due date", "Due"),
        help=gettext_lazy("Date AAAA-MM-JJ ou JJ/MM/AAAA, pas avant le début."),
    ),
    Column(
        "budget_planned",
        "Budget prévu",
        ("Budget", "Budget prévu ($)", "Planned budget"),
        help=gettext_lazy("Montant en dollars canadiens, positif."),
    ),
    Column(
        "budget_spent",
        "Budget dépensé",
        ("Dépenses", "Budget dépensé ($)", "Spent", "Budget spent"),
        help=gettext_lazy("Montant en dollars canadiens, positif."),
    ),
    Column(
        "status",
        "Statut",
        ("Status",),
        readonly=True,
        help=gettext_lazy("Suit le journal d'avancement de l'action."),
    ),
    Column(
        "percent_complete",
        "Avancement (%)",
        ("Avancement", "Progress", "Percent complete"),
        readonly=True,
        help=gettext_lazy("Suit le journal d'avancement de l'action."),
    ),
    Column(
        "completed_on",
        "Terminée le",
        ("Completed on",),
        readonly=True,
        help=gettext_lazy("Suit le journal d'avancement de l'action."),
    ),
]
LABELS = {c.key: c.label for c in COLUMNS}

ROLE_EN = {
    ActionPartner.Role.LEAD: ("lead", "leader"),
    ActionPartner.Role.CONTRIBUTOR: ("contributor", "contributeur", "contributrice"),
    ActionPartner.Role.FUNDER: ("funder", "bailleur", "financeur"),
    ActionPartner.Role.EXPERT: ("expert", "experte"),
}
PARTNER_RE = re.compile(r"^(?P<org>.*?)\s*\((?P<role>[^()]*)\)\s*$")


def role_label(value: str) -> str:
    with translation.override("fr-ca"):
        return str(ActionPartner.Role(value).label)


def status_label(value: str) -> str:
    with translation.override("fr-ca"):
        return str(ActionStatus(value).label)


def role_lookup() -> dict[str, str]:
    lookup = {}
    for value, label in ActionPartner.Role.choices:
        lookup[tabular.normalise(value)] = value
        lookup[tabular.normalise(label)] = value
        lookup[tabular.normalise(role_label(value))] = value
        for alias in ROLE_EN[value]:
            lookup[tabular.normalise(alias)] = value
    return lookup


def partner_text(org: Organisation, role: str) -> str:
    return f"{org} ({role_label(role)})"
