"""The chantier's action plans: list, plan page (actions grouped by axis or status),
create / edit and approval by the committee (lead and admin)."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions import services
from actions.forms import PlanApproveForm, PlanEditForm, PlanForm
from actions.models import ActionPlan, ActionStatus
from actions.queries import actions_for_chantier, plans_for_chantier
from actions.views.common import changes_of, form_page
from chantiers.history import object_timeline
from chantiers.permissions import can_edit, readable_chantier, require

GROUPINGS = {"axe": gettext_lazy("par axe"), "statut": gettext_lazy("par statut")}


def plan_list(request, code):
    chantier = readable_chantier(request.user, code)
    return render(
        request,
        "actions/plan_list.html",
        {
            "chantier": chantier,
            "plans": plans_for_chantier(chantier),
            "can_edit": can_edit(request.user, chantier),
        },
    )


def _groups(actions, grouping: str) -> list[dict]:
    """Actions in groups, each with its mean percent; axes in their own order (actions
    without an axis last), statuses in the order of the workflow."""
    groups: dict = {}
    for action in actions:
        key = action.axis if grouping == "axe" else action.status
        groups.setdefault(key, []).append(action)
    if grouping == "axe":
        keys = sorted(groups, key=lambda a: (a is None, a and (a.order, a.code)))
        label = {a: (a.name if a else _("Sans axe")) for a in keys}
    else:
        keys = [s for s in ActionStatus.values if s in groups]
        label = {s: ActionStatus(s).label for s in keys}
    return [
        {
            "label": label[k],
            "actions": groups[k],
            "mean_percent": round(sum(a.percent_complete for a in groups[k]) / len(groups[k])),
        }
        for k in keys
    ]


def plan_detail(request, code, pk):
    chantier = readable_chantier(request.user, code)
    plan = get_object_or_404(
        ActionPlan.objects.select_related("approved_by_meeting"), chantier=chantier, pk=pk
    )
    grouping = request.GET.get("groupe", "axe")
    if grouping not in GROUPINGS:
        grouping = "axe"
    actions = list(actions_for_chantier(chantier).filter(plan=plan).order_by("code"))
    return render(
        request,
        "actions/plan_detail.html",
        {
            "chantier": chantier,
            "plan": plan,
            "grouping": grouping,
            "groupings": GROUPINGS,
            "groups": _groups(actions, grouping),
            "action_count": len(actions),
            "late_count": sum(1 for a in actions if a.late),
            "stale_count": sum(1 for a in actions if a.stale),
            "can_edit": can_edit(request.user, chantier),
            "entries": object_timeline(plan),
        },
    )


def plan_create(request, code):
    chantier = readable_chantier(request.user, code)
    require(can_edit(request.user, chantier))

    def save(data):
        plan = services.create_plan(
            chantier, by=request.user, **changes_of(data, services.PLAN_FIELDS)
        )
        return reverse("plan-detail", args=[chantier.code, plan.pk])

    return form_page(
        request,
        form=PlanForm(request.POST or None),
        save=save,
        success_message=_("Plan créé."),
        title=_("Nouveau plan d'action"),
        cancel_url=reverse("plan-list", args=[chantier.code]),
        context={"chantier": chantier},
    )


def _editable_plan(request, code, pk):
    chantier = readable_chantier(request.user, code)
    plan = get_object_or_404(ActionPlan, chantier=chantier, pk=pk)
    require(can_edit(request.user, chantier))
    return chantier, plan


def plan_edit(request, code, pk):
    chantier, plan = _editable_plan(request, code, pk)
    url = reverse("plan-detail", args=[chantier.code, plan.pk])

    def save(data):
        services.update_plan(
            plan,
            by=request.user,
            version=data["version"],
            changes=changes_of(data, services.PLAN_FIELDS),
            reason=data["reason"],
        )
        return url

    return form_page(
        request,
        form=PlanEditForm(request.POST or None, instance=plan),
        instance=plan,
        save=save,
        success_message=_("Plan enregistré."),
        title=_("Modifier le plan « %(plan)s »") % {"plan": plan},
        cancel_url=url,
        context={"chantier": chantier, "plan": plan},
    )


def plan_approve(request, code, pk):
    chantier, plan = _editable_plan(request, code, pk)
    url = reverse("plan-detail", args=[chantier.code, plan.pk])

    def save(data):
        services.approve_plan(
            plan, by=request.user, version=data["version"], meeting=data["meeting"]
        )
        return url

    return form_page(
        request,
        form=PlanApproveForm(request.POST or None, plan=plan),
        instance=plan,
        save=save,
        success_message=_("Plan approuvé."),
        title=_("Approbation du plan « %(plan)s » par le comité") % {"plan": plan},
        cancel_url=url,
        submit_label=_("Approuver le plan"),
        context={"chantier": chantier, "plan": plan},
    )
