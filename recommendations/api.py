"""API endpoints of the recommendations app: axes, studies, recommendations (with
scoring, tier override and disposition), rounds (open, freeze), criteria, assessments."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from api.concurrency import etag_for
from api.filters import BooleanFilter, ChantierCodeFilter, IdFilter, filterset
from api.scope import chantier_id_of, scoped
from api.viewsets import IF_MATCH_OPTIONAL, ScopedModelViewSet, leads_somewhere, location_of
from chantiers.models import Membership
from chantiers.permissions import can_edit, can_score, is_admin, roles_by_chantier
from recommendations.filters import RecommendationFilter
from recommendations.models import (
    Assessment,
    Criterion,
    PrioritisationRound,
    Recommendation,
    StrategicAxis,
    Study,
    ensure_round_open,
)
from recommendations.queries import open_round as open_round_of
from recommendations.serializers import (
    AssessmentSerializer,
    AxisSerializer,
    CriterionSerializer,
    DispositionSerializer,
    OverrideTierSerializer,
    RecommendationSerializer,
    RoundFreezeSerializer,
    RoundOpenSerializer,
    RoundSerializer,
    ScoreSerializer,
    StudySerializer,
)
from recommendations.services import (
    EDITABLE_FIELDS,
    create_recommendation,
    freeze_round,
    open_round,
    override_tier,
    recompute_priorities,
    score_recommendation,
    set_disposition,
    update_recommendation,
)

SCORE_DENIED = _(
    "Seuls le responsable, les membres du comité et les administrateurs notent les recommandations."
)


class AxisViewSet(ScopedModelViewSet):
    serializer_class = AxisSerializer
    filterset_class = filterset(StrategicAxis)
    search_fields = ["code", "name", "description"]
    ordering_fields = ["order", "code", "name"]

    def base_queryset(self):
        return StrategicAxis.objects.select_related("chantier").order_by(
            "chantier", "order", "code"
        )


class StudyViewSet(ScopedModelViewSet):
    """Studies are public documents shared by every chantier: any chantier lead may
    add or correct one; only an admin deletes one."""

    serializer_class = StudySerializer
    filterset_class = filterset(Study, path=None, ids=["organisation"])
    filterset_class.base_filters["year"] = IdFilter(field_name="year", max_value=2100)
    search_fields = ["title", "authors", "reference"]
    ordering_fields = ["year", "title"]

    def base_queryset(self):
        return Study.objects.all()

    def can_create(self, user, chantier_id):
        return leads_somewhere(user)

    def can_update(self, user, instance):
        return leads_somewhere(user)

    def can_destroy(self, user, instance):
        return is_admin(user)


class RecommendationAPIFilter(RecommendationFilter):
    chantier = ChantierCodeFilter()
    awaiting = BooleanFilter(
        method="filter_awaiting", label=RecommendationFilter.base_filters["awaiting"].label
    )

    class Meta(RecommendationFilter.Meta):
        fields = [*RecommendationFilter.Meta.fields, "chantier"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["axis"].queryset = scoped(StrategicAxis.objects.all(), request.user)


class RecommendationViewSet(ScopedModelViewSet):
    serializer_class = RecommendationSerializer
    filterset_class = RecommendationAPIFilter
    search_fields = ["code", "title", "text"]
    ordering_fields = ["code", "title", "score", "rank", "tier", "disposition", "disposition_date"]

    def base_queryset(self):
        return Recommendation.objects.select_related("chantier", "axis", "study", "transferred_to")

    def perform_create(self, serializer):
        data = serializer.validated_data
        return create_recommendation(
            data["chantier"],
            by=self.request.user,
            **{field: data[field] for field in EDITABLE_FIELDS if field in data},
        )

    def perform_update(self, serializer):
        recommendation, data = serializer.instance, serializer.validated_data
        return update_recommendation(
            recommendation,
            by=self.request.user,
            reason=serializer._change_reason,
            **{field: data.get(field, getattr(recommendation, field)) for field in EDITABLE_FIELDS},
        )

    def perform_destroy(self, instance):
        chantier = instance.chantier
        super().perform_destroy(instance)
        recompute_priorities(chantier, by=self.request.user)

    @extend_schema(
        request=ScoreSerializer,
        responses={201: AssessmentSerializer},
    )
    @action(detail=True, methods=["post"], serializer_class=ScoreSerializer)
    def score(self, request, *args, **kwargs):
        """Score the recommendation on one criterion of the open round (your own score:
        sending it again replaces it); the chantier's priorities are recomputed."""
        recommendation = self.get_object()
        self.require(can_score(request.user, recommendation.chantier_id), SCORE_DENIED)
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        criterion = body.validated_data["criterion"]
        current = open_round_of(recommendation.chantier)
        if current is None or criterion.round_id != current.pk:
            raise ValidationError(
                {"criterion": _("Ce critère n'appartient pas à la ronde ouverte de ce chantier.")}
            )
        assessment = score_recommendation(
            recommendation,
            criterion=criterion,
            by=request.user,
            score=body.validated_data["score"],
            rationale=body.validated_data.get("rationale", ""),
        )
        return Response(
            AssessmentSerializer(assessment).data,
            status=201,
            headers={
                "ETag": etag_for(assessment),
                "Location": location_of("assessments", assessment),
            },
        )

    @extend_schema(
        request=OverrideTierSerializer,
        responses={200: RecommendationSerializer},
        parameters=[IF_MATCH_OPTIONAL],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="override-tier",
        serializer_class=OverrideTierSerializer,
    )
    def override_tier(self, request, *args, **kwargs):
        """Impose a tier other than the computed one (justification required); an empty
        tier goes back to the computed tier."""
        recommendation = self.get_object()
        self.require(can_edit(request.user, recommendation.chantier_id))
        self.check_if_match(recommendation, required=False)
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        override_tier(
            recommendation,
            by=request.user,
            tier=body.validated_data["tier"],
            justification=body.validated_data.get("justification", ""),
        )
        return self.object_response(recommendation)

    @extend_schema(
        request=DispositionSerializer,
        responses={200: RecommendationSerializer},
        parameters=[IF_MATCH_OPTIONAL],
    )
    @action(detail=True, methods=["post"], serializer_class=DispositionSerializer)
    def disposition(self, request, *args, **kwargs):
        """Give the recommendation a disposition: retained (optionally with a tier),
        postponed, not retained (justification), merged `into` another recommendation of
        the chantier, transferred `to` another chantier, in implementation, implemented,
        closed without implementation (justification)."""
        recommendation = self.get_object()
        self.require(can_edit(request.user, recommendation.chantier_id))
        self.check_if_match(recommendation, required=False)
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        set_disposition(
            recommendation,
            by=request.user,
            disposition=data["disposition"],
            justification=data.get("justification", ""),
            tier=data.get("tier", ""),
            into=data.get("into"),
            to=data.get("to"),
        )
        return self.object_response(recommendation)


class RoundViewSet(ScopedModelViewSet):
    serializer_class = RoundSerializer
    filterset_class = filterset(PrioritisationRound, choices=["status"])
    search_fields = ["name"]
    ordering_fields = ["opened_on", "name"]

    def base_queryset(self):
        return PrioritisationRound.objects.select_related("chantier").order_by(
            "chantier", "-opened_on", "-pk"
        )

    def get_serializer_class(self):
        if self.action == "create":
            return RoundOpenSerializer
        return super().get_serializer_class()

    @extend_schema(request=RoundOpenSerializer, responses={201: RoundSerializer})
    def create(self, request, *args, **kwargs):
        """Open a round: it starts from a copy of the previous round's criteria, weights
        and thresholds. One open round per chantier."""
        return super().create(request, *args, **kwargs)

    def chantier_id_for_new(self, serializer):
        return serializer.validated_data["chantier"].pk

    def perform_create(self, serializer):
        data = serializer.validated_data
        return open_round(
            data["chantier"],
            by=self.request.user,
            name=data["name"],
            opened_on=data.get("opened_on"),
        )

    def perform_update(self, serializer):
        ensure_round_open(serializer.instance)
        before = (serializer.instance.p1_threshold, serializer.instance.p2_threshold)
        prioritisation_round = serializer.save()
        if (prioritisation_round.p1_threshold, prioritisation_round.p2_threshold) != before:
            recompute_priorities(prioritisation_round.chantier, by=self.request.user)
        return prioritisation_round

    def perform_destroy(self, instance):
        ensure_round_open(instance)
        chantier = instance.chantier
        super().perform_destroy(instance)
        recompute_priorities(chantier, by=self.request.user)

    @extend_schema(
        request=RoundFreezeSerializer,
        responses={200: RoundSerializer},
        parameters=[IF_MATCH_OPTIONAL],
    )
    @action(detail=True, methods=["post"], serializer_class=RoundFreezeSerializer)
    def freeze(self, request, *args, **kwargs):
        """Freeze the round (its scores, weights and thresholds never change again),
        optionally naming the committee meeting that validated it."""
        prioritisation_round = self.get_object()
        self.require(can_edit(request.user, prioritisation_round.chantier_id))
        self.check_if_match(prioritisation_round, required=False)
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        freeze_round(
            prioritisation_round, by=request.user, meeting=body.validated_data.get("meeting")
        )
        return self.object_response(prioritisation_round)


class CriterionViewSet(ScopedModelViewSet):
    serializer_class = CriterionSerializer
    filterset_class = filterset(Criterion, path="round__chantier", ids=["round"])
    search_fields = ["code", "name"]
    ordering_fields = ["order", "code", "weight"]

    def base_queryset(self):
        return Criterion.objects.select_related("round").order_by("round", "order", "pk")

    def perform_create(self, serializer):
        criterion = serializer.save()
        recompute_priorities(criterion.round.chantier, by=self.request.user)
        return criterion

    def perform_update(self, serializer):
        before = (serializer.instance.weight, serializer.instance.direction)
        criterion = serializer.save()
        if (criterion.weight, criterion.direction) != before:
            recompute_priorities(criterion.round.chantier, by=self.request.user)
        return criterion

    def perform_destroy(self, instance):
        chantier = instance.round.chantier
        super().perform_destroy(instance)
        recompute_priorities(chantier, by=self.request.user)


class AssessmentViewSet(ScopedModelViewSet):
    """Scores. Each assessor creates and changes only their own; the lead may also
    delete one. Creating is the same as POST /recommendations/{id}/score/."""

    serializer_class = AssessmentSerializer
    denied_message = SCORE_DENIED
    filterset_class = filterset(
        Assessment,
        path="recommendation__chantier",
        ids=["recommendation", "criterion", "assessor"],
    )
    filterset_class.base_filters["round"] = IdFilter(field_name="criterion__round")
    search_fields = ["rationale"]
    ordering_fields = ["score", "recommendation__code"]

    def base_queryset(self):
        return Assessment.objects.select_related(
            "assessor", "recommendation", "criterion__round"
        ).order_by("recommendation", "criterion", "pk")

    def can_create_somewhere(self, user):
        return is_admin(user) or any(
            role in (Membership.Role.LEAD, Membership.Role.COMMITTEE)
            for role in roles_by_chantier(user).values()
        )

    def can_create(self, user, chantier_id):
        return can_score(user, chantier_id)

    def can_update(self, user, instance):
        return instance.assessor_id == user.pk and can_score(user, chantier_id_of(instance))

    def can_destroy(self, user, instance):
        return self.can_update(user, instance) or can_edit(user, chantier_id_of(instance))

    def perform_create(self, serializer):
        data = serializer.validated_data
        return score_recommendation(
            data["recommendation"],
            criterion=data["criterion"],
            by=self.request.user,
            score=data["score"],
            rationale=data.get("rationale", ""),
        )

    def perform_update(self, serializer):
        # A plain versioned save (the round guard runs in the model), then the same
        # recomputation score_recommendation does.
        assessment = serializer.save()
        recompute_priorities(assessment.recommendation.chantier, by=self.request.user)
        return assessment

    def perform_destroy(self, instance):
        chantier = instance.recommendation.chantier
        super().perform_destroy(instance)
        recompute_priorities(chantier, by=self.request.user)
