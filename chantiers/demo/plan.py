"""The action plan of a demo chantier: actions linked to retained recommendations,
partners moving through the commitment stages, milestones reached as progress goes,
indicators with monthly measurements, and quarterly budget follow-up.

Everything is scheduled on the chantier's Agenda, so it happens at its date."""

import datetime
import functools
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F
from simple_history.utils import bulk_create_with_history

from actions import services as action_services
from actions.models import Action, ActionPartner, ActionPlan, Indicator, Measurement, Milestone
from chantiers.demo import texts
from chantiers.demo.progress import Step, forget_history_stamp, plan_steps
from chantiers.demo.reference import Reference
from chantiers.demo.timeline import Agenda, Writer
from chantiers.models import Chantier, DecisionAction
from recommendations.models import Recommendation

Disposition = Recommendation.Disposition
Stage = ActionPartner.Stage
STAGE_PATH = [Stage.IDENTIFIED, Stage.APPROACHED, Stage.INTERESTED, Stage.COMMITTED, Stage.ACTIVE]
# Final commitment stages dealt in turn to the partners, so that every stage shows.
FINAL_STAGES = [
    Stage.ACTIVE,
    Stage.COMMITTED,
    Stage.INTERESTED,
    Stage.ACTIVE,
    Stage.APPROACHED,
    Stage.WITHDRAWN,
    Stage.COMMITTED,
    Stage.IDENTIFIED,
    Stage.ACTIVE,
]
STAGE_REASONS = {
    Stage.APPROACHED: "Premier contact avec le partenaire.",
    Stage.INTERESTED: "Le partenaire confirme son intérêt.",
    Stage.COMMITTED: "Lettre d'engagement reçue.",
    Stage.ACTIVE: "Le partenaire participe aux travaux.",
    Stage.WITHDRAWN: "Retrait du partenaire : priorités budgétaires revues.",
}
# Best rank first, unranked last, the same on SQLite and PostgreSQL.
BY_RANK = F("rank").asc(nulls_last=True)
DEFAULT_PARTNERS = ["MEI", "IQ", "CQRDA", "AMQ", "DEC"]
CONTRIBUTIONS = [
    "Met en œuvre l'essentiel de la recommandation.",
    "Première étape de la mise en œuvre.",
    "Volet pilote de la recommandation.",
]


@dataclass(frozen=True)
class ActionSpec:
    code: str
    axis: str
    title: str
    owner: str
    profile: str
    start_ago: int
    duration: int
    budget_k: int
    lead: str


class PlanWriter:
    def __init__(
        self,
        writer: Writer,
        ref: Reference,
        chantier: Chantier,
        agenda: Agenda,
        rng: random.Random,
    ):
        self.w = writer
        self.by = writer.by
        self.ref = ref
        self.ch = chantier
        self.agenda = agenda
        self.rng = rng
        self.partner_count = 0
        self.plan: ActionPlan | None = None
        # Nothing happens after a closed chantier's end date.
        self.horizon = min(writer.today, chantier.end_date or writer.today)
        self.horizon_ago = (writer.today - self.horizon).days

    def draft(self, *, title: str, days_ago: int, end: datetime.date) -> ActionPlan:
        """Create the (draft) plan; called under the clock."""
        self.plan = self.w.save(
            ActionPlan(
                chantier=self.ch,
                title=title,
                plan_version="1.0",
                period_start=self.w.day(days_ago),
                period_end=end,
            )
        )
        return self.plan

    def schedule(self, spec: ActionSpec, when: datetime.datetime, *, decision=None) -> None:
        self.agenda.at(when, lambda: self.create(spec, when, decision=decision))

    def create(self, spec: ActionSpec, when: datetime.datetime, *, decision=None) -> Action:
        """Create the action and its links, partners and milestones, and schedule its
        progress updates, partner moves and milestone dates. Runs under the clock."""
        axis = self.ref.axes[(self.ch.code, spec.axis)]
        start, due = self.w.day(spec.start_ago), self.w.day(spec.start_ago - spec.duration)
        action = self.w.save(
            Action(
                plan=self.plan,
                chantier=self.ch,
                code=spec.code,
                title=spec.title,
                description=(
                    f"Action de l'axe « {axis.name} » : {spec.title[0].lower()}{spec.title[1:]}. "
                    "Portée, livrables et partenaires détaillés dans la fiche "
                    "(données illustratives)."
                ),
                axis=axis,
                lead_organisation=self.ref.orgs[spec.lead],
                owner=self.ref.users[spec.owner],
                start_date=start,
                due_date=due,
                budget_planned=Decimal(spec.budget_k * 1000),
                created_at=when,
            )
        )
        self._link(action, axis, how_many=1 + len(spec.title) % 2)
        if decision is not None:
            self.w.save(DecisionAction(decision=decision, action=action))
        steps = plan_steps(
            self.rng,
            profile=spec.profile,
            start=start,
            due=due,
            today=self.horizon,
            setback=spec.code in ("A-01", "A-13"),
            created=when.date(),
        )
        for step in steps:
            self.agenda.step(spec.code, step)
        self._partners(action, spec, when)
        self._milestones(action, steps, start, due, when)
        return action

    def _link(self, action: Action, axis, *, how_many: int) -> None:
        """Serve the axis's retained recommendations, those without an action first."""
        candidates = list(
            Recommendation.objects.filter(
                chantier=self.ch,
                axis=axis,
                disposition__in=[Disposition.RETAINED, Disposition.IN_IMPLEMENTATION],
            )
            .exclude(action_links__isnull=False)
            .order_by(BY_RANK, "code")[:how_many]
        )
        if not candidates:
            candidates = list(
                Recommendation.objects.filter(
                    chantier=self.ch, axis=axis, disposition=Disposition.RETAINED
                ).order_by(BY_RANK, "code")[:1]
            )
        for rec in candidates:
            action_services.link_recommendation(
                action,
                recommendation=rec,
                by=self.by,
                contribution=self.rng.choice(CONTRIBUTIONS),
            )

    def _partners(self, action: Action, spec: ActionSpec, when: datetime.datetime) -> None:
        self.w.save(
            ActionPartner(
                action=action,
                organisation=self.ref.orgs[spec.lead],
                role=ActionPartner.Role.LEAD,
                stage=Stage.ACTIVE,
                contribution_kind=ActionPartner.ContributionKind.PEOPLE,
                contribution_description="Coordination et gestion de projet",
                contact=self.rng.choice(texts.CONTACTS),
            )
        )
        pool = [o for o in texts.AXIS_PARTNERS.get(spec.axis, DEFAULT_PARTNERS) if o != spec.lead]
        for acronym in self.rng.sample(pool, k=min(len(pool), self.rng.randint(1, 2))):
            org = self.ref.orgs[acronym]
            final = FINAL_STAGES[self.partner_count % len(FINAL_STAGES)]
            self.partner_count += 1
            partner = self.w.save(
                ActionPartner(
                    action=action,
                    organisation=org,
                    stage=Stage.IDENTIFIED,
                    contact=self.rng.choice(texts.CONTACTS),
                    **self._contribution(org),
                )
            )
            if final == Stage.WITHDRAWN:
                path = [Stage.APPROACHED, Stage.INTERESTED, Stage.WITHDRAWN]
            else:
                path = STAGE_PATH[1 : STAGE_PATH.index(final) + 1]
            last_day = self.w.at(self.horizon_ago + 3)
            days = max((last_day - when).days, len(path) + 6)
            offsets = sorted(self.rng.sample(range(5, days), k=len(path)))
            for stage, offset in zip(path, offsets, strict=True):
                self.agenda.at(
                    when + datetime.timedelta(days=offset),
                    lambda pk=partner.pk, stage=stage: self._move_partner(pk, stage),
                )

    def _contribution(self, org) -> dict:
        Role, Kind = ActionPartner.Role, ActionPartner.ContributionKind
        if org.kind in ("funder", "ministry"):
            amount = self.rng.choice([25, 50, 75, 100, 150, 250]) * 1000
            return {
                "role": Role.FUNDER,
                "contribution_kind": Kind.MONEY,
                "contribution_amount": Decimal(amount),
                "contribution_description": "Aide financière non remboursable",
            }
        if org.kind == "research":
            return {
                "role": Role.EXPERT,
                "contribution_kind": Kind.PEOPLE,
                "contribution_description": self.rng.choice(texts.PEOPLE),
            }
        if org.kind in ("smelter", "supplier", "processor"):
            return {
                "role": Role.CONTRIBUTOR,
                "contribution_kind": Kind.IN_KIND,
                "contribution_amount": Decimal(self.rng.choice([20, 40, 80]) * 1000),
                "contribution_description": self.rng.choice(texts.IN_KIND),
            }
        return {
            "role": Role.CONTRIBUTOR,
            "contribution_kind": Kind.PEOPLE,
            "contribution_description": self.rng.choice(texts.PEOPLE),
        }

    def _move_partner(self, pk: int, stage: str) -> None:
        partner = ActionPartner.objects.get(pk=pk)
        partner.stage = stage
        self.w.save(partner, reason=STAGE_REASONS.get(stage, ""), update_fields=["stage"])

    def _milestones(self, action: Action, steps: list[Step], start, due, when) -> None:
        span = (due - start).days
        chosen = texts.MILESTONES if len(steps) > 6 else [texts.MILESTONES[i] for i in (0, 1, 3)]
        milestones = []
        for _threshold, title in chosen:
            m = Milestone(
                action=action,
                title=title,
                due_date=start + datetime.timedelta(days=round(span * _threshold / 100)),
            )
            m._history_date = when
            milestones.append(m)
        bulk_create_with_history(milestones, Milestone, default_user=self.by)
        for (threshold, _title), m in zip(chosen, milestones, strict=True):
            forget_history_stamp(m)
            reached = next((s for s in steps if s.percent >= threshold), None)
            if reached is not None:
                self.agenda.at(reached.at, functools.partial(self._reach, m.pk, reached.at.date()))

    def _reach(self, pk: int, day: datetime.date) -> None:
        action_services.reach_milestone(Milestone.objects.get(pk=pk), by=self.by, on=day)

    def indicators(self, *, target_date: datetime.date) -> list[Indicator]:
        """The chantier's indicators, some attached to an action; runs under the clock."""
        actions = {a.code: a for a in Action.objects.filter(chantier=self.ch)}
        return [
            self.w.save(
                Indicator(
                    chantier=self.ch,
                    action=actions.get(action_code),
                    name=name,
                    unit=unit,
                    baseline=Decimal(baseline),
                    target=Decimal(target),
                    target_date=target_date,
                )
            )
            for name, unit, baseline, target, action_code in texts.INDICATORS
        ]

    def measurements(self, indicators: list[Indicator], *, months: int, first_ago: int) -> int:
        """Monthly measurements moving towards the target, entered by the action's owner
        (or the lead); history dated on each measurement's day."""
        lead = self.ch.memberships.filter(role="lead").values_list("user_id", flat=True).first()
        rows = []
        for indicator in indicators:
            author = indicator.action.owner_id if indicator.action_id else lead
            for month in range(months):
                days_ago = first_ago - month * 30
                progress = max(month / (months * 1.6) + self.rng.uniform(-0.03, 0.04), 0)
                value = indicator.baseline + (indicator.target - indicator.baseline) * Decimal(
                    str(round(progress, 3))
                )
                m = Measurement(
                    indicator=indicator,
                    date=self.w.day(days_ago),
                    value=value.quantize(Decimal("0.01")),
                    recorded_by_id=author or self.by.pk,
                    comment="Valeur consolidée du trimestre" if month % 3 == 2 else "",
                )
                m._history_date = self.w.at(days_ago, 16)
                rows.append(m)
        bulk_create_with_history(rows, Measurement, default_user=self.by)
        return len(rows)

    def update_budgets(self, reason: str = "Suivi budgétaire trimestriel") -> None:
        """Spending follows progress, give or take; runs under the clock."""
        for action in Action.objects.filter(chantier=self.ch).order_by("code"):
            if action.percent_complete == 0:
                continue
            factor = Decimal(str(round(self.rng.uniform(0.8, 1.25), 2)))
            spent = action.budget_planned * action.percent_complete / 100 * factor
            spent = (spent / 100).quantize(Decimal(1)) * 100  # to the hundred dollars
            if spent != action.budget_spent:
                action.budget_spent = spent
                self.w.save(action, reason=reason, update_fields=["budget_spent"])
