"""Action list (filters, sorting, pagination), action page, create / edit, and the
links to recommendations."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from actions import services
from actions.filters import ActionFilter
from actions.forms import (
    ActionEditForm,
    ActionForm,
    MeasurementForm,
    ProgressForm,
    RecommendationLinkForm,
    polish_filter_form,
)
from actions.models import ActionPlan, ActionRecommendation
from actions.queries import (
    action_history,
    actions_for_chantier,
    indicators_for_action,
    milestones_for_action,
    partners_for_action,
    recommendation_links_for_action,
    updates_for_action,
)
from actions.views.common import add_service_errors, changes_of, editable_action, form_page
from actions.views.progress import SEVERITY_JSON
from chantiers.permissions import can_edit, can_log_progress, readable_chantier, require

PAGE_SIZE = 25
# The action page shows the latest updates; older ones fold away.
RECENT_UPDATES = 10
# ?sort=<key> or ?sort=-<key>; the value is the ordering, ties broken by code.
SORTS = {
    "code": (gettext_lazy("Code"), F("code")),
    "titre": (gettext_lazy("Titre"), F("title")),
    "responsable": (gettext_lazy("Responsable"), F("owner__last_name")),
    "statut": (gettext_lazy("Statut"), F("status")),
    "avancement": (gettext_lazy("Avancement"), F("percent_complete")),
    "echeance": (gettext_lazy("Échéance"), F("due_date")),
    "nouvelles": (gettext_lazy("Dernières nouvelles"), F("last_update_at")),
}


def _ordering(sort: str):
    key = sort.removeprefix("-")
    if key not in SORTS:
        return "code", [F("code").asc()]
    expression = SORTS[key][1]
    ordered = (
        expression.desc(nulls_last=True)
        if sort.startswith("-")
        else expression.asc(nulls_last=True)
    )
    return sort, [ordered, F("code").asc()]


def action_list(request, code):
    chantier = readable_chantier(request.user, code)
    filterset = ActionFilter(
        request.GET or None, queryset=actions_for_chantier(chantier), chantier=chantier
    )
    polish_filter_form(filterset.form)
    sort, ordering = _ordering(request.GET.get("sort", "code"))
    page = Paginator(filterset.qs.order_by(*ordering), PAGE_SIZE).get_page(request.GET.get("page"))
    columns = [
        {"key": key, "label": label, "active": sort.removeprefix("-") == key}
        for key, (label, _expr) in SORTS.items()
        if key != "titre"
    ]
    return render(
        request,
        "actions/action_list.html",
        {
            "chantier": chantier,
            "filter": filterset,
            "page": page,
            "sort": sort,
            "descending": sort.startswith("-"),
            "columns": columns,
            "can_edit": can_edit(request.user, chantier),
        },
    )


def render_action_detail(
    request, chantier, action, *, progress_form=None, measurement_form=None, link_form=None
):
    may_edit = can_edit(request.user, chantier)
    updates = list(updates_for_action(action))
    may_log = can_log_progress(request.user, action)
    indicators = list(indicators_for_action(action))
    measurement_forms = [
        (
            indicator,
            measurement_form
            if measurement_form is not None and measurement_form.prefix == f"i{indicator.pk}"
            else MeasurementForm(indicator=indicator),
        )
        for indicator in indicators
    ]
    return render(
        request,
        "actions/action_detail.html",
        {
            "chantier": chantier,
            "action": action,
            "partners": partners_for_action(action),
            "links": recommendation_links_for_action(action),
            "milestones": milestones_for_action(action),
            "measurement_forms": measurement_forms,
            "updates": updates,
            "recent_updates": updates[:RECENT_UPDATES],
            "older_updates": updates[RECENT_UPDATES:],
            "decisions": action.decisions.select_related("meeting").order_by("-meeting__date"),
            "entries": action_history(action),
            "can_edit": may_edit,
            "may_log": may_log,
            "progress_form": progress_form or ProgressForm(action=action),
            "link_form": (link_form or RecommendationLinkForm(chantier=chantier))
            if may_edit
            else None,
            "severity_json": SEVERITY_JSON,
        },
    )


def action_detail(request, code, pk):
    chantier = readable_chantier(request.user, code)
    action = get_object_or_404(actions_for_chantier(chantier), pk=pk)
    return render_action_detail(request, chantier, action)


def action_create(request, code):
    chantier = readable_chantier(request.user, code)
    require(can_edit(request.user, chantier))
    initial = {}
    plan = ActionPlan.objects.filter(chantier=chantier, pk=request.GET.get("plan") or 0).first()
    if plan is not None:
        initial["plan"] = plan.pk

    def save(data):
        fields = changes_of(data, services.ACTION_FIELDS)
        action = services.create_action(fields.pop("plan"), by=request.user, **fields)
        return reverse("action-detail", args=[chantier.code, action.pk])

    return form_page(
        request,
        form=ActionForm(request.POST or None, initial=initial, chantier=chantier),
        save=save,
        success_message=_("Action créée."),
        title=_("Nouvelle action"),
        cancel_url=reverse("action-list", args=[chantier.code]),
        context={"chantier": chantier},
    )


def action_edit(request, code, pk):
    chantier, action = editable_action(request, code, pk)
    url = reverse("action-detail", args=[chantier.code, action.pk])

    def save(data):
        services.update_action(
            action,
            by=request.user,
            version=data["version"],
            changes=changes_of(data, services.ACTION_FIELDS),
            reason=data["reason"],
        )
        return url

    return form_page(
        request,
        form=ActionEditForm(request.POST or None, instance=action, chantier=chantier),
        instance=action,
        save=save,
        success_message=_("Action enregistrée."),
        title=_("Modifier l'action %(code)s") % {"code": action.code},
        cancel_url=url,
        context={"chantier": chantier, "action": action},
    )


@require_POST
def link_recommendation(request, code, pk):
    chantier, action = editable_action(request, code, pk)
    form = RecommendationLinkForm(request.POST, chantier=chantier)
    if form.is_valid():
        try:
            services.link_recommendation(
                action,
                recommendation=form.cleaned_data["recommendation"],
                by=request.user,
                contribution=form.cleaned_data["contribution"],
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(
                request,
                _("Action liée à la recommandation %(code)s.")
                % {"code": form.cleaned_data["recommendation"].code},
            )
            return redirect(
                f"{reverse('action-detail', args=[chantier.code, action.pk])}#recommandations"
            )
    return render_action_detail(request, chantier, action, link_form=form)


@require_POST
def unlink_recommendation(request, code, pk, link_pk):
    chantier, action = editable_action(request, code, pk)
    link = get_object_or_404(
        ActionRecommendation.objects.select_related("recommendation"), action=action, pk=link_pk
    )
    services.unlink_recommendation(link, by=request.user, reason=_("Lien retiré"))
    messages.success(
        request,
        _("Lien vers la recommandation %(code)s retiré.") % {"code": link.recommendation.code},
    )
    return redirect(f"{reverse('action-detail', args=[chantier.code, action.pk])}#recommandations")
