"""Staff's weekly 30 seconds: "my actions", log progress, "nothing new", milestone
reached, indicator value. The forms sit on "my actions" and on the action page; a
refused submission re-renders the page it came from with the error next to its field."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actions import services
from actions.forms import MeasurementForm, ProgressForm
from actions.models import STATUS_SEVERITY, Indicator, Milestone
from actions.queries import actions_owned_across
from actions.views.common import add_service_errors, scoped_action
from chantiers.permissions import can_log_progress, require

FROM_MINE = "mine"
# "My actions" shows the next milestones only; the action page has them all.
MILESTONES_SHOWN = 2
# Lets the page's script ask for a comment as soon as the status gets worse.
SEVERITY_JSON = json.dumps({str(k): v for k, v in STATUS_SEVERITY.items()})


def _back(request, chantier, action, anchor: str):
    if request.POST.get("from") == FROM_MINE:
        return redirect(f"{reverse('my-actions')}#action-{action.pk}")
    return redirect(f"{reverse('action-detail', args=[chantier.code, action.pk])}#{anchor}")


def _refused(request, chantier, action, *, section: str, **bound):
    """Re-render the page the form came from, with the refused form bound."""
    anchor = f"#action-{action.pk}" if request.POST.get("from") == FROM_MINE else f"#{section}"
    messages.error(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            _("%(code)s : rien n'a été enregistré.") % {"code": action.code},
            anchor,
            _("Voir le message à côté du champ."),
        ),
    )
    if request.POST.get("from") == FROM_MINE:
        return render_my_actions(request, action_pk=action.pk, **bound)
    from actions.views.actions import render_action_detail

    return render_action_detail(request, chantier, action, **bound)


def render_my_actions(request, *, action_pk=None, progress_form=None, measurement_form=None):
    rows = []
    for action in actions_owned_across(request.user):
        may_log = can_log_progress(request.user, action)
        form = progress_form if action.pk == action_pk and progress_form else None
        measurement_forms = [
            (
                indicator,
                measurement_form
                if measurement_form is not None and measurement_form.prefix == f"i{indicator.pk}"
                else MeasurementForm(indicator=indicator),
            )
            for indicator in action.indicators.all()
        ]
        rows.append(
            {
                "action": action,
                "may_log": may_log,
                "form": form or ProgressForm(action=action),
                "measurement_forms": measurement_forms,
                "milestones": action.open_milestones[:MILESTONES_SHOWN],
                "more_milestones": max(0, len(action.open_milestones) - MILESTONES_SHOWN),
            }
        )
    open_rows = [r for r in rows if not r["action"].closed]
    closed_rows = [r for r in rows if r["action"].closed]
    chantier_count = len({r["action"].chantier_id for r in rows})
    return render(
        request,
        "actions/my_actions.html",
        {
            "open_rows": open_rows,
            "closed_rows": closed_rows,
            "stale_count": sum(1 for r in open_rows if r["action"].stale),
            "several_chantiers": chantier_count > 1,
            "severity_json": SEVERITY_JSON,
            "from_mine": FROM_MINE,
        },
    )


def my_actions(request):
    return render_my_actions(request)


@require_POST
def log_progress(request, code, pk):
    chantier, action = scoped_action(request, code, pk)
    require(can_log_progress(request.user, action))
    form = ProgressForm(request.POST, action=action)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.log_progress(
                action,
                by=request.user,
                percent=data["percent"],
                status=data["status"],
                comment=data["comment"],
                blockers=data["blockers"],
                evidence_url=data["evidence_url"],
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(
                request,
                _("%(code)s : avancement enregistré (%(percent)d %%).")
                % {"code": action.code, "percent": data["percent"]},
            )
            return _back(request, chantier, action, "avancement")
    return _refused(request, chantier, action, section="avancement", progress_form=form)


@require_POST
def nothing_new(request, code, pk):
    chantier, action = scoped_action(request, code, pk)
    require(can_log_progress(request.user, action))
    services.record_nothing_new(action, by=request.user)
    messages.success(
        request, _("%(code)s : « rien de nouveau » enregistré.") % {"code": action.code}
    )
    return _back(request, chantier, action, "avancement")


@require_POST
def reach_milestone(request, code, pk, milestone_pk):
    chantier, action = scoped_action(request, code, pk)
    require(can_log_progress(request.user, action))
    milestone = get_object_or_404(Milestone, action=action, pk=milestone_pk)
    if milestone.reached_on is None:
        services.reach_milestone(milestone, by=request.user)
        messages.success(request, _("Jalon « %(title)s » atteint.") % {"title": milestone.title})
    return _back(request, chantier, action, "jalons")


@require_POST
def add_measurement(request, code, pk, indicator_pk):
    chantier, action = scoped_action(request, code, pk)
    require(can_log_progress(request.user, action))
    indicator = get_object_or_404(Indicator, action=action, pk=indicator_pk)
    form = MeasurementForm(request.POST, indicator=indicator)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_measurement(
                indicator,
                by=request.user,
                date=data["date"],
                value=data["value"],
                comment=data["comment"],
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(
                request,
                _("« %(name)s » : %(value)s %(unit)s enregistré le %(date)s.")
                % {
                    "name": indicator.name,
                    "value": formats.number_format(data["value"]),
                    "unit": indicator.unit,
                    "date": formats.date_format(data["date"]),
                },
            )
            return _back(request, chantier, action, "indicateurs")
    return _refused(request, chantier, action, section="indicateurs", measurement_form=form)
