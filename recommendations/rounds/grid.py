"""The workspace grid's rows and cells: built from a RoundTable, filtered, sorted,
and the JSON shape in which workspace.js receives them."""

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe

from chantiers.permissions import can_score
from recommendations import priority
from recommendations.models import (
    Criterion,
    Recommendation,
)
from recommendations.queries import (
    assessors_for_round,
    scored_cells_by_assessor,
)
from recommendations.rounds.common import (
    display_name,
    fmt_mean,
    fmt_score,
)

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


def build_rows(table, *, own, spread_threshold) -> list[Row]:
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


def filter_rows(rows: list[Row], data: dict) -> list[Row]:
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


def sort_rows(rows: list[Row], sort: str, criteria: list[Criterion]) -> tuple[list[Row], str]:
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


def progress_by_assessor(rnd, table) -> list[dict]:
    cells = len(table.recommendations) * len(table.criteria)
    scored = scored_cells_by_assessor(rnd)
    return [
        {"id": u.pk, "name": display_name(u), "left": max(cells - scored.get(u.pk, 0), 0)}
        for u in assessors_for_round(rnd)
    ]


def may_enter_scores(user, chantier, rnd, listed: list[int]) -> bool:
    return not rnd.is_frozen and can_score(user, chantier) and (not listed or user.pk in listed)


def ranking_payload(rnd, table) -> dict:
    count = len(table.criteria)
    return {
        "rows": {
            str(rec.pk): row_payload(rec, table.results[rec.pk], count)
            for rec in table.recommendations
        },
        "progress": {str(p["id"]): p["left"] for p in progress_by_assessor(rnd, table)},
    }
