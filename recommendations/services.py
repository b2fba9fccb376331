import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from chantiers.history import stamp
from chantiers.models import Chantier, CommitteeMeeting, DecisionRecommendation, Membership
from recommendations import priority
from recommendations.models import (
    Assessment,
    Criterion,
    PrioritisationRound,
    Recommendation,
    RoundAssessor,
    RoundRecommendation,
    Tier,
    ensure_round_open,
)
from recommendations.queries import (
    ABSORBED,
    assessors_for_round,
    consensus_for_round,
    current_round,
    eligible_assessors,
    means_by_recommendation,
    recommendations_in_round,
    round_admits,
)

Disposition = Recommendation.Disposition

# Allowed disposition moves (DESIGN §2). Merged, transferred, implemented and closed
# are final.
TRANSITIONS: dict[str, set[str]] = {
    Disposition.UNDER_REVIEW: {
        Disposition.RETAINED,
        Disposition.POSTPONED,
        Disposition.NOT_RETAINED,
        Disposition.MERGED,
        Disposition.TRANSFERRED,
    },
    Disposition.POSTPONED: {
        Disposition.UNDER_REVIEW,
        Disposition.RETAINED,
        Disposition.NOT_RETAINED,
        Disposition.MERGED,
        Disposition.TRANSFERRED,
    },
    Disposition.NOT_RETAINED: {Disposition.UNDER_REVIEW},
    Disposition.RETAINED: {
        Disposition.IN_IMPLEMENTATION,
        Disposition.POSTPONED,
        Disposition.MERGED,
        Disposition.CLOSED_UNIMPLEMENTED,
    },
    Disposition.IN_IMPLEMENTATION: {Disposition.IMPLEMENTED, Disposition.CLOSED_UNIMPLEMENTED},
    Disposition.MERGED: set(),
    Disposition.TRANSFERRED: set(),
    Disposition.IMPLEMENTED: set(),
    Disposition.CLOSED_UNIMPLEMENTED: set(),
}

PRIORITY_FIELDS = list(Recommendation.PRIORITY_FIELDS)


# ---------------------------------------------------------------------------
# Priority


@transaction.atomic
def recompute_priorities(chantier: Chantier, *, by, reason: str = "") -> int:
    """Recompute score, rank and tier of every recommendation of the chantier from its
    current round, and save only those that changed (with history). Returns how many
    changed. Costs a constant number of queries."""
    reason = reason or _("Recalcul de la priorité")
    rnd = current_round(chantier)
    # Whole rows, not .only(): bulk_update_with_history copies every field into the
    # history rows, and each deferred field would cost one query per recommendation.
    recs = list(Recommendation.objects.filter(chantier=chantier))
    scores: dict[int, Decimal | None] = dict.fromkeys((r.pk for r in recs), None)
    p1 = p2 = Decimal(0)
    if rnd is not None:
        specs = [priority.CriterionSpec.of(c) for c in rnd.criteria.all()]
        means = means_by_recommendation(consensus_for_round(rnd))
        for pk in scores:
            scores[pk] = priority.weighted_score(means.get(pk, {}), specs)
        p1, p2 = rnd.p1_threshold, rnd.p2_threshold
    ranked = priority.ranks({r.pk: scores[r.pk] for r in recs if r.disposition not in ABSORBED})

    changed = []
    for rec in recs:
        new = {
            "score": scores[rec.pk],
            "rank": ranked.get(rec.pk),
            "computed_tier": priority.tier_for(scores[rec.pk], p1=p1, p2=p2),
        }
        new["tier"] = rec.tier_override or new["computed_tier"]
        if any(getattr(rec, k) != v for k, v in new.items()):
            for k, v in new.items():
                setattr(rec, k, v)
            changed.append(rec)
    if changed:
        bulk_update_with_history(
            changed,
            Recommendation,
            PRIORITY_FIELDS,
            batch_size=500,
            default_user=by,
            default_change_reason=reason[:100],
        )
    return len(changed)


@transaction.atomic
def score_recommendation(
    recommendation: Recommendation,
    *,
    criterion: Criterion,
    by,
    score: int,
    rationale: str = "",
) -> Assessment:
    """Create or change `by`'s score of a recommendation on one criterion of a round,
    then recompute the chantier's priorities."""
    _check_cell(recommendation, criterion=criterion, by=by)
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError({"score": _("La note doit être un entier de 1 à 5.")})
    assessment = Assessment.objects.filter(
        criterion=criterion, recommendation=recommendation, assessor=by
    ).first() or Assessment(criterion=criterion, recommendation=recommendation, assessor=by)
    if assessment.pk and assessment.score == score and assessment.rationale == rationale:
        return assessment
    assessment.score = score
    assessment.rationale = rationale
    stamp(assessment, by=by)
    assessment.save()
    recompute_priorities(recommendation.chantier, by=by)
    return assessment


def _lock_open(prioritisation_round: PrioritisationRound) -> PrioritisationRound:
    """Re-read the round under a row lock (PostgreSQL; SQLite serialises writes anyway)
    so that a freeze committed since the caller read it is seen, and refused."""
    ensure_round_open(prioritisation_round)
    fresh = PrioritisationRound.objects.select_for_update().get(pk=prioritisation_round.pk)
    ensure_round_open(fresh)
    return fresh


def _check_cell(recommendation: Recommendation, *, criterion: Criterion, by) -> None:
    """May `by` score this recommendation on this criterion? Raises ValidationError."""
    _lock_open(criterion.round)
    if criterion.round.chantier_id != recommendation.chantier_id:
        raise ValidationError(_("Ce critère n'appartient pas au chantier de la recommandation."))
    if recommendation.disposition in ABSORBED:
        raise ValidationError(_("Une recommandation fusionnée ou transférée ne se note plus."))
    in_scope, is_assessor = round_admits(
        criterion.round, recommendation_id=recommendation.pk, assessor_id=by.pk
    )
    if not in_scope:
        raise ValidationError(
            _("%(code)s ne fait pas partie de cette ronde.") % {"code": recommendation.code}
        )
    if not is_assessor:
        raise ValidationError(_("Vous ne faites pas partie des évaluateurs de cette ronde."))


@transaction.atomic
def withdraw_score(recommendation: Recommendation, *, criterion: Criterion, by) -> bool:
    """Delete `by`'s own score of a cell (the cell becomes missing again), then
    recompute the chantier's priorities. Returns False when there was nothing to delete."""
    _check_cell(recommendation, criterion=criterion, by=by)
    assessment = Assessment.objects.filter(
        criterion=criterion, recommendation=recommendation, assessor=by
    ).first()
    if assessment is None:
        return False
    stamp(assessment, by=by, reason=_("Note retirée"))
    assessment.delete()
    recompute_priorities(recommendation.chantier, by=by)
    return True


@transaction.atomic
def set_criterion_weight(
    criterion: Criterion, *, by, weight: Decimal, reason: str = ""
) -> Criterion:
    _lock_open(criterion.round)
    weight = Decimal(weight)
    if weight <= 0:
        raise ValidationError({"weight": _("Le poids doit être strictement positif.")})
    criterion.weight = weight
    stamp(criterion, by=by, reason=reason)
    criterion.save(update_fields=["weight"])
    recompute_priorities(criterion.round.chantier, by=by, reason=reason)
    return criterion


@transaction.atomic
def set_thresholds(
    prioritisation_round: PrioritisationRound,
    *,
    by,
    p1: Decimal,
    p2: Decimal,
    reason: str = "",
    spread: int | None = None,
) -> PrioritisationRound:
    """Change the tier thresholds (and, if given, the spread from which a disagreement
    between assessors is highlighted), then recompute the chantier's priorities."""
    ensure_round_open(prioritisation_round)
    p1, p2 = Decimal(p1), Decimal(p2)
    if not (0 <= p2 < p1 <= 100):
        raise ValidationError(
            {"p1_threshold": _("Les seuils doivent respecter 0 ≤ seuil P2 < seuil P1 ≤ 100.")}
        )
    fields = ["p1_threshold", "p2_threshold"]
    if spread is not None:
        if not 1 <= spread <= 4:
            raise ValidationError(
                {"spread_threshold": _("L'écart signalé doit être compris entre 1 et 4.")}
            )
        prioritisation_round.spread_threshold = spread
        fields.append("spread_threshold")
    prioritisation_round.p1_threshold, prioritisation_round.p2_threshold = p1, p2
    stamp(prioritisation_round, by=by, reason=reason)
    prioritisation_round.save(update_fields=fields)
    recompute_priorities(prioritisation_round.chantier, by=by, reason=reason)
    return prioritisation_round


@transaction.atomic
def override_tier(
    recommendation: Recommendation, *, by, tier: str, justification: str
) -> Recommendation:
    """Impose a tier different from the computed one; `tier=""` removes the override."""
    if tier and tier not in Tier.values:
        raise ValidationError({"tier": _("Niveau inconnu : %(tier)s.") % {"tier": tier}})
    recommendation.refresh_from_db(fields=Recommendation.PRIORITY_FIELDS)
    justification = justification.strip()
    if tier and not justification:
        raise ValidationError(
            {"justification": _("Expliquez pourquoi le niveau calculé est remplacé.")}
        )
    recommendation.tier_override = tier
    recommendation.tier_override_justification = justification if tier else ""
    recommendation.tier = tier or recommendation.computed_tier
    stamp(recommendation, by=by, reason=justification or _("Retour au niveau calculé"))
    recommendation.save(update_fields=["tier_override", "tier_override_justification", "tier"])
    return recommendation


@transaction.atomic
def open_round(
    chantier: Chantier, *, by, name: str, opened_on: datetime.date | None = None
) -> PrioritisationRound:
    """Open a new round, copying criteria, rubrics, weights and thresholds of the
    latest round (or the chantier's default thresholds for the first one)."""
    if PrioritisationRound.objects.filter(
        chantier=chantier, status=PrioritisationRound.Status.OPEN
    ).exists():
        raise ValidationError(_("Une ronde est déjà ouverte dans ce chantier : figez-la d'abord."))
    previous = (
        PrioritisationRound.objects.filter(chantier=chantier).order_by("-opened_on", "-pk").first()
    )
    rnd = PrioritisationRound(
        chantier=chantier,
        name=name,
        opened_on=opened_on or timezone.localdate(),
        previous=previous,
        p1_threshold=previous.p1_threshold if previous else chantier.p1_threshold,
        p2_threshold=previous.p2_threshold if previous else chantier.p2_threshold,
        spread_threshold=previous.spread_threshold if previous else 2,
    )
    stamp(rnd, by=by)
    rnd.save()
    if previous:
        for old in previous.criteria.all():
            copy = Criterion(
                round=rnd,
                code=old.code,
                name=old.name,
                rubric=old.rubric,
                weight=old.weight,
                direction=old.direction,
                order=old.order,
            )
            stamp(copy, by=by, reason=_("Copié de la ronde « %(name)s »") % {"name": previous})
            copy.save()
    # Default scope: every recommendation that still stands on its own. Default
    # assessors: those of the previous round who may still score, else every person
    # who may score in the chantier.
    reason = _("Ouverture de la ronde")
    recs = Recommendation.objects.filter(chantier=chantier).exclude(disposition__in=ABSORBED)
    bulk_create_with_history(
        [
            RoundRecommendation(round=rnd, recommendation_id=pk)
            for pk in recs.values_list("pk", flat=True)
        ],
        RoundRecommendation,
        batch_size=500,
        default_user=by,
        default_change_reason=reason,
    )
    eligible = eligible_assessors(chantier).filter(is_active=True)
    if previous and previous.assessor_links.exists():
        eligible = eligible.filter(round_links__round=previous)
    else:  # administrators score only when the lead adds them
        eligible = eligible.filter(
            memberships__chantier=chantier,
            memberships__role__in=[Membership.Role.LEAD, Membership.Role.COMMITTEE],
        )
    bulk_create_with_history(
        [RoundAssessor(round=rnd, assessor_id=pk) for pk in eligible.values_list("pk", flat=True)],
        RoundAssessor,
        default_user=by,
        default_change_reason=reason,
    )
    return rnd


@transaction.atomic
def freeze_round(
    prioritisation_round: PrioritisationRound, *, by, meeting: CommitteeMeeting | None = None
) -> PrioritisationRound:
    """Freeze a round: from now on nothing in it changes (see RoundGuardMixin). A round
    that never had an explicit scope or assessor list gets one, written from what it
    covers now, so that the frozen record does not depend on later changes."""
    ensure_round_open(prioritisation_round)
    if meeting is not None and meeting.chantier_id != prioritisation_round.chantier_id:
        raise ValidationError({"meeting": _("Cette réunion appartient à un autre chantier.")})
    reason = _("Ronde figée")
    if not prioritisation_round.scope_links.exists():
        bulk_create_with_history(
            [
                RoundRecommendation(round=prioritisation_round, recommendation_id=pk)
                for pk in recommendations_in_round(prioritisation_round).values_list(
                    "pk", flat=True
                )
            ],
            RoundRecommendation,
            batch_size=500,
            default_user=by,
            default_change_reason=reason,
        )
    if not prioritisation_round.assessor_links.exists():
        bulk_create_with_history(
            [
                RoundAssessor(round=prioritisation_round, assessor_id=pk)
                for pk in assessors_for_round(prioritisation_round).values_list("pk", flat=True)
            ],
            RoundAssessor,
            default_user=by,
            default_change_reason=reason,
        )
    prioritisation_round.status = PrioritisationRound.Status.FROZEN
    prioritisation_round.frozen_at = timezone.now()
    prioritisation_round.validated_by_meeting = meeting
    stamp(prioritisation_round, by=by, reason=_("Ronde figée"))
    prioritisation_round.save()
    return prioritisation_round


@transaction.atomic
def add_criterion(
    prioritisation_round: PrioritisationRound,
    *,
    by,
    code: str,
    name: str,
    rubric: str = "",
    weight: Decimal = Decimal(1),
    direction: str = Criterion.Direction.HIGHER_IS_BETTER,
    order: int | None = None,
    reason: str = "",
) -> Criterion:
    """Add a criterion to an open round. Its code is how criteria are matched from one
    round to the next, so it cannot change afterwards."""
    _lock_open(prioritisation_round)
    if prioritisation_round.criteria.filter(code=code).exists():
        raise ValidationError({"code": _("Ce code de critère existe déjà dans cette ronde.")})
    if order is None:
        order = (prioritisation_round.criteria.aggregate(m=Max("order"))["m"] or 0) + 1
    criterion = Criterion(
        round=prioritisation_round,
        code=code,
        name=name,
        rubric=rubric,
        weight=Decimal(weight),
        direction=direction,
        order=order,
    )
    _validate_criterion(criterion)
    stamp(criterion, by=by, reason=reason or _("Critère ajouté"))
    criterion.save()
    recompute_priorities(prioritisation_round.chantier, by=by, reason=reason)
    return criterion


@transaction.atomic
def change_criterion(
    criterion: Criterion,
    *,
    by,
    name: str,
    rubric: str,
    weight: Decimal,
    direction: str,
    order: int,
    reason: str = "",
) -> Criterion:
    """Edit a criterion of an open round; `criterion.version` must be the version the
    user read (a stale edit raises StaleObjectError)."""
    _lock_open(criterion.round)
    criterion.name, criterion.rubric, criterion.direction, criterion.order = (
        name,
        rubric,
        direction,
        order,
    )
    criterion.weight = Decimal(weight)
    _validate_criterion(criterion)
    stamp(criterion, by=by, reason=reason)
    criterion.save(update_fields=["name", "rubric", "weight", "direction", "order"])
    recompute_priorities(criterion.round.chantier, by=by, reason=reason)
    return criterion


def _validate_criterion(criterion: Criterion) -> None:
    if criterion.weight <= 0:
        raise ValidationError({"weight": _("Le poids doit être strictement positif.")})
    if criterion.direction not in Criterion.Direction.values:
        raise ValidationError({"direction": _("Sens inconnu.")})
    if not criterion.name.strip():
        raise ValidationError({"name": _("Donnez un nom au critère.")})


@transaction.atomic
def remove_criterion(criterion: Criterion, *, by, reason: str) -> int:
    """Remove a criterion from an open round with its scores (each deletion is kept in
    history with `reason`), then recompute. Returns the number of scores deleted."""
    _lock_open(criterion.round)
    if not reason.strip():
        raise ValidationError({"reason": _("Expliquez pourquoi ce critère est retiré.")})
    assessments = list(
        Assessment.objects.filter(criterion=criterion).select_related("criterion__round")
    )
    for assessment in assessments:
        stamp(assessment, by=by, reason=reason)
        assessment.delete()
    chantier = criterion.round.chantier
    stamp(criterion, by=by, reason=reason)
    criterion.delete()
    recompute_priorities(chantier, by=by, reason=reason)
    return len(assessments)


@transaction.atomic
def set_round_scope(
    prioritisation_round: PrioritisationRound, *, by, recommendations, reason: str = ""
) -> tuple[int, int]:
    """Make the round's scope exactly `recommendations`. Refuses recommendations of
    another chantier, merged or transferred ones, and removing one that already has
    scores in the round. Returns (added, removed)."""
    _lock_open(prioritisation_round)
    reason = reason or _("Périmètre de la ronde")
    wanted = {r.pk: r for r in recommendations}
    if not wanted:
        raise ValidationError(
            {"recommendations": _("Une ronde porte sur au moins une recommandation.")}
        )
    bad = [
        r.code
        for r in wanted.values()
        if r.chantier_id != prioritisation_round.chantier_id or r.disposition in ABSORBED
    ]
    if bad:
        raise ValidationError(
            {
                "recommendations": _(
                    "Ces recommandations ne peuvent pas être notées dans cette ronde : %(codes)s."
                )
                % {"codes": ", ".join(sorted(bad))}
            }
        )
    current = {
        link.recommendation_id: link
        for link in RoundRecommendation.objects.filter(round=prioritisation_round)
    }
    removed = [link for pk, link in current.items() if pk not in wanted]
    scored = set(
        Assessment.objects.filter(
            criterion__round=prioritisation_round,
            recommendation_id__in=[link.recommendation_id for link in removed],
        ).values_list("recommendation__code", flat=True)
    )
    if scored:
        raise ValidationError(
            {
                "recommendations": _(
                    "Ces recommandations ont déjà des notes dans la ronde et y restent : %(codes)s."
                )
                % {"codes": ", ".join(sorted(scored))}
            }
        )
    added = [pk for pk in wanted if pk not in current]
    bulk_create_with_history(
        [RoundRecommendation(round=prioritisation_round, recommendation_id=pk) for pk in added],
        RoundRecommendation,
        batch_size=500,
        default_user=by,
        default_change_reason=reason[:100],
    )
    for link in removed:
        stamp(link, by=by, reason=reason)
        link.delete()
    return len(added), len(removed)


@transaction.atomic
def set_round_assessors(
    prioritisation_round: PrioritisationRound, *, by, assessors, reason: str = ""
) -> tuple[int, int]:
    """Make the round's assessors exactly `assessors`: people who may score in the
    chantier. Refuses removing someone who already scored in the round. Returns
    (added, removed)."""
    _lock_open(prioritisation_round)
    reason = reason or _("Évaluateurs de la ronde")
    wanted = {u.pk: u for u in assessors}
    if not wanted:
        raise ValidationError({"assessors": _("Une ronde a au moins un évaluateur.")})
    eligible = set(eligible_assessors(prioritisation_round.chantier).values_list("pk", flat=True))
    bad = [str(u) for pk, u in wanted.items() if pk not in eligible]
    if bad:
        raise ValidationError(
            {
                "assessors": _("Ces personnes ne peuvent pas noter dans ce chantier : %(names)s.")
                % {"names": ", ".join(sorted(bad))}
            }
        )
    current = {
        link.assessor_id: link
        for link in RoundAssessor.objects.filter(round=prioritisation_round).select_related(
            "assessor"
        )
    }
    removed = [link for pk, link in current.items() if pk not in wanted]
    scored = {
        link.assessor.get_full_name() or link.assessor.username
        for link in removed
        if Assessment.objects.filter(
            criterion__round=prioritisation_round, assessor_id=link.assessor_id
        ).exists()
    }
    if scored:
        raise ValidationError(
            {
                "assessors": _(
                    "Ces personnes ont déjà noté dans la ronde et y restent : %(names)s."
                )
                % {"names": ", ".join(sorted(scored))}
            }
        )
    added = [pk for pk in wanted if pk not in current]
    bulk_create_with_history(
        [RoundAssessor(round=prioritisation_round, assessor_id=pk) for pk in added],
        RoundAssessor,
        default_user=by,
        default_change_reason=reason[:100],
    )
    for link in removed:
        stamp(link, by=by, reason=reason)
        link.delete()
    return len(added), len(removed)


# ---------------------------------------------------------------------------
# Disposition


def _refuse_transition(recommendation: Recommendation, target: str):
    raise ValidationError(
        {
            "disposition": _("Impossible de passer de « %(old)s » à « %(new)s ».")
            % {
                "old": recommendation.get_disposition_display(),
                "new": Disposition(target).label,
            }
        }
    )


@transaction.atomic
def set_disposition(
    recommendation: Recommendation,
    *,
    by,
    disposition: str,
    justification: str = "",
    tier: str = "",
    into: Recommendation | None = None,
    to: Chantier | None = None,
) -> Recommendation:
    """Give a recommendation a disposition (DESIGN §2). Retaining may set a tier (an
    override, with its justification, when it differs from the computed tier); merging
    needs `into`, transferring needs `to`. Refuses any move the workflow does not allow."""
    if disposition not in Disposition.values:
        raise ValidationError({"disposition": _("Décision inconnue.")})
    if disposition not in TRANSITIONS[recommendation.disposition]:
        _refuse_transition(recommendation, disposition)
    recommendation.refresh_from_db(fields=Recommendation.PRIORITY_FIELDS)
    justification = justification.strip()
    if disposition in Recommendation.JUSTIFIED_DISPOSITIONS and not justification:
        raise ValidationError(
            {"justification": _("Une justification est requise pour cette décision.")}
        )
    if disposition == Disposition.MERGED:
        return _merge(recommendation, into=into, by=by, justification=justification)
    if disposition == Disposition.TRANSFERRED:
        return _transfer(recommendation, to=to, by=by, justification=justification)

    if disposition == Disposition.RETAINED and tier and tier != recommendation.computed_tier:
        if tier not in Tier.values:
            raise ValidationError({"tier": _("Niveau inconnu : %(tier)s.") % {"tier": tier}})
        if not justification:
            raise ValidationError(
                {"justification": _("Expliquez pourquoi le niveau diffère du niveau calculé.")}
            )
        recommendation.tier_override = tier
        recommendation.tier_override_justification = justification
        recommendation.tier = tier
    recommendation.disposition = disposition
    recommendation.disposition_justification = justification
    recommendation.disposition_date = timezone.localdate()
    stamp(recommendation, by=by, reason=justification or Disposition(disposition).label)
    recommendation.save(
        update_fields=[
            "disposition",
            "disposition_justification",
            "disposition_date",
            "tier_override",
            "tier_override_justification",
            "tier",
        ]
    )
    return recommendation


def _merge(source: Recommendation, *, into: Recommendation | None, by, justification: str):
    from actions.models import ActionRecommendation

    if into is None:
        raise ValidationError({"into": _("Choisissez la recommandation qui absorbe celle-ci.")})
    if into.pk == source.pk:
        raise ValidationError(
            {"into": _("Une recommandation ne peut être fusionnée dans elle-même.")}
        )
    if into.chantier_id != source.chantier_id:
        raise ValidationError({"into": _("La fusion se fait dans le même chantier.")})
    if into.disposition in ABSORBED or into.disposition in (
        Disposition.NOT_RETAINED,
        Disposition.CLOSED_UNIMPLEMENTED,
    ):
        raise ValidationError(
            {
                "into": _("La recommandation cible est « %(d)s » : elle ne peut rien absorber.")
                % {"d": into.get_disposition_display()}
            }
        )
    reason = _("Fusion de %(src)s dans %(dst)s") % {"src": source.code, "dst": into.code}
    # Links move to the target; the source keeps its text and study, reachable from it.
    for link in ActionRecommendation.objects.filter(recommendation=source):
        if not ActionRecommendation.objects.filter(
            action_id=link.action_id, recommendation=into
        ).exists():
            stamp(
                ActionRecommendation(
                    action_id=link.action_id, recommendation=into, contribution=link.contribution
                ),
                by=by,
                reason=reason,
            ).save()
        stamp(link, by=by, reason=reason).delete()
    for link in DecisionRecommendation.objects.filter(recommendation=source):
        if not DecisionRecommendation.objects.filter(
            decision_id=link.decision_id, recommendation=into
        ).exists():
            stamp(
                DecisionRecommendation(decision_id=link.decision_id, recommendation=into),
                by=by,
                reason=reason,
            ).save()
        stamp(link, by=by, reason=reason).delete()
    source.disposition = Disposition.MERGED
    source.merged_into = into
    source.disposition_justification = justification
    source.disposition_date = timezone.localdate()
    stamp(source, by=by, reason=justification or reason)
    source.save(
        update_fields=[
            "disposition",
            "merged_into",
            "disposition_justification",
            "disposition_date",
        ]
    )
    recompute_priorities(source.chantier, by=by, reason=reason)
    return source


def _transfer(source: Recommendation, *, to: Chantier | None, by, justification: str):
    if to is None:
        raise ValidationError({"to": _("Choisissez le chantier qui reprend cette recommandation.")})
    if to.pk == source.chantier_id:
        raise ValidationError({"to": _("La recommandation est déjà dans ce chantier.")})
    code = source.code
    suffix = 1
    while Recommendation.objects.filter(chantier=to, code=code).exists():
        suffix += 1
        code = f"{source.code}-T{suffix}"
    axis = to.axes.filter(code=source.axis.code).first() if source.axis_id else None
    reason = _("Transférée depuis %(chantier)s (%(code)s)") % {
        "chantier": source.chantier.name,
        "code": source.code,
    }
    copy = Recommendation(
        chantier=to,
        code=code,
        title=source.title,
        text=source.text,
        source_location=source.source_location,
        axis=axis,
        study_id=source.study_id,
        transferred_from=source,
    )
    stamp(copy, by=by, reason=reason).save()
    source.disposition = Disposition.TRANSFERRED
    source.transferred_to = to
    source.disposition_justification = justification
    source.disposition_date = timezone.localdate()
    stamp(source, by=by, reason=justification or _("Transférée à %(c)s") % {"c": to.name})
    source.save(
        update_fields=[
            "disposition",
            "transferred_to",
            "disposition_justification",
            "disposition_date",
        ]
    )
    recompute_priorities(source.chantier, by=by)
    return source


# ---------------------------------------------------------------------------
# Curation


EDITABLE_FIELDS = ("code", "title", "text", "source_location", "axis", "study")


def _check_recommendation_fields(chantier: Chantier, *, pk, code: str, title: str, axis) -> None:
    errors = {}
    if not code:
        errors["code"] = _("Donnez un code à la recommandation (par exemple R-042).")
    elif Recommendation.objects.filter(chantier=chantier, code=code).exclude(pk=pk).exists():
        errors["code"] = _("Ce code de recommandation existe déjà dans ce chantier.")
    if not title:
        errors["title"] = _("Donnez un titre à la recommandation.")
    if axis is not None and axis.chantier_id != chantier.pk:
        errors["axis"] = _("Cet axe appartient à un autre chantier.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_recommendation(
    chantier: Chantier,
    *,
    by,
    code: str,
    title: str,
    text: str = "",
    source_location: str = "",
    axis=None,
    study=None,
) -> Recommendation:
    """Add a recommendation to a chantier, under review, without priority until scored."""
    code, title = code.strip(), title.strip()
    _check_recommendation_fields(chantier, pk=None, code=code, title=title, axis=axis)
    recommendation = Recommendation(
        chantier=chantier,
        code=code,
        title=title,
        text=text,
        source_location=source_location.strip(),
        axis=axis,
        study=study,
    )
    stamp(recommendation, by=by, reason=_("Recommandation ajoutée"))
    recommendation.save()
    return recommendation


@transaction.atomic
def update_recommendation(
    recommendation: Recommendation,
    *,
    by,
    code: str,
    title: str,
    text: str = "",
    source_location: str = "",
    axis=None,
    study=None,
    reason: str = "",
) -> Recommendation:
    """Correct a recommendation's wording, source or axis (not its disposition or
    priority, which have their own services). Raises StaleObjectError if it changed
    since `recommendation.version` was read."""
    code, title = code.strip(), title.strip()
    _check_recommendation_fields(
        recommendation.chantier, pk=recommendation.pk, code=code, title=title, axis=axis
    )
    recommendation.code, recommendation.title, recommendation.text = code, title, text
    recommendation.source_location = source_location.strip()
    recommendation.axis, recommendation.study = axis, study
    stamp(recommendation, by=by, reason=reason)
    recommendation.save(update_fields=list(EDITABLE_FIELDS))
    return recommendation
