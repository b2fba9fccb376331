"""HTML pages of the actions app (the API lives in actions/api.py)."""

from actions.views.actions import (
    action_create,
    action_detail,
    action_edit,
    action_list,
    link_recommendation,
    unlink_recommendation,
)
from actions.views.parts import (
    indicator_add,
    indicator_edit,
    milestone_add,
    milestone_edit,
    milestone_remove,
    partner_add,
    partner_edit,
    partner_remove,
)
from actions.views.plans import plan_approve, plan_create, plan_detail, plan_edit, plan_list
from actions.views.progress import (
    add_measurement,
    log_progress,
    my_actions,
    nothing_new,
    reach_milestone,
)

__all__ = [
    "action_create",
    "action_detail",
    "action_edit",
    "action_list",
    "add_measurement",
    "indicator_add",
    "indicator_edit",
    "link_recommendation",
    "log_progress",
    "milestone_add",
    "milestone_edit",
    "milestone_remove",
    "my_actions",
    "nothing_new",
    "partner_add",
    "partner_edit",
    "partner_remove",
    "plan_approve",
    "plan_create",
    "plan_detail",
    "plan_edit",
    "plan_list",
    "reach_milestone",
    "unlink_recommendation",
]
