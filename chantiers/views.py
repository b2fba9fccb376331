from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chantiers import services
from chantiers.forms import (
    DecisionForm,
    FollowUpForm,
    MeetingForm,
    add_service_errors,
    refuse_stale,
)
from chantiers.history import object_timeline
from chantiers.models import CommitteeMeeting, Decision, StaleObjectError
from chantiers.permissions import (
    COMMITTEE,
    LEAD,
    STAFF,
    can_edit,
    is_admin,
    readable_chantier,
    require,
    roles_by_chantier,
)
from chantiers.queries import (
    chantiers_for_user,
    decisions_for_meeting,
    meetings_with_counts_for_chantier,
    open_decisions_for_chantier,
)


@login_not_required
@never_cache
def health(request):
    """For load balancers: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def home(request):
    """Send each person to what they do most: the lead to the recommendations awaiting
    a disposition, staff to their actions, committee members to the dashboard, the
    administrator to the portfolio. Someone with no role gets a page saying so."""
    user = request.user
    chantiers = list(chantiers_for_user(user).order_by("name"))
    if is_admin(user):
        if len(chantiers) > 1:
            return redirect("portfolio")
        if chantiers:
            return redirect("chantier-dashboard", chantiers[0].code)
    roles = roles_by_chantier(user)
    for role in (LEAD, STAFF, COMMITTEE):
        mine = [c for c in chantiers if roles.get(c.pk) == role]
        if not mine:
            continue
        if role == LEAD:
            url = reverse("recommendation-list", args=[mine[0].code])
            return redirect(f"{url}?awaiting=true")
        if role == STAFF:
            return redirect("my-actions")
        return redirect("chantier-dashboard", mine[0].code)
    return render(request, "chantiers/home.html", {"is_admin": is_admin(user)})


def chantier_detail(request, code):
    chantier = readable_chantier(request.user, code)
    return redirect("chantier-dashboard", chantier.code)


# ---------------------------------------------------------------------------
# Committee meetings


def meeting_list(request, code):
    chantier = readable_chantier(request.user, code)
    return render(
        request,
        "chantiers/meeting_list.html",
        {
            "chantier": chantier,
            "meetings": meetings_with_counts_for_chantier(chantier),
            "open_decisions": open_decisions_for_chantier(chantier),
            "can_edit": can_edit(request.user, chantier),
        },
    )


def _meeting(chantier, pk) -> CommitteeMeeting:
    return get_object_or_404(
        CommitteeMeeting.objects.filter(chantier=chantier).select_related("snapshot"), pk=pk
    )


def meeting_detail(request, code, pk):
    chantier = readable_chantier(request.user, code)
    meeting = _meeting(chantier, pk)
    return render(
        request,
        "chantiers/meeting_detail.html",
        {
            "chantier": chantier,
            "meeting": meeting,
            "snapshot": getattr(meeting, "snapshot", None),
            "decisions": decisions_for_meeting(meeting).select_related("meeting"),
            "earlier_decisions": open_decisions_for_chantier(chantier, before=meeting),
            "entries": object_timeline(meeting),
            "can_edit": can_edit(request.user, chantier),
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_create(request, code):
    chantier = readable_chantier(request.user, code)
    require(can_edit(request.user, chantier))
    form = MeetingForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.create_meeting(
                chantier,
                by=request.user,
                date=data["date"],
                title=data["title"],
                minutes=data["minutes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Réunion planifiée."))
            return redirect("meeting-detail", chantier.code, meeting.pk)
    return render(
        request,
        "chantiers/meeting_form.html",
        {"chantier": chantier, "form": form, "meeting": None},
    )


@require_http_methods(["GET", "POST"])
def meeting_edit(request, code, pk):
    chantier = readable_chantier(request.user, code)
    meeting = _meeting(chantier, pk)
    require(can_edit(request.user, chantier))
    if meeting.is_closed:
        messages.error(request, _("Cette réunion est fermée : elle ne se modifie plus."))
        return redirect("meeting-detail", chantier.code, meeting.pk)
    initial = {
        "version": meeting.version,
        "date": meeting.date,
        "title": meeting.title,
        "minutes": meeting.minutes,
    }
    form = MeetingForm(request.POST or None, initial=initial)
    stale_entries = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting.version = data["version"]
        try:
            services.update_meeting(
                meeting,
                by=request.user,
                date=data["date"],
                title=data["title"],
                minutes=data["minutes"],
                reason=data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except StaleObjectError:
            stale_entries = refuse_stale(form, meeting, data["version"])
        else:
            messages.success(request, _("Réunion enregistrée."))
            return redirect("meeting-detail", chantier.code, meeting.pk)
    return render(
        request,
        "chantiers/meeting_form.html",
        {"chantier": chantier, "form": form, "meeting": meeting, "stale_entries": stale_entries},
    )


@require_http_methods(["GET", "POST"])
def meeting_close(request, code, pk):
    chantier = readable_chantier(request.user, code)
    meeting = _meeting(chantier, pk)
    require(can_edit(request.user, chantier))
    error = None
    if request.method == "POST":
        try:
            services.close_meeting(meeting, by=request.user)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(
                request, _("Réunion fermée : les chiffres clés du chantier sont figés.")
            )
            return redirect("meeting-detail", chantier.code, meeting.pk)
    return render(
        request,
        "chantiers/meeting_close.html",
        {"chantier": chantier, "meeting": meeting, "error": error},
    )


# ---------------------------------------------------------------------------
# Decisions


def _decision(chantier, pk) -> Decision:
    return get_object_or_404(
        Decision.objects.filter(meeting__chantier=chantier).select_related(
            "meeting", "follow_up_owner"
        ),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def decision_create(request, code, pk):
    chantier = readable_chantier(request.user, code)
    meeting = _meeting(chantier, pk)
    require(can_edit(request.user, chantier))
    if meeting.is_closed:
        messages.error(request, _("Cette réunion est fermée : on n'y consigne plus de décision."))
        return redirect("meeting-detail", chantier.code, meeting.pk)
    form = DecisionForm(
        request.POST or None,
        chantier=chantier,
        creating=True,
        initial={"recommendations": request.GET.getlist("recommendation")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_decision(
                meeting,
                by=request.user,
                kind=data["kind"],
                text=data["text"],
                recommendations=list(data["recommendations"]),
                actions=list(data["actions"]),
                follow_up_owner=data["follow_up_owner"],
                due_date=data["due_date"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Décision consignée."))
            return redirect("meeting-detail", chantier.code, meeting.pk)
    return render(
        request,
        "chantiers/decision_form.html",
        {"chantier": chantier, "meeting": meeting, "form": form, "decision": None},
    )


@require_http_methods(["GET", "POST"])
def decision_edit(request, code, pk):
    chantier = readable_chantier(request.user, code)
    decision = _decision(chantier, pk)
    require(can_edit(request.user, chantier))
    meeting = decision.meeting
    if meeting.is_closed:
        messages.error(
            request,
            _("La réunion est fermée : la décision ne se corrige plus, mais son suivi oui."),
        )
        return redirect("decision-follow-up", chantier.code, decision.pk)
    initial = {
        "version": decision.version,
        "kind": decision.kind,
        "text": decision.text,
        "recommendations": list(decision.recommendations.values_list("pk", flat=True)),
        "actions": list(decision.actions.values_list("pk", flat=True)),
        "follow_up_owner": decision.follow_up_owner_id,
        "due_date": decision.due_date,
    }
    form = DecisionForm(request.POST or None, chantier=chantier, initial=initial)
    stale_entries = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decision.version = data["version"]
        try:
            services.update_decision(
                decision,
                by=request.user,
                kind=data["kind"],
                text=data["text"],
                recommendations=list(data["recommendations"]),
                actions=list(data["actions"]),
                follow_up_owner=data["follow_up_owner"],
                due_date=data["due_date"],
                reason=data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except StaleObjectError:
            stale_entries = refuse_stale(form, decision, data["version"])
        else:
            messages.success(request, _("Décision enregistrée."))
            return redirect("meeting-detail", chantier.code, meeting.pk)
    return render(
        request,
        "chantiers/decision_form.html",
        {
            "chantier": chantier,
            "meeting": meeting,
            "form": form,
            "decision": decision,
            "stale_entries": stale_entries,
            "entries": object_timeline(decision),
        },
    )


@require_http_methods(["GET", "POST"])
def decision_follow_up(request, code, pk):
    chantier = readable_chantier(request.user, code)
    decision = _decision(chantier, pk)
    require(can_edit(request.user, chantier))
    initial = {
        "version": decision.version,
        "status": decision.status,
        "follow_up": decision.follow_up,
    }
    form = FollowUpForm(request.POST or None, initial=initial)
    stale_entries = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decision.version = data["version"]
        try:
            services.follow_up_decision(
                decision, by=request.user, status=data["status"], follow_up=data["follow_up"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except StaleObjectError:
            stale_entries = refuse_stale(form, decision, data["version"])
        else:
            messages.success(request, _("Suivi enregistré."))
            return redirect("meeting-detail", chantier.code, decision.meeting_id)
    return render(
        request,
        "chantiers/decision_follow_up.html",
        {
            "chantier": chantier,
            "meeting": decision.meeting,
            "decision": decision,
            "form": form,
            "stale_entries": stale_entries,
            "entries": object_timeline(decision),
        },
    )
