"""The columns of the recommendation files and the disposition values they accept."""

from django.utils import translation
from django.utils.translation import gettext_lazy

from chantiers import tabular
from chantiers.tabular import Column
from recommendations.models import Recommendation

Disposition = Recommendation.Disposition

COLUMNS = [
    Column(
        "code",
        "Code",
        ("Code de la recommandation", "N°", "No", "Numéro", "Identifiant", "Recommendation code"),
        required=True,
        help=gettext_lazy("Code unique dans le chantier, par exemple R-042."),
    ),
    Column(
        "title",
        "Titre",
        ("Intitulé", "Titre de la recommandation", "Title"),
        help=gettext_lazy("Obligatoire pour une nouvelle recommandation (300 caractères au plus)."),
    ),
    Column(
        "text",
        "Texte",
        ("Description", "Texte de l'étude", "Texte verbatim", "Verbatim", "Extrait", "Text"),
        help=gettext_lazy("Texte de la recommandation tel qu'il figure dans l'étude."),
    ),
    Column(
        "source_location",
        "Emplacement",
        ("Emplacement dans l'étude", "Page", "Section", "Page ou section", "Location"),
        help=gettext_lazy("Page ou section de l'étude (100 caractères au plus)."),
    ),
    Column(
        "axis",
        "Axe",
        ("Axe stratégique", "Thème", "Axis", "Strategic axis"),
        help=gettext_lazy("Code ou nom d'un axe stratégique du chantier."),
    ),
    Column(
        "study",
        "Étude",
        ("Étude source", "Source", "Study", "Source study"),
        help=gettext_lazy("Titre ou référence de l'étude source."),
    ),
    Column(
        "study_year",
        "Année de l'étude",
        ("Année", "Study year", "Year"),
        help=gettext_lazy("Année de l'étude (1900 à 2100) ; distingue deux études de même titre."),
    ),
    Column(
        "disposition",
        "Décision",
        ("Statut", "Disposition", "Décision du comité", "Status", "Decision"),
        help=gettext_lazy(
            "À l'étude, Retenue, Reportée, Non retenue, En mise en œuvre, Mise en œuvre, "
            "Fermée sans mise en œuvre. Une fusion ou un transfert se fait sur la fiche."
        ),
    ),
    Column(
        "justification",
        "Justification",
        ("Justification de la décision", "Rationale"),
        help=gettext_lazy("Obligatoire pour « Non retenue » et « Fermée sans mise en œuvre »."),
    ),
    Column(
        "disposition_date",
        "Date de la décision",
        ("Disposition date",),
        readonly=True,
        help=gettext_lazy("Date du dernier changement de décision."),
    ),
    Column(
        "tier",
        "Niveau",
        ("Niveau de priorité", "Priorité", "Tier"),
        readonly=True,
        help=gettext_lazy("P1, P2 ou P3, calculé par la priorisation."),
    ),
    Column(
        "score", "Score", (), readonly=True, help=gettext_lazy("Score 0–100 de la priorisation.")
    ),
    Column("rank", "Rang", ("Rank",), readonly=True, help=gettext_lazy("Rang dans le chantier.")),
]
LABELS = {c.key: c.label for c in COLUMNS}

DISPOSITION_EN = {
    Disposition.UNDER_REVIEW: ("under review", "pending"),
    Disposition.RETAINED: ("retained", "accepted"),
    Disposition.POSTPONED: ("postponed", "deferred"),
    Disposition.NOT_RETAINED: ("not retained", "rejected"),
    Disposition.MERGED: ("merged",),
    Disposition.TRANSFERRED: ("transferred",),
    Disposition.IN_IMPLEMENTATION: ("in implementation", "in progress"),
    Disposition.IMPLEMENTED: ("implemented", "done"),
    Disposition.CLOSED_UNIMPLEMENTED: ("closed without implementation", "closed unimplemented"),
}


def disposition_label(value: str) -> str:
    with translation.override("fr-ca"):
        return str(Disposition(value).label)


def disposition_lookup() -> dict[str, str]:
    lookup = {}
    for value, label in Disposition.choices:
        lookup[tabular.normalise(value)] = value
        lookup[tabular.normalise(label)] = value
        lookup[tabular.normalise(disposition_label(value))] = value
        for alias in DISPOSITION_EN[value]:
            lookup[tabular.normalise(alias)] = value
    return lookup
