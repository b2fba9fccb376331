"""Prioritisation rounds: the scoring workspace, its JSON endpoints, round settings,
freeze, comparison of two rounds, weight sensitivity and exports (issue 7).

Every view scopes by chantier first (another chantier → 404), then asks
chantiers.permissions; the numbers come from queries.round_table, which reads a round
in a constant number of queries and computes with recommendations.priority."""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chantiers.history import timeline
from chantiers.models import StaleObjectError
from chantiers.permissions import can_edit, can_score, readable_chantier, require
from chantiers.queries import meetings_for_chantier
from recommendations import exports, priority, services
from recommendations.models import (
    Criterion,
    PrioritisationRound,
    Recommendation,
    RoundAssessor,
)
from recommendations.queries import (
    ABSORBED,
    assessments_by,
    assessments_for_round,
    assessors_for_round,
    axes_for_chantier,
    eligible_assessors,
    open_round,
    recommendations_in_round,
    round_for_chantier,
    round_table,
    rounds_for_chantier,
    scored_cells_by_assessor,
)
from recommendations.round_forms import (
    SORTS,
    AssessorsForm,
    CompareForm,
    CriterionForm,
    FreezeForm,
    NewCriterionForm,
    OpenRoundForm,
    OverrideForm,
    RemoveCriterionForm,
    ScopeForm,
    ScoreForm,
    SensitivityForm,
    ThresholdsForm,
    WeightForm,
    WorkspaceFilterForm,
)

# ---------------------------------------------------------------------------
# Display helpers: the page and the JSON answers format numbers the same way.


def fmt_score(score: Decimal | None) -> str:
    """75.5 → "75,50" in French: two decimals, as stored and as in the minutes."""
    if score is None:
        return "—"
    return f"{score:.2f}".replace(".", get_format("DECIMAL_SEPARATOR"))


def fmt_mean(mean: Decimal | None) -> str:
    """A mean of 1–5 scores: 4 → "4", 3.5 → "3,5", 11/3 → "3,67"."""
    if mean is None:
        return "—"
    return _fmt_mean(f"{mean:.2f}", get_format("DECIMAL_SEPARATOR"))


@lru_cache(maxsize=512)
def _fmt_mean(two_places: str, separator: str) -> str:
    # Thousands of cells share a few dozen distinct means: format each once.
    return two_places.rstrip("0").rstrip(".").replace(".", separator)


def display_name(user) -> str:
    return user.get_full_name() or user.username


def _get_round(chantier, pk) -> PrioritisationRound:
    rnd = round_for_chantier(chantier, pk)
    if rnd is None:
        raise Http404
    return rnd


def _json_error(message: str, status: int = 400, **extra) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message, **extra}, status=status)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: per field where it names one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# ---------------------------------------------------------------------------
# Workspace rows


@dataclass
class Cell:
    criterion: Criterion
    mean: str
    spread: int | None
    assessors: int
    flagged: bool
    own: int | None = None
    own_rationale: str = ""
    editable: bool = False
    label: str = ""  # "R-001 — Impact", for screen readers
    rec_id: int = 0

    @property
    def html(self) -> str:
        """The cell's markup, built here rather than in the template: a page holds up to
        6,000 cells and the template engine would spend most of the page's time on them."""
        rec, crit = self.rec_id, self.criterion.pk
        common = f'data-rec="{rec}" data-crit="{crit}" aria-label="{escape(self.label)}"'
        if self.editable:
            own = "" if self.own is None else self.own
            control = (
                '<input class="score" inputmode="numeric" maxlength="1" autocomplete="off" '
                f'value="{own}" data-saved="{own}" data-rationale="{escape(self.own_rationale)}" '
                f"{common}>"
            )
        else:
            control = f'<button type="button" class="cell-open" {common}>·</button>'
        spread = f"↕{self.spread}" if self.assessors > 1 else ""
        flag = " flag" if self.flagged else ""
        # Numbers are ints or formatted by fmt_mean; every text goes through escape().
        return mark_safe(  # noqa: S308
            f'<td class="cell{flag}" data-crit="{crit}">{control}'
            f'<span class="mean">{escape(self.mean)}</span><span class="spread">{spread}</span></td>'
        )


@dataclass
class Row:
    """One recommendation of the grid. Filters and sorts need only the per-row figures;
    the cells (formatted) are built for the rows of the page shown (fill_cells)."""

    rec: Recommendation
    result: priority.Result
    consensus: list  # per criterion: CriterionConsensus or None
    own: list  # per criterion: {"score", "rationale"} of the signed-in assessor, or None
    max_spread: int | None = None
    flagged: bool = False
    left_for_me: int = 0
    cells: list[Cell] = field(default_factory=list)

    @property
    def tier(self) -> str:
        return self.rec.tier_override or self.result.tier

    @property
    def score_display(self) -> str:
        return fmt_score(self.result.score)

    @property
    def incomplete(self) -> bool:
        return self.result.score is not None and self.result.criteria_scored < len(self.consensus)


def row_payload(rec: Recommendation, result: priority.Result, criteria_count: int) -> dict:
    """How one row's priority travels to workspace.js."""
    return {
        "score": fmt_score(result.score),
        "rank": result.rank or "",
        "tier": rec.tier_override or result.tier,
        "computed": result.tier,
        "override": rec.tier_override,
        "justification": rec.tier_override_justification,
        "scored": result.criteria_scored,
        "criteria": criteria_count,
    }


def _build_rows(table, *, own, spread_threshold) -> list[Row]:
    rows = []
    criteria = [c.pk for c in table.criteria]
    for rec in table.recommendations:
        consensus = [table.consensus.get((rec.pk, c)) for c in criteria]
        mine = [own.get((rec.pk, c)) for c in criteria]
        # A spread needs two assessors: one score alone disagrees with nobody.
        spreads = [x.spread for x in consensus if x is not None and x.assessors > 1]
        max_spread = max(spreads) if spreads else None
        rows.append(
            Row(
                rec=rec,
                result=table.results[rec.pk],
                consensus=consensus,
                own=mine,
                max_spread=max_spread,
                flagged=max_spread is not None and max_spread >= spread_threshold,
                left_for_me=sum(1 for m in mine if m is None),
            )
        )
    return rows


def fill_cells(
    rows: list[Row], criteria: list[Criterion], spread_threshold: int, *, editable: bool
) -> None:
    for row in rows:
        row.cells = [
            Cell(
                editable=editable,
                rec_id=row.rec.pk,
                label=f"{row.rec.code} — {criterion.name}",
                criterion=criterion,
                mean=fmt_mean(consensus.mean if consensus else None),
                spread=consensus.spread if consensus else None,
                assessors=consensus.assessors if consensus else 0,
                flagged=bool(consensus and consensus.spread >= spread_threshold),
                own=mine["score"] if mine else None,
                own_rationale=mine["rationale"] if mine else "",
            )
            for criterion, consensus, mine in zip(criteria, row.consensus, row.own, strict=True)
        ]


def _filter_rows(rows: list[Row], data: dict) -> list[Row]:
    q = (data.get("q") or "").strip().lower()
    if q:
        rows = [r for r in rows if q in r.rec.code.lower() or q in r.rec.title.lower()]
    if data.get("axis"):
        rows = [r for r in rows if r.rec.axis_id == data["axis"]]
    if data.get("disposition"):
        rows = [r for r in rows if r.rec.disposition == data["disposition"]]
    tier = data.get("tier")
    if tier == "none":
        rows = [r for r in rows if not r.tier]
    elif tier:
        rows = [r for r in rows if r.tier == tier]
    if data.get("todo"):
        rows = [r for r in rows if r.left_for_me]
    if data.get("disagreement"):
        rows = [r for r in rows if r.flagged]
    return rows


def _sort_key(name: str, criterion_index: dict[int, int]):
    """A key giving None for "no value" (always sorted last), or None if unknown."""
    simple = {
        "code": lambda r: r.rec.code,
        "title": lambda r: r.rec.title.lower(),
        "axis": lambda r: r.rec.axis.name.lower() if r.rec.axis_id else None,
        "disposition": lambda r: r.rec.get_disposition_display(),
        "score": lambda r: r.result.score,
        "rank": lambda r: r.result.rank,
        "tier": lambda r: r.tier or None,
        "spread": lambda r: r.max_spread,
        "todo": lambda r: r.left_for_me,
    }
    if name in simple:
        return simple[name]
    if name.startswith("c") and name[1:].isdigit() and int(name[1:]) in criterion_index:
        index = criterion_index[int(name[1:])]

        def by_criterion(r):
            consensus = r.consensus[index]
            return consensus.mean if consensus else None

        return by_criterion
    return None


def _sort_rows(rows: list[Row], sort: str, criteria: list[Criterion]) -> tuple[list[Row], str]:
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    key = _sort_key(name, {c.pk: i for i, c in enumerate(criteria)})
    if key is None:
        name, descending, key = "rank", False, _sort_key("rank", {})
    rows = sorted(rows, key=lambda r: r.rec.code)  # stable tie-break
    valued = [r for r in rows if key(r) is not None]
    missing = [r for r in rows if key(r) is None]
    valued.sort(key=key, reverse=descending)
    return valued + missing, ("-" if descending else "") + name


def _progress(rnd, table) -> list[dict]:
    cells = len(table.recommendations) * len(table.criteria)
    scored = scored_cells_by_assessor(rnd)
    return [
        {"id": u.pk, "name": display_name(u), "left": max(cells - scored.get(u.pk, 0), 0)}
        for u in assessors_for_round(rnd)
    ]


def _may_enter_scores(user, chantier, rnd, listed: list[int]) -> bool:
    return not rnd.is_frozen and can_score(user, chantier) and (not listed or user.pk in listed)


# ---------------------------------------------------------------------------
# Pages


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
        rnd = _get_round(chantier, pk)

    listed = list(RoundAssessor.objects.filter(round=rnd).values_list("assessor_id", flat=True))
    may_score = _may_enter_scores(request.user, chantier, rnd, listed)
    table = round_table(rnd)
    own = assessments_by(rnd, request.user) if can_score(request.user, chantier) else {}
    rows = _build_rows(table, own=own, spread_threshold=rnd.spread_threshold)

    axes = list(axes_for_chantier(chantier))
    filters = WorkspaceFilterForm(request.GET or None, axes=axes)
    data = {}
    if filters.is_bound:
        filters.is_valid()  # cleaned_data keeps the valid fields: a bad value drops only itself
        data = filters.cleaned_data
    shown = _filter_rows(rows, data)
    shown, sort = _sort_rows(shown, request.GET.get("sort", "rank"), table.criteria)
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
            "progress": _progress(rnd, table),
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
    rnd = _get_round(chantier, pk)
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
        _add_errors(form, exc)
        messages.error(request, _errors(exc))
    except StaleObjectError as exc:
        form.add_error(None, str(exc))
        messages.error(request, str(exc))
    return None


@require_http_methods(["GET", "POST"])
def round_freeze(request, code, pk):
    chantier = readable_chantier(request.user, code)
    require(can_edit(request.user, chantier))
    rnd = _get_round(chantier, pk)
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
            "progress": _progress(rnd, table),
            "unscored": sum(1 for r in table.results.values() if r.score is None),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def tier_override(request, code, pk, rec_pk):
    """Impose (or lift) a recommendation's tier, with its justification."""
    chantier = readable_chantier(request.user, code)
    require(can_edit(request.user, chantier))
    rnd = _get_round(chantier, pk)
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
            _add_errors(form, exc)
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


@require_GET
def round_compare(request, code):
    chantier = readable_chantier(request.user, code)
    rounds = list(rounds_for_chantier(chantier))
    context = {"chantier": chantier, "rounds": rounds}
    if len(rounds) < 2:
        return render(request, "recommendations/rounds/compare.html", context)
    form = CompareForm(request.GET or None, rounds=rounds)
    if form.is_valid():
        a_pk, b_pk = form.cleaned_data["a"], form.cleaned_data["b"]
    else:
        b = rounds[0]
        a_pk, b_pk = (b.previous_id or rounds[1].pk), b.pk
        form = CompareForm(initial={"a": a_pk, "b": b_pk}, rounds=rounds)
    by_pk = {r.pk: r for r in rounds}
    a, b = by_pk[a_pk], by_pk[b_pk]
    ta, tb = round_table(a), round_table(b)
    moves, summary = priority.compare_rounds(
        ta.results, tb.results, ta.means_by_code(), tb.means_by_code()
    )
    recs = {r.pk: r for r in ta.recommendations} | {r.pk: r for r in tb.recommendations}
    names = {c.code: c.name for c in ta.criteria} | {c.code: c.name for c in tb.criteria}
    rows = []
    for m in moves:
        rows.append(
            {
                "rec": recs[m.recommendation_id],
                "before": m.before,
                "after": m.after,
                "move": m.move,
                "changed": [
                    {
                        "code": code,
                        "name": names.get(code, code),
                        "old": fmt_mean(old),
                        "new": fmt_mean(new),
                    }
                    for code, old, new in m.changed_criteria
                ],
            }
        )
    only_changes = request.GET.get("changes") == "1"
    if only_changes:
        rows = [r for r in rows if _compare_row_changed(r)]
    rows.sort(
        key=lambda r: (
            r["after"] is None or r["after"].rank is None,
            r["after"].rank if r["after"] and r["after"].rank else 0,
            r["rec"].code,
        )
    )
    context.update(
        {
            "form": form,
            "a": a,
            "b": b,
            "rows": rows,
            "summary": summary,
            "only_changes": only_changes,
            "fmt_score": fmt_score,
        }
    )
    return render(request, "recommendations/rounds/compare.html", context)


def _compare_row_changed(row) -> bool:
    before, after = row["before"], row["after"]
    old = (before.rank, before.tier) if before else (None, "")
    new = (after.rank, after.tier) if after else (None, "")
    return bool(row["changed"]) or old != new


SENSITIVITY_STEP = Decimal("0.10")


@require_GET
def round_sensitivity(request, code, pk):
    chantier = readable_chantier(request.user, code)
    rnd = _get_round(chantier, pk)
    form = SensitivityForm(request.GET or None, initial={"n": 10, "pct": 25})
    n, pct = 10, 25
    if request.GET and form.is_valid():
        n, pct = form.cleaned_data["n"], form.cleaned_data["pct"]
    elif not request.GET:
        form = SensitivityForm(initial={"n": n, "pct": pct})
    table = round_table(rnd)
    changes = sorted({-SENSITIVITY_STEP, SENSITIVITY_STEP, -Decimal(pct) / 100, Decimal(pct) / 100})
    baseline, scenarios = priority.sensitivity(
        table.means, table.results.keys(), table.specs, n=n, changes=changes
    )
    recs = {r.pk: r for r in table.recommendations}
    by_criterion = []
    for criterion in table.criteria:
        by_criterion.append(
            {
                "criterion": criterion,
                "scenarios": [
                    {
                        "change": s.change,
                        "label": f"{'+' if s.change > 0 else '−'}{abs(s.change) * 100:.0f} %",
                        "weight": criterion.weight * (1 + s.change),
                        "entering": [(recs[pk], rank) for pk, rank in s.entering],
                        "leaving": [(recs[pk], rank) for pk, rank in s.leaving],
                    }
                    for s in scenarios
                    if s.criterion_id == criterion.pk
                ],
            }
        )
    top = sorted((recs[pk] for pk in baseline), key=lambda r: (table.results[r.pk].rank, r.code))
    return render(
        request,
        "recommendations/rounds/sensitivity.html",
        {
            "chantier": chantier,
            "round": rnd,
            "form": form,
            "n": n,
            "pct": pct,
            "top": [(r, table.results[r.pk], fmt_score(table.results[r.pk].score)) for r in top],
            "by_criterion": by_criterion,
            "stable": sum(1 for s in scenarios if s.stable),
            "scenario_count": len(scenarios),
        },
    )


@require_GET
def round_export(request, code, pk, fmt):
    chantier = readable_chantier(request.user, code)
    rnd = _get_round(chantier, pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    table = round_table(rnd)
    assessments = list(assessments_for_round(rnd))
    assessors = list(assessors_for_round(rnd))
    filename = f"{chantier.code}-ronde-{rnd.pk}"
    if fmt == "csv":
        body = exports.round_csv(table, assessments, assessors)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    body = exports.round_xlsx(table, assessments, assessors)
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


# ---------------------------------------------------------------------------
# JSON endpoints used by workspace.js


def _ranking_payload(rnd, table) -> dict:
    count = len(table.criteria)
    return {
        "rows": {
            str(rec.pk): row_payload(rec, table.results[rec.pk], count)
            for rec in table.recommendations
        },
        "progress": {str(p["id"]): p["left"] for p in _progress(rnd, table)},
    }


def _json_body(request) -> dict | None:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


@require_POST
def score_cell(request, code, pk):
    """Save (or, with an empty score, withdraw) the signed-in assessor's score of one
    cell; answers with the cell's new consensus and the round's whole ranking."""
    chantier = readable_chantier(request.user, code)
    rnd = _get_round(chantier, pk)
    if not can_score(request.user, chantier):
        return _json_error(_("Votre rôle ne permet pas de noter."), status=403)
    body = _json_body(request)
    form = ScoreForm(body)
    if body is None or not form.is_valid():
        errors = form.errors.get("score") if body is not None else None
        return _json_error(" ".join(errors) if errors else _("Requête invalide."))
    data = form.cleaned_data
    rec = Recommendation.objects.filter(chantier=chantier, pk=data["recommendation"]).first()
    criterion = Criterion.objects.filter(round=rnd, pk=data["criterion"]).first()
    if rec is None or criterion is None:
        return _json_error(_("Cette cellule n'existe pas dans la ronde."), status=404)
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
        return _json_error(_errors(exc))
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
            **_ranking_payload(rnd, table),
        }
    )


@require_POST
def set_weights(request, code, pk):
    """Change one criterion's weight ({"criterion", "weight", "version", "reason"}) or
    the round's thresholds ({"p1_threshold", "p2_threshold", "version", "reason"});
    answers with the new ranking."""
    chantier = readable_chantier(request.user, code)
    rnd = _get_round(chantier, pk)
    if not can_edit(request.user, chantier):
        return _json_error(_("Seul le responsable du chantier modifie les poids."), status=403)
    body = _json_body(request)
    if body is None:
        return _json_error(_("Requête invalide."))
    try:
        if "criterion" in body:
            form = WeightForm(body)
            if not form.is_valid():
                return _json_error(_form_errors(form))
            criterion = Criterion.objects.filter(
                round=rnd, pk=form.cleaned_data["criterion"]
            ).first()
            if criterion is None:
                return _json_error(_("Ce critère n'existe pas dans la ronde."), status=404)
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
                return _json_error(_form_errors(form))
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
        return _json_error(_errors(exc))
    except StaleObjectError as exc:
        return _json_error(str(exc), status=409)
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
            **_ranking_payload(rnd, table),
        }
    )


def _form_errors(form) -> str:
    return " ".join(
        f"{form.fields[name].label or name} : {' '.join(errors)}"
        if name in form.fields and name != "__all__"
        else " ".join(errors)
        for name, errors in form.errors.items()
    )


@require_GET
def cell_detail(request, code, pk):
    """Every assessor's score and rationale for one cell, for the side panel."""
    chantier = readable_chantier(request.user, code)
    rnd = _get_round(chantier, pk)
    try:
        rec_pk = int(request.GET.get("recommendation", ""))
        crit_pk = int(request.GET.get("criterion", ""))
    except ValueError:
        return _json_error(_("Requête invalide."))
    rec = Recommendation.objects.filter(chantier=chantier, pk=rec_pk).only("pk", "code").first()
    criterion = Criterion.objects.filter(round=rnd, pk=crit_pk).first()
    if rec is None or criterion is None:
        return _json_error(_("Cette cellule n'existe pas dans la ronde."), status=404)
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
