"""Aluminerie de l'avenir, told in order (days before today):

430  reference data          390  120 recommendations imported from five studies
385  duplicates merged, two recommendations transferred to other chantiers
380  round 1 opened          375–368  three assessors score every recommendation
340  meeting 1: round 1 frozen; recommendations retained (with tier overrides),
     postponed, not retained; meeting closed with its snapshot
335  plan drafted, 32 actions with partners and milestones; progress updates every two
     to four weeks from then on; indicators measured monthly
250  meeting 2: plan approved, first recommendations in implementation, a new action
160  meeting 3: an at-risk action escalated, reconsiderations, another new action
70   meeting 4: recommendations implemented or closed without implementation
45   round 2 opened from round 1 with one weight raised, scored by two assessors
-21  meeting 5, upcoming, with the decisions it will be asked to take
"""

import random
from collections import defaultdict
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from actions.models import Action, ActionPartner, ActionPlan, ActionStatus
from actions.queries import actions_for_chantier
from chantiers.demo import texts
from chantiers.demo.plan import BY_RANK, ActionSpec, PlanWriter
from chantiers.demo.reference import Reference
from chantiers.demo.timeline import Agenda, Writer, clock
from chantiers.models import Chantier, CommitteeMeeting, Decision
from chantiers.services import close_meeting
from recommendations import services as rec_services
from recommendations.models import Assessment, Criterion, Recommendation

CODE = "aluminerie-avenir"
Disposition = Recommendation.Disposition
Kind = Decision.Kind
Status = Decision.Status


def is_seeded(ref: Reference) -> bool:
    return Recommendation.objects.filter(chantier=ref.chantiers[CODE], code="R-001").exists()


def tell(writer: Writer, ref: Reference) -> None:
    """Write the whole Aluminerie de l'avenir story (once: see is_seeded)."""
    _Story(writer, ref).tell()


class _Story:
    def __init__(self, writer: Writer, ref: Reference):
        self.w = writer
        self.by = writer.by
        self.ref = ref
        self.users = ref.users
        self.ch: Chantier = ref.chantiers[CODE]
        self.rng = random.Random(2024)
        self.agenda = Agenda(writer, self.ch)
        self.plan = PlanWriter(writer, ref, self.ch, self.agenda, self.rng)
        self.quality: dict[str, dict[str, float]] = {}
        self.decisions: dict[str, Decision] = {}
        self.specs = {s[0]: ActionSpec(*s) for s in texts.ACTIONS}

    def tell(self) -> None:
        self.import_recommendations()
        self.curate()
        round1 = self.first_round()
        self.meeting_1(round1)
        self.draft_plan()
        self.agenda.run_until(self.w.at(250, 8))
        self.meeting_2()
        self.agenda.run_until(self.w.at(160, 8))
        self.meeting_3()
        self.agenda.run_until(self.w.at(70, 8))
        self.meeting_4()
        self.second_round()
        self.agenda.run_until(self.w.at(1, 18))
        with clock(self.w.at(1, 19)):
            self.plan.update_budgets()
        self.plan.measurements(self.indicators, months=10, first_ago=300)
        self.meeting_5()

    # -- helpers ----------------------------------------------------------

    def rec(self, code: str) -> Recommendation:
        return Recommendation.objects.get(chantier=self.ch, code=code)

    def recs(self, **filters) -> list[Recommendation]:
        return list(
            Recommendation.objects.filter(chantier=self.ch, **filters).order_by(BY_RANK, "code")
        )

    def dispose(self, rec: Recommendation, disposition: str, justification: str = "", **kw):
        return rec_services.set_disposition(
            rec, by=self.by, disposition=disposition, justification=justification, **kw
        )

    def retain(self, rec: Recommendation, reason: str) -> Recommendation:
        if rec.disposition == Disposition.NOT_RETAINED:
            rec = self.dispose(rec, Disposition.UNDER_REVIEW, "Réexamen demandé par le comité.")
        if rec.disposition in (Disposition.UNDER_REVIEW, Disposition.POSTPONED):
            rec = self.dispose(rec, Disposition.RETAINED, reason, tier=rec.computed_tier)
        return rec

    def retain_next(self, n: int, reason: str) -> list[Recommendation]:
        """Retain the `n` best-ranked recommendations still under review."""
        return [self.retain(r, reason) for r in self.recs(disposition=Disposition.UNDER_REVIEW)[:n]]

    def start_implementation(self) -> list[Recommendation]:
        """Retained recommendations whose actions have started move to implementation."""
        started = (
            Recommendation.objects.filter(
                chantier=self.ch,
                disposition=Disposition.RETAINED,
                action_links__action__updates__percent_complete__gt=0,
            )
            .distinct()
            .order_by("code")
        )
        return [
            self.dispose(r, Disposition.IN_IMPLEMENTATION, "Les actions liées ont démarré.")
            for r in started
        ]

    def meeting(self, number: int, days_ago: int, title: str, minutes: str) -> CommitteeMeeting:
        with clock(self.w.at(max(days_ago + 14, 9))):
            return self.w.save(
                CommitteeMeeting(
                    chantier=self.ch,
                    date=self.w.day(days_ago),
                    title=f"Comité de suivi n° {number} — {title}",
                    minutes=minutes,
                )
            )

    def close(self, meeting: CommitteeMeeting, days_ago: int) -> None:
        with clock(self.w.at(days_ago - 1, 9)):
            close_meeting(meeting, by=self.by)

    def action(self, code: str) -> Action:
        return Action.objects.get(chantier=self.ch, code=code)

    # -- recommendations and rounds --------------------------------------

    def import_recommendations(self) -> None:
        recs = []
        pages: dict[str, int] = defaultdict(lambda: 8)
        for axis_number, (axis_code, titles) in enumerate(texts.RECOMMENDATIONS.items(), 2):
            studies = texts.AXIS_STUDIES[axis_code]
            for i, title in enumerate(titles):
                code = f"R-{len(recs) + 1:03d}"
                study = studies[i % len(studies)]
                pages[study] += self.rng.randint(1, 4)
                recs.append(
                    Recommendation(
                        chantier=self.ch,
                        code=code,
                        title=title,
                        text=self._text(axis_code, title),
                        source_location=f"p. {pages[study]}, section {axis_number}.{i // 4 + 1}",
                        axis=self.ref.axes[(CODE, axis_code)],
                        study=self.ref.studies[study],
                    )
                )
                # A latent quality per criterion, so that the assessors broadly agree.
                base = self.rng.gauss(3.0, 0.6)
                self.quality[code] = {
                    crit: self.rng.gauss(3.0, 1.0)
                    if crit == "cout"
                    else base + self.rng.gauss(0, 0.5)
                    for crit, *_rest in texts.CRITERIA
                }
        for target in texts.MERGES.values():  # duplicates are merged into strong ones
            self.quality[target] = {k: v + 0.8 for k, v in self.quality[target].items()}
            self.quality[target]["cout"] -= 1.6
        bulk_create_with_history(
            recs,
            Recommendation,
            default_user=self.by,
            default_date=self.w.at(390, 9),
            default_change_reason="Import des études (données illustratives)",
        )

    def _text(self, axis_code: str, title: str) -> str:
        verb = title[0].lower() + title[1:]
        lead = "Il est recommandé d'" if verb[0] in "aeiouyéèêàâîôûh" else "Il est recommandé de "
        return (
            f"{self.rng.choice(texts.AXIS_CONTEXT[axis_code])} {lead}{verb}. "
            f"{self.rng.choice(texts.HOW_TO)}\n\n{texts.ILLUSTRATIVE_NOTE}"
        )

    def curate(self) -> None:
        """The lead merges the duplicates and hands over what belongs elsewhere."""
        with clock(self.w.at(385, 15)):
            for source, target in texts.MERGES.items():
                self.dispose(
                    self.rec(source),
                    Disposition.MERGED,
                    f"Doublon de {target} : les deux textes et leurs sources sont conservés.",
                    into=self.rec(target),
                )
            for code, (chantier_code, reason) in texts.TRANSFERS.items():
                self.dispose(
                    self.rec(code),
                    Disposition.TRANSFERRED,
                    reason,
                    to=self.ref.chantiers[chantier_code],
                )

    def first_round(self):
        with clock(self.w.at(380)):
            rnd = rec_services.open_round(
                self.ch, by=self.by, name="Ronde 1 — priorisation initiale"
            )
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
        recs = self.recs()
        for username, days_ago in [("responsable", 375), ("comite", 371), ("comite-2", 368)]:
            self.assess(rnd, recs, username, days_ago)
        with clock(self.w.at(366, 17)):
            rec_services.recompute_priorities(
                self.ch, by=self.by, reason="Ronde 1 : évaluations complétées"
            )
        return rnd

    def assess(self, rnd, recs, username: str, days_ago: int, share: float = 1.0) -> None:
        """Bulk-create one assessor's scores; the caller recomputes priorities once."""
        user, when = self.users[username], self.w.at(days_ago, 14)
        rows, criteria = [], list(rnd.criteria.all())
        for rec in recs:
            if rec.disposition in (Disposition.MERGED, Disposition.TRANSFERRED):
                continue
            if self.rng.random() > share:
                continue
            for criterion in criteria:
                noise = self.rng.gauss(0, 0.55)
                if self.rng.random() < 0.05:  # a real disagreement, to discuss
                    noise += self.rng.choice((-2, 2))
                latent = self.quality[rec.code][criterion.code]
                rationale = ""
                if self.rng.random() < 0.12:
                    rationale = self.rng.choice(texts.RATIONALES[criterion.code])
                assessment = Assessment(
                    criterion=criterion,
                    recommendation=rec,
                    assessor=user,
                    score=max(1, min(5, round(latent + noise))),
                    rationale=rationale,
                )
                assessment._history_date = when
                rows.append(assessment)
        bulk_create_with_history(rows, Assessment, batch_size=1000, default_user=self.by)

    def second_round(self) -> None:
        with clock(self.w.at(45)):
            rnd = rec_services.open_round(
                self.ch, by=self.by, name="Ronde 2 — mise à jour des priorités"
            )
            rec_services.set_criterion_weight(
                rnd.criteria.get(code="urgence"),
                by=self.by,
                weight=Decimal("2"),
                reason="Réunion n° 4 : l'urgence pèse davantage dans la ronde 2.",
            )
        for scores in self.quality.values():  # a year later, opinions have moved
            for crit in scores:
                scores[crit] += self.rng.gauss(0, 0.45)
        recs = self.recs()
        self.assess(rnd, recs, "responsable", 40)
        self.assess(rnd, recs, "comite", 30, share=0.5)
        with clock(self.w.at(12, 17)):
            rec_services.recompute_priorities(
                self.ch, by=self.by, reason="Ronde 2 : évaluations en cours"
            )

    # -- meetings ---------------------------------------------------------

    def meeting_1(self, round1) -> None:
        m1 = self.meeting(
            1,
            340,
            "lancement du chantier",
            "Présentation du mandat et des 120 recommandations issues de cinq études "
            "(illustratives). Le comité valide la ronde 1 de priorisation et statue sur les "
            "recommandations présentées ; il prend acte des fusions de doublons et des "
            "transferts à d'autres chantiers.",
        )
        with clock(self.w.at(340, 14)):
            rec_services.freeze_round(round1, by=self.by, meeting=m1)
        with clock(self.w.at(340, 15)):
            self._first_dispositions(m1)
        self.close(m1, 340)

    def _first_dispositions(self, m1) -> None:
        ranked = self.recs()
        moved = set(texts.MERGES) | set(texts.TRANSFERS)
        by_axis = defaultdict(list)
        for rec in ranked:
            if rec.code not in moved:
                by_axis[rec.axis_id].append(rec.code)
        retained = {code for codes in by_axis.values() for code in codes[:4]}
        retained |= set(texts.MERGES.values())
        overrides = list(texts.TIER_OVERRIDES)
        for rec in sorted((r for r in ranked if r.code in retained), key=lambda r: r.code):
            tier, reason = rec.computed_tier, texts.RETAINED_REASON
            for override in overrides:
                if rec.computed_tier == override[1]:
                    tier, reason = override[0], override[2]
                    overrides.remove(override)
                    break
            self.dispose(rec, Disposition.RETAINED, reason, tier=tier)
        rest = [r for r in ranked if r.code not in retained | moved]
        for i, rec in enumerate(rest[-9:]):
            reason = texts.NOT_RETAINED_REASONS[i % len(texts.NOT_RETAINED_REASONS)]
            self.dispose(self.rec(rec.code), Disposition.NOT_RETAINED, reason)
        for i, rec in enumerate(rest[4:14]):
            reason = texts.POSTPONED_REASONS[i % len(texts.POSTPONED_REASONS)]
            self.dispose(self.rec(rec.code), Disposition.POSTPONED, reason)

        kept = self.recs(disposition=Disposition.RETAINED)
        p1 = sum(1 for r in kept if r.tier == "P1")
        self.w.decide(
            m1,
            Kind.DECISION,
            f"Le comité valide la ronde 1 et retient {len(kept)} recommandations, dont {p1} "
            "de niveau P1.",
            recommendations=kept[:10],
            owner=self.users["responsable"],
            status=Status.DONE,
            follow_up="Dispositions enregistrées dans l'outil.",
        )
        self.w.decide(
            m1,
            Kind.INFORMATION,
            "Le comité prend acte des sept fusions de doublons et des deux transferts aux "
            "chantiers Économie circulaire et Construction faits à l'import.",
            recommendations=[self.rec(c) for c in texts.TRANSFERS],
            status=Status.DONE,
        )
        self.decisions["plan"] = self.w.decide(
            m1,
            Kind.NEW_ACTION,
            "Préparer le plan d'action pour approbation à la prochaine réunion.",
            owner=self.users["responsable"],
            due=self.w.day(250),
        )

    def draft_plan(self) -> None:
        start, end = self.w.day(335), self.w.day(-600)
        with clock(self.w.at(335, 9)):
            self.plan.draft(title=f"Plan d'action {start.year}-{end.year}", days_ago=335, end=end)
        for number, spec in enumerate(self.specs.values()):
            if spec.code not in texts.ACTIONS_ADDED_AT_MEETING:
                self.plan.schedule(spec, self.w.at(333, 11, number))
        self.indicators = []

        def indicators():
            self.indicators = self.plan.indicators(target_date=end)

        self.agenda.at(self.w.at(332, 15), indicators)

    def meeting_2(self) -> None:
        m2 = self.meeting(
            2,
            250,
            "approbation du plan d'action",
            "Présentation du plan d'action et de ses premières actions. Le comité approuve "
            "le plan et demande l'ajout d'une action sur l'intégration des travailleurs "
            "immigrants.",
        )
        with clock(self.w.at(250, 14)):
            plan = ActionPlan.objects.get(pk=self.plan.plan.pk)
            plan.status = ActionPlan.Status.APPROVED
            plan.approved_by_meeting = m2
            self.w.save(plan, reason="Approuvé par le comité (réunion n° 2)")
            self.w.follow_up(
                self.decisions["plan"], status=Status.DONE, text="Plan approuvé à la réunion n° 2."
            )
            actions = list(Action.objects.filter(chantier=self.ch).order_by("code"))
            self.w.decide(
                m2,
                Kind.DECISION,
                f"Le comité approuve le plan d'action, version 1.0 ({len(actions)} actions).",
                actions=actions,
                owner=self.users["responsable"],
                status=Status.DONE,
            )
            started = self.start_implementation()
            self.w.decide(
                m2,
                Kind.INFORMATION,
                f"{len(started)} recommandations retenues passent en mise en œuvre : leurs "
                "actions ont démarré.",
                recommendations=started[:8],
                status=Status.DONE,
            )
            self.retain_next(4, "Retenue à la réunion n° 2 après compléments d'information.")
            rec = self.retain(self.rec("R-071"), "Retenue pour l'action ajoutée au plan.")
            decision = self.w.decide(
                m2,
                Kind.NEW_ACTION,
                "Ajouter au plan une action sur l'accueil et l'intégration des travailleurs "
                "immigrants.",
                recommendations=[rec],
                owner=self.users["responsable"],
                due=self.w.day(200),
                status=Status.DONE,
                follow_up="Action A-23 créée.",
            )
            self.plan.update_budgets()
        self.plan.schedule(self.specs["A-23"], self.w.at(249, 11), decision=decision)
        self.close(m2, 250)

    def meeting_3(self) -> None:
        m3 = self.meeting(
            3,
            160,
            "bilan des six premiers mois",
            "Bilan des six premiers mois du plan. Le comité s'inquiète du jumeau numérique "
            "(A-02) et réexamine plusieurs recommandations à la lumière des premiers résultats.",
        )
        with clock(self.w.at(160, 14)):
            self.start_implementation()
            self.decisions["A-02"] = self.w.decide(
                m3,
                Kind.DECISION,
                "L'action A-02 est à risque : le comité demande un plan de redressement pour "
                "la prochaine réunion.",
                actions=[self.action("A-02")],
                owner=self.users["charge-2"],
                due=self.w.day(70),
                status=Status.IN_PROGRESS,
            )
            moved = [
                self.retain(r, "Retenue après réexamen : les résultats des pilotes la justifient.")
                for r in self.recs(disposition=Disposition.POSTPONED)[:2]
            ]
            reopened = self.recs(disposition=Disposition.NOT_RETAINED)[:1]
            moved += [
                self.dispose(r, Disposition.UNDER_REVIEW, "Réexamen demandé : nouvelles données.")
                for r in reopened
            ]
            reopened_codes = {r.code for r in reopened}
            dropped = [
                r
                for r in self.recs(disposition=Disposition.UNDER_REVIEW)
                if r.code not in reopened_codes
            ][-2:]
            moved += [
                self.dispose(r, Disposition.NOT_RETAINED, texts.NOT_RETAINED_REASONS[i])
                for i, r in enumerate(dropped)
            ]
            self.w.decide(
                m3,
                Kind.DECISION,
                "Deux recommandations reportées sont retenues, une recommandation non retenue "
                "est remise à l'étude et deux sont écartées.",
                recommendations=moved,
                owner=self.users["responsable"],
                status=Status.DONE,
            )
            rec = self.retain(self.rec("R-111"), "Retenue pour l'action ajoutée au plan.")
            decision = self.w.decide(
                m3,
                Kind.NEW_ACTION,
                "Ajouter une action : tableau de bord des investissements du chantier.",
                recommendations=[rec],
                owner=self.users["responsable"],
                status=Status.DONE,
                follow_up="Action A-34 créée.",
            )
            engaged = ActionPartner.objects.filter(
                action__chantier=self.ch,
                stage__in=[ActionPartner.Stage.COMMITTED, ActionPartner.Stage.ACTIVE],
            ).count()
            total = ActionPartner.objects.filter(action__chantier=self.ch).count()
            self.w.decide(
                m3,
                Kind.INFORMATION,
                f"Mobilisation : {engaged} partenariats engagés ou actifs sur {total}.",
                status=Status.DONE,
            )
            self.plan.update_budgets()
        self.plan.schedule(self.specs["A-34"], self.w.at(159, 11), decision=decision)
        self.close(m3, 160)

    def meeting_4(self) -> None:
        m4 = self.meeting(
            4,
            70,
            "bilan annuel",
            "Bilan de la première année. Plusieurs recommandations sont mises en œuvre ; le "
            "comité ferme celles qui ne le seront pas et lance une deuxième ronde de "
            "priorisation.",
        )
        with clock(self.w.at(70, 14)):
            self.start_implementation()
            done = []
            for rec in self.recs(disposition=Disposition.IN_IMPLEMENTATION):
                statuses = {
                    link.action.status for link in rec.action_links.select_related("action")
                }
                if statuses == {ActionStatus.DONE}:
                    done.append(
                        self.dispose(
                            rec,
                            Disposition.IMPLEMENTED,
                            "Actions terminées et livrables acceptés par le comité.",
                        )
                    )
            closed = []
            for rec in self.recs(
                disposition__in=[Disposition.RETAINED, Disposition.IN_IMPLEMENTATION],
                action_links__action__status=ActionStatus.CANCELLED,
            ):
                closed.append(
                    self.dispose(
                        rec,
                        Disposition.CLOSED_UNIMPLEMENTED,
                        "Action annulée faute de porteur ; le besoin sera revu au prochain plan.",
                    )
                )
            orphan = self.recs(disposition=Disposition.RETAINED, action_links__isnull=True)[-1:]
            closed += [
                self.dispose(
                    r,
                    Disposition.CLOSED_UNIMPLEMENTED,
                    "Rendue caduque : un programme fédéral couvre désormais ce besoin.",
                )
                for r in orphan
            ]
            self.w.decide(
                m4,
                Kind.DECISION,
                f"Le comité confirme la mise en œuvre de {len(done)} recommandations et en "
                f"ferme {len(closed)} sans mise en œuvre.",
                recommendations=done + closed,
                owner=self.users["responsable"],
                status=Status.DONE,
            )
            self.w.follow_up(
                self.decisions["A-02"],
                status=Status.DONE,
                text="Plan de redressement présenté ; nouvelle échéance acceptée.",
            )
            self.retain_next(3, "Retenue à la réunion n° 4.")
            self.decisions["round2"] = self.w.decide(
                m4,
                Kind.DECISION,
                "Ouvrir une deuxième ronde de priorisation ; l'urgence y pèsera davantage.",
                owner=self.users["responsable"],
                due=self.w.day(-21),
                status=Status.IN_PROGRESS,
            )
            self.plan.update_budgets()
        self.close(m4, 70)

    def meeting_5(self) -> None:
        """The next meeting, in three weeks: not closed, its decisions still open."""
        m5 = self.meeting(
            5,
            -21,
            "suivi trimestriel",
            "Ordre du jour : avancement du plan, actions sans nouvelles, résultats de la "
            "ronde 2 de priorisation, ajouts au plan.",
        )
        with clock(self.w.at(9, 11)):
            top = self.recs(disposition__in=[Disposition.UNDER_REVIEW, Disposition.RETAINED])[:5]
            self.w.decide(
                m5,
                Kind.DECISION,
                "Figer la ronde 2 et adopter les niveaux de priorité qui en découlent.",
                recommendations=top,
                owner=self.users["responsable"],
                due=self.w.day(-21),
            )
            self.w.decide(
                m5,
                Kind.DECISION,
                "Statuer sur la suite de l'action A-14, bloquée depuis plusieurs semaines.",
                actions=[self.action("A-14")],
                owner=self.users["charge"],
                due=self.w.day(-21),
            )
            traceability = self.recs(
                axis__code="TRAC", disposition__in=[Disposition.RETAINED, Disposition.UNDER_REVIEW]
            )[:2]
            self.w.decide(
                m5,
                Kind.NEW_ACTION,
                "Ajouter deux actions sur la traçabilité à la version 1.1 du plan.",
                recommendations=traceability,
                owner=self.users["responsable"],
                due=self.w.day(-60),
            )
            stale = list(actions_for_chantier(self.ch, stale=True).order_by("code"))
            self.w.decide(
                m5,
                Kind.INFORMATION,
                f"{len(stale)} actions sont sans nouvelles depuis plus d'un mois.",
                actions=stale,
            )
