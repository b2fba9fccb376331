from chantiers.import_command import ImportCommand
from recommendations.importing import import_recommendations


class Command(ImportCommand):
    help = (
        "Importe des recommandations d'un fichier .csv ou .xlsx dans un chantier : "
        "rapport ligne par ligne, tout ou rien, code de sortie non nul en cas d'erreur."
    )
    kind_label = "recommandations"

    def run_import(self, data, **kwargs):
        return import_recommendations(data, **kwargs)
