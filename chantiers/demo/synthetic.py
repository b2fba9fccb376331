"""Synthetic volume for benchmarks: `seed_demo --scale N`.

One *unit* is 120 recommendations (with assessments by two assessors on six criteria),
32 actions linked to them, with partners, milestones and about 320 progress updates
over the past year. Units go, twenty at a time, into chantiers `synthetique-1`,
`synthetique-2`… so N = 100 gives five chantiers, 12,000 recommendations, 3,200
actions and over 30,000 updates.

Everything is written with the history-aware bulk helpers, in batches, each history
row dated on the day the row's story says it happened. Unlike the demo, recommendations
are created with their final disposition (one history row each): walking thousands of
them through set_disposition would only measure the seed. Units are deterministic
(random.Random seeded with the unit number) and keyed by their first recommendation
code, so a second run with the same or a smaller N writes nothing, and a larger N only
adds the missing units.
"""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from actions.models import Action, ActionPartner, ActionPlan, ActionRecommendation, Milestone
from chantiers.demo import texts
from chantiers.demo.plan import FINAL_STAGES
from chantiers.demo.progress import Step, moment, plan_steps, write_steps
from chantiers.demo.reference import load_reference
from chantiers.demo.timeline import Writer, clock
from chantiers.models import Chantier, Membership, Organisation
from recommendations import services as rec_services
from recommendations.models import (
    Assessment,
    Criterion,
    PrioritisationRound,
    Recommendation,
    StrategicAxis,
    Study,
)

UNITS_PER_CHANTIER = 20
RECS_PER_UNIT = 120
ACTIONS_PER_UNIT = 32
BATCH = 2000
Disposition = Recommendation.Disposition
# (disposition, share of a unit's recommendations)
DISPOSITIONS = [
    (Disposition.UNDER_REVIEW, 35),
    (Disposition.RETAINED, 14),
    (Disposition.IN_IMPLEMENTATION, 20),
    (Disposition.IMPLEMENTED, 5),
    (Disposition.POSTPONED, 8),
    (Disposition.NOT_RETAINED, 10),
    (Disposition.CLOSED_UNIMPLEMENTED, 3),
    (Disposition.MERGED, 5),
]
# Profiles dealt to a unit's actions, in the demo's proportions.
ACTION_PROFILES = [spec[4] for spec in texts.ACTIONS][:ACTIONS_PER_UNIT]
ASSESSORS = ["synthetique-evaluateur-1", "synthetique-evaluateur-2"]
STAFF = [f"synthetique-charge-{n}" for n in range(1, 9)]


def seed_synthetic(*, by, scale: int, stdout=None) -> int:
    """Add the missing units among the first `scale`; returns how many were added."""
    writer = Writer(by=by, today=timezone.localdate())
    ref = load_reference(writer)
    users = _users()
    wanted: dict[int, list[int]] = defaultdict(list)
    existing = set(
        Recommendation.objects.filter(
            chantier__code__startswith="synthetique-", code__endswith="-001"
        ).values_list("code", flat=True)
    )
    for unit in range(1, scale + 1):
        if _rec_code(unit, 1) not in existing:
            wanted[(unit - 1) // UNITS_PER_CHANTIER + 1].append(unit)
    for number, units in sorted(wanted.items()):
        with transaction.atomic():
            _Filler(writer, ref, users, number).fill(units)
        if stdout is not None:
            stdout.write(f"synthetique-{number} : {len(units)} unité(s)")
    return sum(len(units) for units in wanted.values())


def _rec_code(unit: int, i: int) -> str:
    return f"R-{unit:04d}-{i:03d}"


def _users() -> dict:
    """Inactive accounts that own the synthetic assessments and actions."""
    User = get_user_model()
    names = ASSESSORS + STAFF
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    missing = [
        User(
            username=name,
            first_name="Synthétique",
            last_name=name.rsplit("-", 2)[-2].capitalize() + " " + name.rsplit("-", 1)[-1],
            is_active=False,
            password="!",  # unusable: nobody signs in as a synthetic user
        )
        for name in names
        if name not in users
    ]
    User.objects.bulk_create(missing)  # users carry no history
    users.update({u.username: u for u in User.objects.filter(username__in=names)})
    return users


class _Filler:
    def __init__(self, writer: Writer, ref, users: dict, number: int):
        self.w = writer
        self.by = writer.by
        self.ref = ref
        self.users = users
        self.today = writer.today
        self.ch = self._chantier(number)
        self.axes = self._axes()
        self.study = self._study()
        self.round = self._round()
        self.criteria = list(self.round.criteria.all())
        self.plan = self._plan()
        self.orgs = list(Organisation.objects.order_by("name"))

    # -- containers, created once per chantier -----------------------------

    def _chantier(self, number: int) -> Chantier:
        code = f"synthetique-{number}"
        chantier = Chantier.objects.filter(code=code).first()
        if chantier is None:
            with clock(self.w.at(420, 9)):
                chantier = self.w.save(
                    Chantier(
                        code=code,
                        name=f"Chantier synthétique {number}",
                        mandate="Données synthétiques générées pour les mesures de performance.",
                        start_date=self.w.day(420),
                        lead_organisation=self.ref.orgs["AluQuébec"],
                    )
                )
                roles = [(name, Membership.Role.COMMITTEE) for name in ASSESSORS]
                roles += [(name, Membership.Role.STAFF) for name in STAFF]
                for name, role in roles:
                    self.w.save(Membership(user=self.users[name], chantier=chantier, role=role))
        return chantier

    def _axes(self) -> list[StrategicAxis]:
        axes = list(StrategicAxis.objects.filter(chantier=self.ch).order_by("order"))
        if not axes:
            with clock(self.w.at(420, 9)):
                axes = [
                    self.w.save(StrategicAxis(chantier=self.ch, code=c, name=n, order=i))
                    for i, (c, n, _d) in enumerate(texts.AXES, 1)
                ]
        return axes

    def _study(self) -> Study:
        title = "Étude synthétique (données générées)"
        study = Study.objects.filter(title=title).first()
        if study is None:
            with clock(self.w.at(420, 9)):
                study = self.w.save(Study(title=title, year=self.w.day(420).year))
        return study

    def _round(self) -> PrioritisationRound:
        rnd = PrioritisationRound.objects.filter(chantier=self.ch).first()
        if rnd is None:
            with clock(self.w.at(380)):
                rnd = rec_services.open_round(self.ch, by=self.by, name="Ronde synthétique")
                for order, (code, name, weight, direction, rubric) in enumerate(texts.CRITERIA, 1):
                    self.w.save(
                        Criterion(
                            round=rnd,
                            code=code,
                            name=name,
                            weight=Decimal(weight),
                            direction=direction,
                            order=order,
                            rubric="\n".join(f"{n} — {line}" for n, line in enumerate(rubric, 1)),
                        )
                    )
        return rnd

    def _plan(self) -> ActionPlan:
        plan = ActionPlan.objects.filter(chantier=self.ch).first()
        if plan is None:
            with clock(self.w.at(370)):
                plan = self.w.save(
                    ActionPlan(
                        chantier=self.ch,
                        title="Plan synthétique",
                        status=ActionPlan.Status.APPROVED,
                        period_start=self.w.day(370),
                        period_end=self.w.day(-700),
                    )
                )
        return plan

    # -- units -------------------------------------------------------------

    def fill(self, units: list[int]) -> None:
        rngs = {unit: random.Random(f"synthetique:{unit}") for unit in units}
        recs_by_unit = {unit: self._recommendations(unit, rngs[unit]) for unit in units}
        self._assessments(recs_by_unit, rngs)
        pending: list[tuple[Action, Step]] = []
        for unit in units:
            pending += self._actions(unit, rngs[unit], recs_by_unit[unit])
        write_steps(pending, by=self.by, batch_size=BATCH)
        rec_services.recompute_priorities(self.ch, by=self.by, reason="Volume synthétique")

    def _recommendations(self, unit: int, rng: random.Random) -> list[Recommendation]:
        """A unit's recommendations, merged ones created last, pointing at a retained one."""
        dispositions = [d for d, share in DISPOSITIONS for _ in range(share)]
        titles = [(axis, t) for axis, ts in texts.RECOMMENDATIONS.items() for t in ts]
        standing, merged = [], []
        for i in range(1, RECS_PER_UNIT + 1):
            axis_code, title = rng.choice(titles)
            disposition = rng.choice(dispositions)
            rec = Recommendation(
                chantier=self.ch,
                code=_rec_code(unit, i),
                title=f"{title} (lot {unit})",
                text=f"Recommandation synthétique n° {i} du lot {unit}. {texts.ILLUSTRATIVE_NOTE}",
                source_location=f"p. {i}",
                axis=self.axes[[a for a, _n, _d in texts.AXES].index(axis_code)],
                study=self.study,
                disposition=disposition,
            )
            if disposition != Disposition.UNDER_REVIEW:
                rec.disposition_date = self.w.day(rng.randint(20, 330))
            if disposition in Recommendation.JUSTIFIED_DISPOSITIONS:
                rec.disposition_justification = rng.choice(texts.NOT_RETAINED_REASONS)
            rec._history_date = self.w.at(400, 9)
            (merged if disposition == Disposition.MERGED else standing).append(rec)
        bulk_create_with_history(standing, Recommendation, batch_size=BATCH, default_user=self.by)
        targets = [r for r in standing if r.disposition == Disposition.RETAINED] or standing
        for rec in merged:
            rec.merged_into = rng.choice(targets)
            rec.disposition_justification = f"Doublon de {rec.merged_into.code}."
        bulk_create_with_history(merged, Recommendation, batch_size=BATCH, default_user=self.by)
        return standing

    def _assessments(self, recs_by_unit: dict, rngs: dict) -> None:
        rows = []
        for unit, recs in recs_by_unit.items():
            rng = rngs[unit]
            for rec in recs:
                base = rng.gauss(3, 0.7)
                for criterion in self.criteria:
                    latent = rng.gauss(3, 1) if criterion.code == "cout" else base
                    for n, name in enumerate(ASSESSORS):
                        a = Assessment(
                            criterion=criterion,
                            recommendation=rec,
                            assessor=self.users[name],
                            score=max(1, min(5, round(latent + rng.gauss(0, 0.6)))),
                        )
                        a._history_date = self.w.at(375 - 5 * n, 14)
                        rows.append(a)
            if len(rows) >= 10 * BATCH:
                bulk_create_with_history(rows, Assessment, batch_size=BATCH, default_user=self.by)
                rows = []
        bulk_create_with_history(rows, Assessment, batch_size=BATCH, default_user=self.by)

    def _actions(self, unit: int, rng: random.Random, recs: list[Recommendation]):
        serving = [
            r
            for r in recs
            if r.disposition
            in (Disposition.RETAINED, Disposition.IN_IMPLEMENTATION, Disposition.IMPLEMENTED)
        ] or recs
        actions, steps_by_code = [], {}
        for j in range(1, ACTIONS_PER_UNIT + 1):
            profile = ACTION_PROFILES[(j - 1) % len(ACTION_PROFILES)]
            start_ago = rng.randint(120, 380) if profile != "not_started" else rng.randint(-60, -5)
            duration = {"done": start_ago // 2, "late": start_ago - 20}.get(
                profile, start_ago + 200
            )
            start, due = self.w.day(start_ago), self.w.day(start_ago - max(duration, 20))
            created = start - datetime.timedelta(days=10)
            owner = self.users[STAFF[(unit + j) % len(STAFF)]]
            action = Action(
                plan=self.plan,
                chantier=self.ch,
                code=f"A-{unit:04d}-{j:02d}",
                title=f"Action synthétique {j} du lot {unit}",
                axis=self.axes[j % len(self.axes)],
                lead_organisation=rng.choice(self.orgs),
                owner=owner,
                start_date=start,
                due_date=due,
                budget_planned=Decimal(rng.randint(2, 80) * 5000),
                created_at=moment(created, 9),
            )
            action._history_date = action.created_at
            actions.append(action)
            steps_by_code[action.code] = plan_steps(
                rng,
                profile=profile,
                start=start,
                due=due,
                today=self.today,
                created=created,
                cadence=(10, 24),
            )
        bulk_create_with_history(actions, Action, batch_size=BATCH, default_user=self.by)

        links, partners, milestones = [], [], []
        for n, action in enumerate(actions):
            when = action.created_at
            for rec in rng.sample(serving, k=min(len(serving), 1 + n % 2)):
                link = ActionRecommendation(action=action, recommendation=rec)
                link._history_date = when
                links.append(link)
            for k, org in enumerate(rng.sample(self.orgs, k=2)):
                partner = ActionPartner(
                    action=action,
                    organisation=org,
                    role=ActionPartner.Role.CONTRIBUTOR if k else ActionPartner.Role.LEAD,
                    stage=FINAL_STAGES[(n * 2 + k) % len(FINAL_STAGES)],
                )
                partner._history_date = when
                partners.append(partner)
            steps = steps_by_code[action.code]
            span = (action.due_date - action.start_date).days
            for threshold, title in (texts.MILESTONES[1], texts.MILESTONES[3]):
                reached = next((s for s in steps if s.percent >= threshold), None)
                milestone = Milestone(
                    action=action,
                    title=title,
                    due_date=action.start_date + datetime.timedelta(days=span * threshold // 100),
                    reached_on=reached.at.date() if reached else None,
                )
                milestone._history_date = when
                milestones.append(milestone)
        for model, rows in (
            (ActionRecommendation, links),
            (ActionPartner, partners),
            (Milestone, milestones),
        ):
            bulk_create_with_history(rows, model, batch_size=BATCH, default_user=self.by)
        return [(a, step) for a in actions for step in steps_by_code[a.code]]
