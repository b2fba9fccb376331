"""Reading rounds: comparison of two rounds, weight sensitivity, exports."""

from decimal import Decimal

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chantiers.permissions import readable_chantier
from recommendations import exports, priority
from recommendations.queries import (
    assessments_for_round,
    assessors_for_round,
    round_table,
    rounds_for_chantier,
)
from recommendations.round_forms import (
    CompareForm,
    SensitivityForm,
)
from recommendations.rounds.common import (
    fmt_mean,
    fmt_score,
    get_round,
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
    rnd = get_round(chantier, pk)
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
    rnd = get_round(chantier, pk)
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
