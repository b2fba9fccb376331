"""Prioritisation rounds: the scoring workspace, its JSON endpoints, round settings,
freeze, comparison of two rounds, weight sensitivity and exports (issue 7).

Every view scopes by chantier first (another chantier → 404), then asks
chantiers.permissions; the numbers come from queries.round_table, which reads a round
in a constant number of queries and computes with recommendations.priority."""

from recommendations.rounds.analysis import (
    SENSITIVITY_STEP,
    round_compare,
    round_export,
    round_sensitivity,
)
from recommendations.rounds.lifecycle import (
    round_freeze,
    round_list,
    round_open,
    round_settings,
    tier_override,
)
from recommendations.rounds.workspace import cell_detail, score_cell, set_weights, workspace

__all__ = [
    "SENSITIVITY_STEP",
    "cell_detail",
    "round_compare",
    "round_export",
    "round_freeze",
    "round_list",
    "round_open",
    "round_sensitivity",
    "round_settings",
    "score_cell",
    "set_weights",
    "tier_override",
    "workspace",
]
