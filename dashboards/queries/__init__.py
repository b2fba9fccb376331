"""Aggregates for the dashboards, the committee report and the meeting snapshots,
computed in the database.

Every function returns plain rows (small dataclasses of numbers and strings) and costs
a fixed number of queries whatever the amount of data: grouping and counting happen
in SQL, Python only reshapes the aggregated rows. Lists that could grow with the data
(Gantt bars, matrix points, report lines) are capped in SQL and come with their total.

One module per page area; everything public is importable from here.
"""

from dashboards.queries.plan import (
    EngagementCell,
    GanttRow,
    IndicatorRow,
    MatrixPoint,
    gantt_rows,
    indicator_rows,
    matrix_points,
    partner_engagement,
)
from dashboards.queries.portfolio import (
    PortfolioRow,
    key_figures,
    portfolio_rows,
)
from dashboards.queries.progress import (
    AxisRow,
    Funnel,
    MonthPoint,
    axes_without_active_action,
    axis_rows,
    coverage_funnel,
    monthly_progress,
    totals,
)
from dashboards.queries.report import (
    Capped,
    Period,
    action_progress,
    actions_turned_late_or_stale,
    disposition_transitions,
    earlier_decisions_to_follow,
    meeting_moment,
    milestones_reached,
    new_recommendations,
    partners_newly_engaged,
    recommendation_changes,
    report_period,
)
from dashboards.queries.scope import (
    ENGAGED_STAGES,
    GANTT_LIMIT,
    INDICATOR_LIMIT,
    MATRIX_LIMIT,
    PARTNER_ORGANISATION_LIMIT,
    REPORT_LIST_LIMIT,
    RETAINED_FAMILY,
    STAGE_LEVEL,
    TIER_CHOICES,
    Disposition,
    Scope,
    axes_of,
    scope_for,
)

__all__ = [
    "Disposition",
    "RETAINED_FAMILY",
    "ENGAGED_STAGES",
    "STAGE_LEVEL",
    "MATRIX_LIMIT",
    "GANTT_LIMIT",
    "PARTNER_ORGANISATION_LIMIT",
    "INDICATOR_LIMIT",
    "REPORT_LIST_LIMIT",
    "TIER_CHOICES",
    "Scope",
    "axes_of",
    "scope_for",
    "AxisRow",
    "axis_rows",
    "totals",
    "axes_without_active_action",
    "Funnel",
    "coverage_funnel",
    "MonthPoint",
    "monthly_progress",
    "MatrixPoint",
    "matrix_points",
    "GanttRow",
    "gantt_rows",
    "EngagementCell",
    "partner_engagement",
    "IndicatorRow",
    "indicator_rows",
    "PortfolioRow",
    "portfolio_rows",
    "key_figures",
    "Period",
    "meeting_moment",
    "report_period",
    "Capped",
    "new_recommendations",
    "recommendation_changes",
    "disposition_transitions",
    "action_progress",
    "actions_turned_late_or_stale",
    "partners_newly_engaged",
    "milestones_reached",
    "earlier_decisions_to_follow",
]
