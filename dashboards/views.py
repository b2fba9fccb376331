"""Dashboard pages: scope by the user's chantiers, aggregate (dashboards.queries), build
the panels (dashboards.panels), render. Plus plotly.js itself, served from the installed
plotly package."""

import gzip
from functools import lru_cache

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from plotly.offline.offline import get_plotlyjs, get_plotlyjs_version

from chantiers.permissions import readable_chantier
from chantiers.queries import (
    chantiers_for_user,
    decisions_for_meeting,
    meetings_for_chantier,
    previous_meeting,
)
from dashboards import panels, queries
from dashboards.forms import DashboardFilterForm
from dashboards.models import MeetingSnapshot
from recommendations.queries import criteria_for_round, current_round

PLOTLY_JS_VERSION = get_plotlyjs_version()
ONE_YEAR = 365 * 24 * 3600


def _page(request, template: str, context: dict, charts: list) -> HttpResponse:
    context = {
        **context,
        "charts": charts,
        "plotly_js_url": reverse("plotly-js", args=[PLOTLY_JS_VERSION]),
        "figure_bytes": panels.json_size(charts),
    }
    return render(request, template, context)


def portfolio(request):
    rows = queries.portfolio_rows(chantiers_for_user(request.user))
    return _page(request, "dashboards/portfolio.html", {"rows": rows}, panels.portfolio(rows))


def chantier_dashboard(request, code: str):
    chantier = readable_chantier(request.user, code)
    axes = queries.axes_of(chantier)
    prioritisation_round = current_round(chantier)
    criteria = list(criteria_for_round(prioritisation_round)) if prioritisation_round else []
    # The matrix starts on the round's first two criteria; the form shows them selected.
    defaults = {"x": criteria[0].code, "y": criteria[1].code} if len(criteria) >= 2 else {}
    form = DashboardFilterForm({**defaults, **request.GET.dict()}, axes=axes, criteria=criteria)
    scope = queries.scope_for(
        chantier, axes=axes, axis_code=form.value("axis"), tier=form.value("tier")
    )
    today = timezone.localdate()

    axis_rows = queries.axis_rows(scope)
    funnel = queries.coverage_funnel(scope)
    by_code = {c.code: c for c in criteria}
    x, y = by_code.get(form.value("x")), by_code.get(form.value("y"))
    if x is None or y is None:
        x, y = (criteria[0], criteria[1]) if len(criteria) >= 2 else (None, None)
    points, scored = (
        queries.matrix_points(scope, x_criterion=x, y_criterion=y) if x and y else ([], 0)
    )
    detail_url = reverse("recommendation-detail", kwargs={"code": chantier.code, "pk": 0})
    charts = [
        panels.axis_progress(axis_rows),
        panels.matrix(
            points,
            scored,
            x_label=x.name if x else "",
            y_label=y.name if y else "",
            click_url=detail_url.replace("/0/", "/__id__/"),
            has_round=bool(x and y),
        ),
        panels.gantt(*queries.gantt_rows(scope, today=today), today=today),
        panels.monthly_progress(queries.monthly_progress(scope, today=today)),
        panels.funnel(funnel),
        panels.engagement(
            *queries.partner_engagement(scope), axes={a.pk: a.name for a in scope.shown_axes()}
        ),
        panels.budget(axis_rows),
        panels.indicators(*queries.indicator_rows(scope)),
    ]
    context = {
        "chantier": chantier,
        "scope": scope,
        "form": form,
        "totals": queries.totals(axis_rows),
        "funnel": funnel,
        "idle_axes": queries.axes_without_active_action(axis_rows),
        "criteria": criteria,
        "round": prioritisation_round,
        "x": x,
        "y": y,
    }
    return _page(request, "dashboards/chantier.html", context, charts)


def meeting_report(request, code: str, pk: int):
    chantier = readable_chantier(request.user, code)
    meeting = get_object_or_404(meetings_for_chantier(chantier), pk=pk)
    previous = previous_meeting(meeting)
    snapshots = {
        s.meeting_id: s
        for s in MeetingSnapshot.objects.filter(
            meeting__in=[m.pk for m in (meeting, previous) if m]
        ).select_related("taken_by")
    }
    now = timezone.now()
    period = queries.report_period(meeting, previous, now=now)
    snapshot = snapshots.get(meeting.pk)
    live = snapshot is None and meeting.date >= timezone.localdate(now)
    if snapshot:
        current = snapshot.figures
    else:
        current = queries.key_figures(chantier, as_of=None if live else period.until)
    previous_snapshot = snapshots.get(previous.pk) if previous else None
    if previous_snapshot:
        before = previous_snapshot.figures
    elif previous:
        before = queries.key_figures(chantier, as_of=period.since)
    else:
        before = None

    context = {
        "chantier": chantier,
        "meeting": meeting,
        "previous": previous,
        "period": period,
        "snapshot": snapshot,
        "previous_snapshot": previous_snapshot,
        "live": live,
        "figures": current,
        "comparison": panels.comparison(before, current),
        "new_recommendations": queries.new_recommendations(chantier, period),
        "recommendation_changes": queries.recommendation_changes(chantier, period),
        "transitions": queries.disposition_transitions(chantier, period),
        "progress": queries.action_progress(chantier, period),
        "turned": queries.actions_turned_late_or_stale(chantier, period),
        "partners": queries.partners_newly_engaged(chantier, period),
        "milestones": queries.milestones_reached(chantier, period),
        "decisions": decisions_for_meeting(meeting),
        "earlier_decisions": queries.earlier_decisions_to_follow(meeting, period),
    }
    return _page(request, "dashboards/report.html", context, panels.report_charts(current))


@lru_cache(maxsize=1)
def _plotly_js_bytes() -> tuple[bytes, bytes]:
    """plotly.js as shipped in the plotly package, plain and gzipped (computed once)."""
    raw = get_plotlyjs().encode()
    return raw, gzip.compress(raw, compresslevel=6, mtime=0)


@login_not_required  # a public library: no data, cacheable by any proxy
@require_safe
def plotly_js(request, version: str):
    if version != PLOTLY_JS_VERSION:
        raise Http404
    raw, packed = _plotly_js_bytes()
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(packed if gzipped else raw, content_type="text/javascript")
    if gzipped:
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response
