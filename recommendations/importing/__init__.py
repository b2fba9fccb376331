"""Import and export of a chantier's recommendations (CSV / XLSX).

Rows are matched to recommendations by code within the chantier (case-insensitive).
An empty cell in a column the file has clears that field; a column the file does not
have leaves the field alone.

Dispositions: the import may change a recommendation's disposition, but only along
the moves `recommendations.services.TRANSITIONS` allows, with the justification the
model requires (« Non retenue », « Fermée sans mise en œuvre »), and never to
« Fusionnée » or « Transférée », which need a target chosen on the recommendation's
page. A new recommendation starts « À l'étude », so a file may create it « Retenue »,
« Reportée » or « Non retenue » but not « Mise en œuvre ». As in `set_disposition`, a
changed disposition gets today's date. Tiers (override included), scores and ranks
are computed by the prioritisation and are exported for reading only.

Unknown axes and studies are refused unless the caller asks for them to be created.
"""

from recommendations.importing.columns import COLUMNS, disposition_label
from recommendations.importing.export import export_rows
from recommendations.importing.importer import RecommendationImporter, import_recommendations
from recommendations.importing.resolvers import AxisResolver, NewAxis, NewStudy, StudyResolver

__all__ = [
    "COLUMNS",
    "AxisResolver",
    "NewAxis",
    "NewStudy",
    "RecommendationImporter",
    "StudyResolver",
    "disposition_label",
    "export_rows",
    "import_recommendations",
]
