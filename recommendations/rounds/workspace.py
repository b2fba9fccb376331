"""The scoring workspace page and the JSON endpoints workspace.js calls."""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chantiers.models import StaleObjectError
from chantiers.permissions import can_edit, can_score, readable_chantier
from recommendations import services
from recommendations.models import (
    Criterion,
    Recommendation,
    RoundAssessor,
)
from recommendations.queries import (
    assessments_by,
    assessments_for_round,
    axes_for_chantier,
    open_round,
    round_table,
    rounds_for_chantier,
)
from recommendations.round_forms import (
    SORTS,
    ScoreForm,
    ThresholdsForm,
    WeightForm,
    WorkspaceFilterForm,
)
from recommendations.rounds.common import (
    display_name,
    error_text,
    fmt_mean,
    form_error_text,
    get_round,
    json_body,
    json_error,
)
from recommendations.rounds.grid import (
    build_rows,
    fill_cells,
    filter_rows,
    may_enter_scores,
    progress_by_assessor,
    ranking_payload,
    sort_rows,
)

# ---------------------------------------------------------------------------
# The page


@require_GET
def workspace(request, code, pk=None):
    """The scoring grid of a round: the open round by default, else the latest one."""
    chantier = readable_chantier(request.user, code)
    if pk is None:
        rnd = open_round(chantier) or rounds_for_chantier(chantier).first()
        if rnd is None:
            return render(
                request,
                "recommendations/rounds/empty.html",
                {"chantier": chantier, "can_edit": can_edit(request.user, chantier)},
            )
    else:
        rnd = get_round(chantier, pk)

    listed = list(RoundAssessor.objects.filter(round=rnd).values_list("assessor_id", flat=True))
    may_score = may_enter_scores(request.user, chantier, rnd, listed)
    table = round_table(rnd)
    own = assessments_by(rnd, request.user) if can_score(request.user, chantier) else {}
    rows = build_rows(table, own=own, spread_threshold=rnd.spread_threshold)

    axes = list(axes_for_chantier(chantier))
    filters = WorkspaceFilterForm(request.GET or None, axes=axes)
    data = {}
    if filters.is_bound:
        filters.is_valid()  # cleaned_data keeps the valid fields: a bad value drops only itself
        data = filters.cleaned_data
    shown = filter_rows(rows, data)
    shown, sort = sort_rows(shown, request.GET.get("sort", "rank"), table.criteria)
    per_page = data.get("per_page") or 100
    page = Paginator(shown, per_page).get_page(request.GET.get("page"))
    fill_cells(page.object_list, table.criteria, rnd.spread_threshold, editable=may_score)

    def url_with(**changes):
        params = {k: v for k, v in request.GET.items() if v}
        params.update(changes)
        params = {k: v for k, v in params.items() if v not in (None, "")}
        return "?" + urlencode(params)

    sorts = {
        name: url_with(sort=("-" + name) if sort == name else name, page="")
        for name in (*SORTS, *(f"c{c.pk}" for c in table.criteria))
    }
    return render(
        request,
        "recommendations/rounds/workspace.html",
        {
            "chantier": chantier,
            "round": rnd,
            "table": table,
            "criteria": table.criteria,
            "page": page,
            "rows": page.object_list,
            "total": len(rows),
            "shown": len(shown),
            "filters": filters,
            "sort": sort,
            "sorts": sorts,
            "page_urls": {
                "previous": url_with(page=page.previous_page_number())
                if page.has_previous()
                else "",
                "next": url_with(page=page.next_page_number()) if page.has_next() else "",
            },
            "progress": progress_by_assessor(rnd, table),
            "may_score": may_score,
            "not_listed": can_score(request.user, chantier) and not rnd.is_frozen and not may_score,
            "can_edit": can_edit(request.user, chantier),
            "criteria_heads": [(c, sorts[f"c{c.pk}"]) for c in table.criteria],
            "criteria_info": {
                str(c.pk): {
                    "name": c.name,
                    "rubric": c.rubric,
                    "weight": floatformat(c.weight, "-2"),
                    "lower": c.direction == Criterion.Direction.LOWER_IS_BETTER,
                }
                for c in table.criteria
            },
            "i18n": workspace_strings(),
        },
    )


def workspace_strings() -> dict[str, str]:
    """The few sentences workspace.js shows, translated on the server."""
    return {
        "saved": _("Note enregistrée : %(code)s, %(criterion)s = %(score)s."),
        "withdrawn": _("Note retirée : %(code)s, %(criterion)s."),
        "rationale_saved": _("Justification enregistrée."),
        "invalid": _("Tapez un chiffre de 1 à 5."),
        "network": _("La connexion a échoué : la note n'est pas enregistrée."),
        "refused": _("Refusé"),
        "imposed": _("imposé"),
        "imposed_title": _("Niveau imposé (calculé : %(computed)s) — %(justification)s"),
        "incomplete": _("Critères notés : %(scored)s/%(total)s"),
        "no_scores": _("Personne n'a encore noté cette cellule."),
        "you": _("vous"),
        "reason_required": _("Indiquez d'abord la raison du changement."),
        "weights_saved": _("Enregistré ; le classement est recalculé."),
        "rubric_for": _("Grille : %(name)s"),
        "weight": _("poids"),
        "lower": _("plus bas = mieux"),
        "need_score": _("Notez d'abord la cellule."),
    }


# ---------------------------------------------------------------------------
# JSON endpoints used by workspace.js


@require_POST
def score_cell(request, code, pk):
    """Save (or, with an empty score, withdraw) the signed-in assessor's score of one
    cell; answers with the cell's new consensus and the round's whole ranking."""
    chantier = readable_chantier(request.user, code)
    rnd = get_round(chantier, pk)
    if not can_score(request.user, chantier):
        return json_error(_("Votre rôle ne permet pas de noter."), status=403)
    body = json_body(request)
    form = ScoreForm(body)
    if body is None or not form.is_valid():
        errors = form.errors.get("score") if body is not None else None
        return json_error(" ".join(errors) if errors else _("Requête invalide."))
    data = form.cleaned_data
    rec = Recommendation.objects.filter(chantier=chantier, pk=data["recommendation"]).first()
    criterion = Criterion.objects.filter(round=rnd, pk=data["criterion"]).first()
    if rec is None or criterion is None:
        return json_error(_("Cette cellule n'existe pas dans la ronde."), status=404)
    criterion.round = rnd
    try:
        if data["score"] is None:
            services.withdraw_score(rec, criterion=criterion, by=request.user)
        else:
            services.score_recommendation(
                rec,
                criterion=criterion,
                by=request.user,
                score=data["score"],
                rationale=data["rationale"],
            )
    except ValidationError as exc:
        return json_error(error_text(exc))
    table = round_table(rnd)
    consensus = table.consensus.get((rec.pk, criterion.pk))
    return JsonResponse(
        {
            "ok": True,
            "cell": {
                "recommendation": rec.pk,
                "criterion": criterion.pk,
                "score": data["score"],
                "rationale": data["rationale"] if data["score"] is not None else "",
                "mean": fmt_mean(consensus.mean if consensus else None),
                "spread": consensus.spread if consensus else None,
                "assessors": consensus.assessors if consensus else 0,
                "flagged": bool(consensus and consensus.spread >= rnd.spread_threshold),
            },
            **ranking_payload(rnd, table),
        }
    )


@require_POST
def set_weights(request, code, pk):
    """Change one criterion's weight ({"criterion", "weight", "version", "reason"}) or
    the round's thresholds ({"p1_threshold", "p2_threshold", "version", "reason"});
    answers with the new ranking."""
    chantier = readable_chantier(request.user, code)
    rnd = get_round(chantier, pk)
    if not can_edit(request.user, chantier):
        return json_error(_("Seul le responsable du chantier modifie les poids."), status=403)
    body = json_body(request)
    if body is None:
        return json_error(_("Requête invalide."))
    try:
        if "criterion" in body:
            form = WeightForm(body)
            if not form.is_valid():
                return json_error(form_error_text(form))
            criterion = Criterion.objects.filter(
                round=rnd, pk=form.cleaned_data["criterion"]
            ).first()
            if criterion is None:
                return json_error(_("Ce critère n'existe pas dans la ronde."), status=404)
            criterion.round = rnd
            criterion.version = form.cleaned_data["version"]
            services.set_criterion_weight(
                criterion,
                by=request.user,
                weight=form.cleaned_data["weight"],
                reason=form.cleaned_data["reason"],
            )
        else:
            form = ThresholdsForm(body)
            if not form.is_valid():
                return json_error(form_error_text(form))
            rnd.version = form.cleaned_data["version"]
            services.set_thresholds(
                rnd,
                by=request.user,
                p1=form.cleaned_data["p1_threshold"],
                p2=form.cleaned_data["p2_threshold"],
                spread=form.cleaned_data["spread_threshold"],
                reason=form.cleaned_data["reason"],
            )
    except ValidationError as exc:
        return json_error(error_text(exc))
    except StaleObjectError as exc:
        return json_error(str(exc), status=409)
    table = round_table(rnd)
    return JsonResponse(
        {
            "ok": True,
            "criteria": {
                str(c.pk): {
                    "weight": str(c.weight),
                    "display": floatformat(c.weight, "-2"),
                    "version": c.version,
                }
                for c in table.criteria
            },
            "round": {
                "version": rnd.version,
                "p1_threshold": f"{rnd.p1_threshold:.2f}",
                "p2_threshold": f"{rnd.p2_threshold:.2f}",
                "p1_display": floatformat(rnd.p1_threshold, "-2"),
                "p2_display": floatformat(rnd.p2_threshold, "-2"),
            },
            **ranking_payload(rnd, table),
        }
    )


@require_GET
def cell_detail(request, code, pk):
    """Every assessor's score and rationale for one cell, for the side panel."""
    chantier = readable_chantier(request.user, code)
    rnd = get_round(chantier, pk)
    try:
        rec_pk = int(request.GET.get("recommendation", ""))
        crit_pk = int(request.GET.get("criterion", ""))
    except ValueError:
        return json_error(_("Requête invalide."))
    rec = Recommendation.objects.filter(chantier=chantier, pk=rec_pk).only("pk", "code").first()
    criterion = Criterion.objects.filter(round=rnd, pk=crit_pk).first()
    if rec is None or criterion is None:
        return json_error(_("Cette cellule n'existe pas dans la ronde."), status=404)
    rows = (
        assessments_for_round(rnd)
        .filter(recommendation=rec, criterion=criterion)
        .order_by("assessor__last_name", "assessor__username")
    )
    return JsonResponse(
        {
            "ok": True,
            "recommendation": rec.code,
            "criterion": criterion.name,
            "assessments": [
                {
                    "assessor": display_name(a.assessor),
                    "me": a.assessor_id == request.user.pk,
                    "score": a.score,
                    "rationale": a.rationale,
                }
                for a in rows
            ],
        }
    )
