"""Shorter stories for the other chantiers, so that the portfolio compares real
figures: recommendations with dispositions, a plan with a few actions and their
progress, partners, and one closed committee meeting each. The closed chantier's story
ends on its end date; the planned one has no story (it only receives a transfer)."""

import random

from simple_history.utils import bulk_create_with_history

from actions.models import ActionPlan
from chantiers.demo import texts
from chantiers.demo.plan import ActionSpec, PlanWriter
from chantiers.demo.reference import Reference
from chantiers.demo.timeline import Agenda, Writer, clock
from chantiers.models import Chantier, CommitteeMeeting, Decision
from chantiers.services import close_meeting
from recommendations import services as rec_services
from recommendations.models import Recommendation

Disposition = Recommendation.Disposition
# Dispositions dealt in turn (an active chantier, then a closed one).
ACTIVE_PATTERN = ["retained", "retained", "under_review", "postponed", "retained", "not_retained"]
CLOSED_PATTERN = ["implemented", "implemented", "closed_unimplemented", "not_retained"]
LEADS = {
    "transformation-avancee": "AluQuébec",
    "construction-infrastructures": "AluQuébec",
    "transport-mobilite": "Propulsion Québec",
    "marches-exportation": "AluQuébec",
}


def is_seeded(chantier: Chantier) -> bool:
    return Recommendation.objects.filter(chantier=chantier, code="R-001").exists()


def tell(writer: Writer, ref: Reference, code: str) -> None:
    chantier = ref.chantiers[code]
    axes, titles, actions = texts.OTHER_CHANTIERS[code]
    rng = random.Random(f"demo:{code}")
    agenda = Agenda(writer, chantier)
    plan = PlanWriter(writer, ref, chantier, agenda, rng)
    by = writer.by
    started = (writer.today - chantier.start_date).days
    imported = started - 15
    decided = imported - 45

    recs = [
        Recommendation(
            chantier=chantier,
            code=f"R-{i:03d}",
            title=title,
            text=f"{title}. {rng.choice(texts.HOW_TO)}\n\n{texts.ILLUSTRATIVE_NOTE}",
            source_location=f"p. {10 + 3 * i}",
            axis=ref.axes[(code, axes[i % len(axes)][0])],
            study=ref.studies["sectoriels"],
        )
        for i, title in enumerate(titles, start=1)
    ]
    bulk_create_with_history(
        recs,
        Recommendation,
        default_user=by,
        default_date=writer.at(imported, 9),
        default_change_reason="Import des recommandations (données illustratives)",
    )

    closed = chantier.status == Chantier.Status.CLOSED
    pattern = CLOSED_PATTERN if closed else ACTIVE_PATTERN
    with clock(writer.at(decided, 14)):
        meeting = writer.save(
            CommitteeMeeting(
                chantier=chantier,
                date=writer.day(decided),
                title="Comité de suivi n° 1 — priorisation",
                minutes="Le comité statue sur les recommandations du chantier.",
            )
        )
        later = []  # the rest of each path happens when the chantier ends
        for i, rec in enumerate(recs):
            path = PATHS[pattern[i % len(pattern)]]
            if path:
                rec = _dispose(rec, path[0], by=by, rng=rng)
                later.append((rec, path[1:]))
        retained = list(
            Recommendation.objects.filter(
                chantier=chantier,
                disposition__in=[Disposition.RETAINED, Disposition.IN_IMPLEMENTATION],
            ).order_by("code")
        )
        writer.decide(
            meeting,
            Decision.Kind.DECISION,
            f"Le comité retient {len(retained)} recommandations et demande un plan d'action.",
            recommendations=retained[:6],
            owner=ref.users["responsable-2"],
            status=Decision.Status.DONE,
        )
    with clock(writer.at(decided - 1, 9)):
        close_meeting(meeting, by=by)

    plan_ago = decided - 10
    end = chantier.end_date
    with clock(writer.at(plan_ago, 9)):
        draft = plan.draft(title="Plan d'action", days_ago=plan_ago, end=end)
        draft.status = ActionPlan.Status.CLOSED if closed else ActionPlan.Status.APPROVED
        draft.approved_by_meeting = meeting
        writer.save(draft, reason="Plan approuvé par le comité")
    owners = (
        ["charge-autre", "responsable-2"] if code == "transformation-avancee" else ["responsable-2"]
    )
    left = (writer.today - plan.horizon).days  # days between the horizon and today
    for j, (title, profile) in enumerate(actions):
        # Durations follow the profile: done before the horizon, late just past it.
        start_ago = plan_ago - 5 - 12 * j
        span = start_ago - left
        duration = {"done": span // 2, "cancelled": span // 2, "late": span - 25}.get(
            profile, span + 200
        )
        spec = ActionSpec(
            code=f"A-{j + 1:02d}",
            axis=axes[j % len(axes)][0],
            title=title,
            owner=owners[j % len(owners)],
            profile=profile,
            start_ago=start_ago,
            duration=max(duration, 30),
            budget_k=rng.choice([60, 120, 250, 400]),
            lead=LEADS[code],
        )
        plan.schedule(spec, writer.at(plan_ago - 1, 11, j))
    agenda.run_until(writer.at(max(left, 1), 18))
    with clock(writer.at(max(left, 1), 19)):
        plan.update_budgets()
    with clock(writer.at(left + 1, 10)):
        for rec, rest in later:
            for disposition in rest:
                rec = _dispose(Recommendation.objects.get(pk=rec.pk), disposition, by=by, rng=rng)
        for rec in Recommendation.objects.filter(
            chantier=chantier,
            disposition=Disposition.RETAINED,
            action_links__action__updates__percent_complete__gt=0,
        ).distinct():
            _dispose(rec, Disposition.IN_IMPLEMENTATION, by=by, rng=rng)
        if closed:
            _close_remaining(chantier, by=by)


PATHS = {
    "retained": ["retained"],
    "postponed": ["postponed"],
    "not_retained": ["not_retained"],
    "implemented": ["retained", "in_implementation", "implemented"],
    "closed_unimplemented": ["retained", "closed_unimplemented"],
    "under_review": [],
}


def _dispose(rec: Recommendation, disposition: str, *, by, rng: random.Random) -> Recommendation:
    reason = {
        "not_retained": rng.choice(texts.NOT_RETAINED_REASONS),
        "postponed": rng.choice(texts.POSTPONED_REASONS),
        "closed_unimplemented": "Abandonnée : le marché visé s'est refermé.",
    }.get(disposition, "")
    return rec_services.set_disposition(rec, by=by, disposition=disposition, justification=reason)


def _close_remaining(chantier: Chantier, *, by) -> None:
    """A closed chantier leaves nothing under review."""
    for rec in Recommendation.objects.filter(chantier=chantier, disposition="under_review"):
        rec_services.set_disposition(
            rec, by=by, disposition="not_retained", justification="Chantier terminé."
        )
