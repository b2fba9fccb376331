from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from actions.queries import implementation_progress
from chantiers.forms import add_service_errors, posted_version, refuse_stale
from chantiers.history import object_timeline
from chantiers.models import StaleObjectError
from chantiers.permissions import can_edit, can_score, readable_chantier, require
from recommendations import services
from recommendations.filters import RecommendationFilter
from recommendations.forms import DispositionForm, RecommendationForm, TierOverrideForm
from recommendations.queries import (
    action_links_for_recommendation,
    assessments_for_recommendation,
    awaiting_disposition_count,
    consensus_for_round,
    criteria_for_round,
    current_round,
    decisions_for_recommendation,
    open_round,
    recommendations_for_chantier,
    sources_of,
)

PAGE_SIZE = 25

# ?sort= value → (label, ordering). Unscored recommendations go last either way.
SORTS = {
    "code": (gettext_lazy("Code"), ["code"]),
    "score": (gettext_lazy("Score"), [F("score").desc(nulls_last=True), "code"]),
    "rank": (gettext_lazy("Rang"), [F("rank").asc(nulls_last=True), "code"]),
}


def _friendly_empty_choices(form) -> None:
    """Say what an empty filter means instead of django-filter's dashes."""
    form.fields["q"].widget.attrs["placeholder"] = _("Code, titre ou texte")
    form.fields["axis"].empty_label = _("Tous les axes")
    form.fields["study"].empty_label = _("Toutes les études")
    for name, label in (("disposition", _("Toutes")), ("tier", _("Tous"))):
        field = form.fields[name]
        # The choice iterator still points at the class-level field: rebuild it.
        choices = [choice for choice in field.choices if choice[0] != ""]
        field.empty_label = label
        field.choices = choices
    form.fields["awaiting"].widget.choices = [
        ("unknown", _("Toutes")),
        ("true", _("Sans décision seulement")),
        ("false", _("Avec une décision")),
    ]


def recommendation_list(request, code):
    chantier = readable_chantier(request.user, code)
    sort = request.GET.get("sort", "code")
    if sort not in SORTS:
        sort = "code"
    filterset = RecommendationFilter(
        request.GET or None,
        queryset=recommendations_for_chantier(chantier).order_by(*SORTS[sort][1]),
        chantier=chantier,
    )
    _friendly_empty_choices(filterset.form)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    filters_only = query.copy()
    filters_only.pop("sort", None)
    return render(
        request,
        "recommendations/recommendation_list.html",
        {
            "chantier": chantier,
            "filter": filterset,
            "page_obj": page,
            "query": query.urlencode(),
            "filters_query": filters_only.urlencode(),
            "sort": sort,
            "sorts": [(key, label) for key, (label, _ordering) in SORTS.items()],
            "awaiting_count": awaiting_disposition_count(chantier),
            "open_round": open_round(chantier),
            "can_edit": can_edit(request.user, chantier),
        },
    )


def _recommendation(chantier, pk):
    return get_object_or_404(
        recommendations_for_chantier(chantier).select_related(
            "study__organisation", "transferred_to", "transferred_from__chantier"
        ),
        pk=pk,
    )


def _assessment_summary(recommendation, rnd) -> list[dict]:
    """Per criterion of the round: weight, mean, spread and the individual scores."""
    if rnd is None:
        return []
    consensus = {
        row.criterion_id: row
        for row in consensus_for_round(rnd, recommendation_ids=[recommendation.pk])
    }
    by_criterion: dict[int, list] = {}
    for assessment in assessments_for_recommendation(recommendation, rnd):
        by_criterion.setdefault(assessment.criterion_id, []).append(assessment)
    rows = []
    for criterion in criteria_for_round(rnd):
        row = consensus.get(criterion.pk)
        rows.append(
            {
                "criterion": criterion,
                "mean": row.mean if row else None,
                "spread": row.spread if row else None,
                "assessors": row.assessors if row else 0,
                "disagreement": row is not None and row.spread >= rnd.spread_threshold,
                "assessments": by_criterion.get(criterion.pk, []),
            }
        )
    return rows


def recommendation_detail(request, code, pk):
    chantier = readable_chantier(request.user, code)
    recommendation = _recommendation(chantier, pk)
    rnd = current_round(chantier)
    sources = sources_of(recommendation)
    return render(
        request,
        "recommendations/recommendation_detail.html",
        {
            "chantier": chantier,
            "rec": recommendation,
            "merged_sources": sources[1:],
            "round": rnd,
            "open_round": open_round(chantier),
            "assessment_rows": _assessment_summary(recommendation, rnd),
            "action_links": action_links_for_recommendation(recommendation),
            "progress": implementation_progress(recommendation),
            "decisions": decisions_for_recommendation(recommendation),
            "entries": object_timeline(recommendation),
            "transitions": bool(services.TRANSITIONS[recommendation.disposition]),
            "can_edit": can_edit(request.user, chantier),
            "can_score": can_score(request.user, chantier),
        },
    )


@require_http_methods(["GET", "POST"])
def recommendation_create(request, code):
    chantier = readable_chantier(request.user, code)
    require(can_edit(request.user, chantier))
    form = RecommendationForm(request.POST or None, chantier=chantier, creating=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recommendation = services.create_recommendation(
                chantier,
                by=request.user,
                **{name: data[name] for name in services.EDITABLE_FIELDS},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Recommandation %(code)s ajoutée.") % {"code": recommendation.code}
            )
            return redirect("recommendation-detail", chantier.code, recommendation.pk)
    return render(
        request,
        "recommendations/recommendation_form.html",
        {"chantier": chantier, "form": form, "rec": None},
    )


@require_http_methods(["GET", "POST"])
def recommendation_edit(request, code, pk):
    chantier = readable_chantier(request.user, code)
    recommendation = _recommendation(chantier, pk)
    require(can_edit(request.user, chantier))
    initial = {name: getattr(recommendation, name) for name in services.EDITABLE_FIELDS}
    initial["version"] = recommendation.version
    form = RecommendationForm(request.POST or None, chantier=chantier, initial=initial)
    stale_entries = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recommendation.version = data["version"]
        try:
            services.update_recommendation(
                recommendation,
                by=request.user,
                reason=data["reason"],
                **{name: data[name] for name in services.EDITABLE_FIELDS},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except StaleObjectError:
            stale_entries = refuse_stale(form, recommendation, data["version"])
        else:
            messages.success(request, _("Recommandation enregistrée."))
            return redirect("recommendation-detail", chantier.code, recommendation.pk)
    return render(
        request,
        "recommendations/recommendation_form.html",
        {"chantier": chantier, "form": form, "rec": recommendation, "stale_entries": stale_entries},
    )


@require_http_methods(["GET", "POST"])
def recommendation_disposition(request, code, pk):
    chantier = readable_chantier(request.user, code)
    recommendation = _recommendation(chantier, pk)
    require(can_edit(request.user, chantier))
    stale_entries = None
    read_version = posted_version(request)
    if request.method == "POST" and read_version not in (None, recommendation.version):
        # Someone gave a disposition meanwhile: the moves allowed now may differ from the
        # ones offered then, so show what changed and a fresh form on the current state.
        form = DispositionForm(
            recommendation=recommendation,
            initial={
                "version": recommendation.version,
                "justification": request.POST.get("justification", ""),
            },
        )
        stale_entries = refuse_stale(form, recommendation, read_version)
        return render(
            request,
            "recommendations/disposition_form.html",
            {
                "chantier": chantier,
                "rec": recommendation,
                "form": form,
                "stale_entries": stale_entries,
            },
        )
    form = DispositionForm(
        request.POST or None,
        recommendation=recommendation,
        initial={"version": recommendation.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recommendation.version = data["version"]
        try:
            services.set_disposition(
                recommendation,
                by=request.user,
                disposition=data["disposition"],
                justification=data["justification"],
                tier=data["tier"],
                into=data["into"],
                to=data["to"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except StaleObjectError:
            stale_entries = refuse_stale(form, recommendation, data["version"])
        else:
            messages.success(
                request,
                _("%(code)s : décision « %(disposition)s » enregistrée.")
                % {
                    "code": recommendation.code,
                    "disposition": recommendation.get_disposition_display(),
                },
            )
            return redirect("recommendation-detail", chantier.code, recommendation.pk)
    return render(
        request,
        "recommendations/disposition_form.html",
        {"chantier": chantier, "rec": recommendation, "form": form, "stale_entries": stale_entries},
    )


@require_http_methods(["GET", "POST"])
def recommendation_tier(request, code, pk):
    chantier = readable_chantier(request.user, code)
    recommendation = _recommendation(chantier, pk)
    require(can_edit(request.user, chantier))
    form = TierOverrideForm(
        request.POST or None,
        recommendation=recommendation,
        initial={
            "version": recommendation.version,
            "tier": recommendation.tier_override,
            "justification": recommendation.tier_override_justification,
        },
    )
    stale_entries = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recommendation.version = data["version"]
        try:
            services.override_tier(
                recommendation,
                by=request.user,
                tier=data["tier"],
                justification=data["justification"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except StaleObjectError:
            stale_entries = refuse_stale(form, recommendation, data["version"])
        else:
            messages.success(request, _("Niveau de priorité enregistré."))
            return redirect("recommendation-detail", chantier.code, recommendation.pk)
    return render(
        request,
        "recommendations/tier_form.html",
        {"chantier": chantier, "rec": recommendation, "form": form, "stale_entries": stale_entries},
    )
