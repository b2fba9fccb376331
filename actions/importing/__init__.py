"""Import and export of a chantier's actions (CSV / XLSX), with the recommendations
they implement, their owner, lead organisation and partners.

Rows are matched to actions by code within the chantier (case-insensitive). An empty
cell in a column the file has clears that field; a column the file does not have
leaves the field alone. The « Recommandations » and « Partenaires » cells give the
whole list: links and partners the cell no longer names are removed (the dry run
shows it). A partner's engagement stage and contribution are kept when it stays.

Progress (status, percent, completion date) is read-only here: it follows the
action's append-only progress log (`actions.services.log_progress`), which a
spreadsheet must not bypass.
"""

from actions.importing.columns import COLUMNS
from actions.importing.export import export_queryset, export_rows
from actions.importing.importer import ActionImporter, import_actions

__all__ = ["COLUMNS", "ActionImporter", "export_queryset", "export_rows", "import_actions"]
