from actions.importing import import_actions
from chantiers.import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe des actions (avec recommandations, responsables et partenaires) d'un "
        "fichier .csv ou .xlsx dans un chantier : rapport ligne par ligne, tout ou rien, "
        "code de sortie non nul en cas d'erreur."
    )
    kind_label = "actions"

    def run_import(self, data, **kwargs):
        return import_actions(data, **kwargs)
