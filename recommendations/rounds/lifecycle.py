"""A round's life: list, open, settings (criteria, thresholds, scope, assessors),
freeze, and tier overrides."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chantiers.history import timeline
from chantiers.models import StaleObjectError
from chantiers.permissions import can_edit, readable_chantier, require
from chantiers.queries import meetings_for_chantier
from recommendations import services
from recommendations.models import (
    Recommendation,
)
from recommendations.queries import (
    ABSORBED,
    eligible_assessors,
    open_round,
    recommendations_in_round,
    round_table,
    rounds_for_chantier,
    scored_cells_by_assessor,
)
from recommendations.round_forms import (
    AssessorsForm,
    CompareForm,
    CriterionForm,
    FreezeForm,
    NewCriterionForm,
    OpenRoundForm,
    OverrideForm,
    RemoveCriterionForm,
    ScopeForm,
    ThresholdsForm,
)
from recommendations.rounds.common import (
    add_errors,
    error_text,
    fmt_score,
    get_round,
)
from recommendations.rounds.grid import (
    progress_by_assessor,
)


@require_GET
def round_list(request, code):
    chantier = readable_chantier(request.user, code)
    rounds = list(rounds_for_chantier(chantier))
    editable = can_edit(request.user, chantier)
    current = next((r for r in rounds if not r.is_frozen), None)
    return render(
        request,
        "recommendations/rounds/list.html",
        {
            "chantier": chantier,
            "rounds": rounds,
            "can_edit": editable,
            "open_form": OpenRoundForm() if editable and current is None else None,
            "compare_form": CompareForm(
                initial={"a": rounds[1].pk, "b": rounds[0].pk}, rounds=rounds
            )
            if len(rounds) > 1
            else None,
        },
    )


@require_http_methods(["GET", "POST"])
def round_open(request, code):
    chantier = readable_chantier(request.user, code)
    require(can_edit(request.user, chantier))
    form = OpenRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rnd = services.open_round(
                chantier,
                by=request.user,
                name=form.cleaned_data["name"],
                opened_on=form.cleaned_data["opened_on"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "Ronde « %(name)s » ouverte : vérifiez son périmètre, ses évaluateurs "
                    "et ses critères."
                )
                % {"name": rnd.name},
            )
            return redirect("round-settings", chantier.code, rnd.pk)
    return render(
        request,
        "recommendations/rounds/open.html",
        {"chantier": chantier, "form": form, "current": open_round(chantier)},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def round_settings(request, code, pk):
    """Scope, assessors, criteria (add, edit, remove) and thresholds of a round; each
    section posts on its own and goes through its service."""
    chantier = readable_chantier(request.user, code)
    require(can_edit(request.user, chantier))
    rnd = get_round(chantier, pk)
    criteria = list(
        rnd.criteria.annotate(assessment_count=Count("assessments")).order_by("order", "pk")
    )
    section = request.POST.get("section", "") if request.method == "POST" else ""
    bound = {section: request.POST} if section else {}
    scope_choices = Recommendation.objects.filter(chantier=chantier).select_related("axis")
    if not rnd.is_frozen:
        scope_choices = scope_choices.exclude(disposition__in=ABSORBED)
    eligible = eligible_assessors(chantier)
    in_scope = set(recommendations_in_round(rnd).values_list("pk", flat=True))
    listed = list(rnd.assessor_links.values_list("assessor_id", flat=True))

    forms_ = {
        "thresholds": ThresholdsForm(
            bound.get("thresholds"),
            initial={
                "version": rnd.version,
                "p1_threshold": rnd.p1_threshold,
                "p2_threshold": rnd.p2_threshold,
                "spread_threshold": rnd.spread_threshold,
            },
        ),
        "new_criterion": NewCriterionForm(bound.get("new_criterion"), prefix="new"),
        "scope": ScopeForm(
            bound.get("scope"), queryset=scope_choices, initial={"recommendations": in_scope}
        ),
        "assessors": AssessorsForm(
            bound.get("assessors"), queryset=eligible, initial={"assessors": listed}
        ),
    }
    criterion_forms = []
    for c in criteria:
        posted = section == "criterion" and request.POST.get("criterion") == str(c.pk)
        criterion_forms.append(
            (
                c,
                CriterionForm(
                    request.POST if posted else None,
                    prefix=f"c{c.pk}",
                    initial={
                        "criterion": c.pk,
                        "version": c.version,
                        "name": c.name,
                        "rubric": c.rubric,
                        "weight": c.weight,
                        "direction": c.direction,
                        "order": c.order,
                    },
                ),
            )
        )

    if request.method == "POST":
        outcome = _apply_settings(request, rnd, section, forms_, criterion_forms, criteria)
        if outcome is not None:
            messages.success(request, outcome)
            return redirect(reverse("round-settings", args=[chantier.code, rnd.pk]) + f"#{section}")

    scored_by = scored_cells_by_assessor(rnd)
    recs = list(scope_choices.order_by("axis__order", "axis__name", "code"))
    return render(
        request,
        "recommendations/rounds/settings.html",
        {
            "chantier": chantier,
            "round": rnd,
            "forms": forms_,
            "criterion_forms": criterion_forms,
            "scope_recs": recs,
            "in_scope": set(int(x) for x in request.POST.getlist("recommendations"))
            if section == "scope"
            else in_scope,
            "eligible": [(u, scored_by.get(u.pk, 0)) for u in eligible],
            "listed": set(int(x) for x in request.POST.getlist("assessors"))
            if section == "assessors"
            else set(listed),
            "section": section,
        },
        status=400 if request.method == "POST" else 200,
    )


def _apply_settings(request, rnd, section, forms_, criterion_forms, criteria) -> str | None:
    """Run the posted section's service; returns the success message, or None after
    putting the errors on the form."""
    by = request.user
    if section == "criterion":
        posted = [(c, f) for c, f in criterion_forms if f.is_bound]
        if not posted:
            messages.error(request, _("Ce critère n'existe plus dans cette ronde."))
            return None
        criterion, form = posted[0]
    elif section == "remove_criterion":
        form = RemoveCriterionForm(request.POST)
        criterion = next((c for c in criteria if str(c.pk) == request.POST.get("criterion")), None)
        if criterion is None:
            messages.error(request, _("Ce critère n'existe plus dans cette ronde."))
            return None
    elif section in forms_:
        form = forms_[section]
    else:
        messages.error(request, _("Formulaire inconnu."))
        return None
    if not form.is_valid():
        if section == "remove_criterion":
            messages.error(request, _("Expliquez pourquoi ce critère est retiré."))
        return None
    data = form.cleaned_data
    try:
        if section == "thresholds":
            rnd.version = data["version"]
            services.set_thresholds(
                rnd,
                by=by,
                p1=data["p1_threshold"],
                p2=data["p2_threshold"],
                spread=data["spread_threshold"],
                reason=data["reason"],
            )
            return _("Seuils enregistrés ; le classement est recalculé.")
        if section == "criterion":
            criterion.version = data["version"]
            services.change_criterion(
                criterion,
                by=by,
                name=data["name"],
                rubric=data["rubric"],
                weight=data["weight"],
                direction=data["direction"],
                order=data["order"],
                reason=data["reason"],
            )
            return _("Critère « %(name)s » enregistré.") % {"name": criterion.name}
        if section == "new_criterion":
            created = services.add_criterion(
                rnd,
                by=by,
                code=data["code"],
                name=data["name"],
                rubric=data["rubric"],
                weight=data["weight"],
                direction=data["direction"],
                reason=data["reason"],
            )
            return _("Critère « %(name)s » ajouté.") % {"name": created.name}
        if section == "remove_criterion":
            deleted = services.remove_criterion(criterion, by=by, reason=data["reason"])
            return _("Critère « %(name)s » retiré avec ses %(n)s notes.") % {
                "name": criterion.name,
                "n": deleted,
            }
        if section == "scope":
            added, removed = services.set_round_scope(
                rnd, by=by, recommendations=data["recommendations"], reason=data["reason"]
            )
            return _("Périmètre enregistré : %(a)s ajoutée(s), %(r)s retirée(s).") % {
                "a": added,
                "r": removed,
            }
        if section == "assessors":
            added, removed = services.set_round_assessors(
                rnd, by=by, assessors=data["assessors"], reason=data["reason"]
            )
            return _("Évaluateurs enregistrés : %(a)s ajouté(s), %(r)s retiré(s).") % {
                "a": added,
                "r": removed,
            }
    except ValidationError as exc:
        add_errors(form, exc)
        messages.error(request, error_text(exc))
    except StaleObjectError as exc:
        form.add_error(None, str(exc))
        messages.error(request, str(exc))
    return None


@require_http_methods(["GET", "POST"])
def round_freeze(request, code, pk):
    chantier = readable_chantier(request.user, code)
    require(can_edit(request.user, chantier))
    rnd = get_round(chantier, pk)
    form = FreezeForm(
        request.POST or None,
        meetings=meetings_for_chantier(chantier),
        initial={"version": rnd.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            rnd.version = form.cleaned_data["version"]
            services.freeze_round(rnd, by=request.user, meeting=form.cleaned_data["meeting"])
        except ValidationError as exc:
            form.add_error(None, exc)
        except StaleObjectError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Ronde « %(name)s » figée : plus rien n'y change.") % {"name": rnd}
            )
            return redirect("round-detail", chantier.code, rnd.pk)
    table = round_table(rnd)
    return render(
        request,
        "recommendations/rounds/freeze.html",
        {
            "chantier": chantier,
            "round": rnd,
            "form": form,
            "progress": progress_by_assessor(rnd, table),
            "unscored": sum(1 for r in table.results.values() if r.score is None),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def tier_override(request, code, pk, rec_pk):
    """Impose (or lift) a recommendation's tier, with its justification."""
    chantier = readable_chantier(request.user, code)
    require(can_edit(request.user, chantier))
    rnd = get_round(chantier, pk)
    rec = Recommendation.objects.filter(chantier=chantier, pk=rec_pk).first()
    if rec is None:
        raise Http404
    form = OverrideForm(
        request.POST or None,
        initial={
            "version": rec.version,
            "tier": rec.tier_override,
            "justification": rec.tier_override_justification,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            rec.version = form.cleaned_data["version"]
            services.override_tier(
                rec,
                by=request.user,
                tier=form.cleaned_data["tier"],
                justification=form.cleaned_data["justification"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except StaleObjectError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Niveau de %(code)s enregistré.") % {"code": rec.code})
            return redirect(reverse("round-detail", args=[chantier.code, rnd.pk]) + f"#r{rec.pk}")
    table = round_table(rnd)
    result = table.results.get(rec.pk)
    history = [
        e
        for e in timeline(rec.history.all())
        if any(c.field in ("tier_override", "tier_override_justification") for c in e.changes)
    ]
    return render(
        request,
        "recommendations/rounds/override.html",
        {
            "chantier": chantier,
            "round": rnd,
            "rec": rec,
            "result": result,
            "score_display": fmt_score(result.score) if result else "—",
            "form": form,
            "history": history,
        },
        status=400 if request.method == "POST" else 200,
    )
