"""API endpoints of the actions app: plans, actions (with progress and "nothing new"),
action–recommendation links, partners, milestones, the progress log, indicators and
their measurements."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action as endpoint
from rest_framework.response import Response

from actions.filters import ActionFilter
from actions.models import (
    ActionPartner,
    ActionPlan,
    ActionRecommendation,
    Indicator,
    Measurement,
    Milestone,
    ProgressUpdate,
)
from actions.queries import actions_for_chantiers
from actions.serializers import (
    ActionRecommendationSerializer,
    ActionSerializer,
    ApproveSerializer,
    IndicatorSerializer,
    MeasurementSerializer,
    MilestoneSerializer,
    NothingNewSerializer,
    PartnerSerializer,
    PlanSerializer,
    ProgressCreateSerializer,
    ProgressInputSerializer,
    ProgressUpdateSerializer,
    ReachSerializer,
)
from actions.services import (
    ACTION_FIELDS,
    INDICATOR_FIELDS,
    MILESTONE_FIELDS,
    PARTNER_FIELDS,
    PLAN_FIELDS,
    add_indicator,
    add_milestone,
    add_partner,
    approve_plan,
    create_action,
    create_plan,
    link_recommendation,
    log_progress,
    reach_milestone,
    record_measurement,
    record_nothing_new,
    remove_milestone,
    remove_partner,
    unlink_recommendation,
    update_action,
    update_indicator,
    update_milestone,
    update_partner,
    update_plan,
)
from api.concurrency import etag_for
from api.filters import BooleanFilter, ChantierCodeFilter, IdFilter, filterset
from api.scope import chantier_id_of, scoped
from api.viewsets import IF_MATCH_OPTIONAL, ScopedModelViewSet, location_of
from chantiers.models import Membership
from chantiers.permissions import can_edit, can_log_progress, is_admin, roles_by_chantier
from chantiers.queries import chantiers_for_user
from recommendations.models import StrategicAxis

ACTION_DENIED = _(
    "Seuls le responsable du chantier et les administrateurs modifient une action ; "
    "le ou la responsable de l'action déclare son avancement par "
    "POST /api/v1/actions/{id}/progress/."
)
PROGRESS_DENIED = _(
    "Seuls le responsable du chantier, les administrateurs et la personne responsable "
    "de l'action déclarent son avancement."
)


def logs_progress_somewhere(user) -> bool:
    return is_admin(user) or any(
        role in (Membership.Role.LEAD, Membership.Role.STAFF)
        for role in roles_by_chantier(user).values()
    )


def _picked(data, fields) -> dict:
    return {name: data[name] for name in fields if name in data}


class PlanViewSet(ScopedModelViewSet):
    serializer_class = PlanSerializer
    filterset_class = filterset(ActionPlan, choices=["status"])
    search_fields = ["title"]
    ordering_fields = ["period_start", "title", "status"]

    def base_queryset(self):
        return ActionPlan.objects.select_related("chantier").order_by(
            "chantier", "-period_start", "title"
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        return create_plan(data["chantier"], by=self.request.user, **_picked(data, PLAN_FIELDS))

    def perform_update(self, serializer):
        plan = serializer.instance
        return update_plan(
            plan,
            by=self.request.user,
            version=plan.version,
            changes=_picked(serializer.validated_data, PLAN_FIELDS),
            reason=serializer._change_reason,
        )

    @extend_schema(
        request=ApproveSerializer, responses={200: PlanSerializer}, parameters=[IF_MATCH_OPTIONAL]
    )
    @endpoint(detail=True, methods=["post"], serializer_class=ApproveSerializer)
    def approve(self, request, *args, **kwargs):
        """The committee approved the plan at `meeting`."""
        plan = self.get_object()
        self.require(can_edit(request.user, plan.chantier_id))
        self.check_if_match(plan, required=False)
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        approve_plan(
            plan, by=request.user, version=plan.version, meeting=body.validated_data["meeting"]
        )
        return self.object_response(plan)


class ActionAPIFilter(ActionFilter):
    chantier = ChantierCodeFilter()
    plan = IdFilter(field_name="plan")
    late = BooleanFilter(label=ActionFilter.base_filters["late"].label)
    stale = BooleanFilter(label=ActionFilter.base_filters["stale"].label)
    # Plain ids, so that another chantier's id is not confirmed to exist (and the
    # schema says "integer").
    partner = IdFilter(method="filter_partner", label=ActionFilter.base_filters["partner"].label)
    recommendation = IdFilter(
        method="filter_recommendation", label=ActionFilter.base_filters["recommendation"].label
    )

    class Meta(ActionFilter.Meta):
        fields = [*ActionFilter.Meta.fields, "chantier", "plan"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user
        self.filters["owner"].queryset = scoped(self.filters["owner"].queryset.model.objects, user)
        self.filters["axis"].queryset = scoped(StrategicAxis.objects.all(), user)


class ActionViewSet(ScopedModelViewSet):
    serializer_class = ActionSerializer
    filterset_class = ActionAPIFilter
    denied_message = ACTION_DENIED
    search_fields = ["code", "title", "description"]
    ordering_fields = [
        "code",
        "title",
        "due_date",
        "start_date",
        "status",
        "percent_complete",
        "last_update_at",
        "budget_planned",
    ]

    def base_queryset(self):
        return actions_for_chantiers(chantiers_for_user(self.request.user)).order_by(
            "chantier", "code"
        )

    def perform_create(self, serializer):
        data = dict(_picked(serializer.validated_data, ACTION_FIELDS))
        plan, code, title = data.pop("plan"), data.pop("code"), data.pop("title")
        return create_action(plan, by=self.request.user, code=code, title=title, **data)

    def perform_update(self, serializer):
        action = serializer.instance
        return update_action(
            action,
            by=self.request.user,
            version=action.version,
            changes=_picked(serializer.validated_data, ACTION_FIELDS),
            reason=serializer._change_reason,
        )

    @extend_schema(
        request=ProgressInputSerializer,
        responses={201: ProgressUpdateSerializer},
        parameters=[IF_MATCH_OPTIONAL],
    )
    @endpoint(detail=True, methods=["post"], serializer_class=ProgressInputSerializer)
    def progress(self, request, *args, **kwargs):
        """Log progress: percent, status, comment, blockers, evidence. A drop in percent
        or a worse status needs a comment. The action follows its latest update."""
        action = self.get_object()
        self.require(can_log_progress(request.user, action), PROGRESS_DENIED)
        self.check_if_match(action, required=False)
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        update = log_progress(action, by=request.user, **body.validated_data)
        return progress_response(update)

    @extend_schema(
        request=NothingNewSerializer,
        responses={201: ProgressUpdateSerializer},
        parameters=[IF_MATCH_OPTIONAL],
    )
    @endpoint(
        detail=True, methods=["post"], url_path="nothing-new", serializer_class=NothingNewSerializer
    )
    def nothing_new(self, request, *args, **kwargs):
        """ "Nothing new": counts as fresh news, changes nothing else."""
        action = self.get_object()
        self.require(can_log_progress(request.user, action), PROGRESS_DENIED)
        self.check_if_match(action, required=False)
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        update = record_nothing_new(
            action, by=request.user, comment=body.validated_data.get("comment", "")
        )
        return progress_response(update)


def progress_response(update: ProgressUpdate) -> Response:
    return Response(
        ProgressUpdateSerializer(update).data,
        status=201,
        headers={"ETag": etag_for(update), "Location": location_of("progress-updates", update)},
    )


class ProgressUpdateViewSet(ScopedModelViewSet):
    """The progress log is append-only: read it, add to it; never change it."""

    serializer_class = ProgressUpdateSerializer
    http_method_names = ["get", "post", "head", "options"]
    denied_message = PROGRESS_DENIED
    filterset_class = filterset(ProgressUpdate, path="action__chantier", ids=["action", "author"])
    filterset_class.base_filters["nothing_new"] = filterset(
        ProgressUpdate, path=None, booleans=["nothing_new"]
    ).base_filters["nothing_new"]
    search_fields = ["comment", "blockers"]
    ordering_fields = ["created_at", "percent_complete"]

    def base_queryset(self):
        return ProgressUpdate.objects.select_related("author", "action").order_by(
            "-created_at", "-pk"
        )

    def get_serializer_class(self):
        if self.action == "create":
            return ProgressCreateSerializer
        return super().get_serializer_class()

    @extend_schema(request=ProgressCreateSerializer, responses={201: ProgressUpdateSerializer})
    def create(self, request, *args, **kwargs):
        """Same as POST /api/v1/actions/{id}/progress/, with the action in the body."""
        self.require(logs_progress_somewhere(request.user), self.denied_message)
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        action = data.pop("action")
        self.require(can_log_progress(request.user, action), self.denied_message)
        return progress_response(log_progress(action, by=request.user, **data))


class ActionRecommendationViewSet(ScopedModelViewSet):
    serializer_class = ActionRecommendationSerializer
    filterset_class = filterset(
        ActionRecommendation, path="action__chantier", ids=["action", "recommendation"]
    )
    search_fields = ["contribution"]
    ordering_fields = ["action__code", "recommendation__code"]

    def base_queryset(self):
        return ActionRecommendation.objects.select_related("action", "recommendation").order_by(
            "action__code", "recommendation__code"
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        return link_recommendation(
            data["action"],
            recommendation=data["recommendation"],
            by=self.request.user,
            contribution=data.get("contribution", ""),
        )

    def perform_update(self, serializer):
        link = serializer.instance
        return link_recommendation(
            link.action,
            recommendation=link.recommendation,
            by=self.request.user,
            contribution=serializer.validated_data.get("contribution", link.contribution),
        )

    def perform_destroy(self, instance):
        unlink_recommendation(instance, by=self.request.user)


class PartnerViewSet(ScopedModelViewSet):
    serializer_class = PartnerSerializer
    filterset_class = filterset(
        ActionPartner,
        path="action__chantier",
        ids=["action", "organisation"],
        choices=["role", "stage", "contribution_kind"],
    )
    search_fields = ["organisation__name", "organisation__acronym", "contact"]
    ordering_fields = ["stage", "role", "organisation__name"]

    def base_queryset(self):
        return ActionPartner.objects.select_related("action", "organisation").order_by(
            "action__code", "organisation__name"
        )

    def perform_create(self, serializer):
        data = dict(_picked(serializer.validated_data, PARTNER_FIELDS))
        organisation, role = data.pop("organisation"), data.pop("role")
        return add_partner(
            serializer.validated_data["action"],
            by=self.request.user,
            organisation=organisation,
            role=role,
            **data,
        )

    def perform_update(self, serializer):
        partner = serializer.instance
        return update_partner(
            partner,
            by=self.request.user,
            version=partner.version,
            changes=_picked(serializer.validated_data, PARTNER_FIELDS),
            reason=serializer._change_reason,
        )

    def perform_destroy(self, instance):
        remove_partner(instance, by=self.request.user)


class MilestoneViewSet(ScopedModelViewSet):
    serializer_class = MilestoneSerializer
    filterset_class = filterset(
        Milestone, path="action__chantier", ids=["action"], dates=["due_date"]
    )
    search_fields = ["title"]
    ordering_fields = ["due_date", "reached_on", "title"]

    def base_queryset(self):
        return Milestone.objects.select_related("action").order_by("action", "due_date", "pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        return add_milestone(
            data["action"], by=self.request.user, title=data["title"], due_date=data["due_date"]
        )

    def perform_update(self, serializer):
        milestone = serializer.instance
        return update_milestone(
            milestone,
            by=self.request.user,
            version=milestone.version,
            changes=_picked(serializer.validated_data, MILESTONE_FIELDS),
            reason=serializer._change_reason,
        )

    def perform_destroy(self, instance):
        remove_milestone(instance, by=self.request.user)

    @extend_schema(
        request=ReachSerializer,
        responses={200: MilestoneSerializer},
        parameters=[IF_MATCH_OPTIONAL],
    )
    @endpoint(detail=True, methods=["post"], serializer_class=ReachSerializer)
    def reach(self, request, *args, **kwargs):
        """Mark the milestone reached (today unless `on` says otherwise; never in the future)."""
        milestone = self.get_object()
        self.require(can_log_progress(request.user, milestone.action), PROGRESS_DENIED)
        self.check_if_match(milestone, required=False)
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        reach_milestone(milestone, by=request.user, on=body.validated_data.get("on"))
        return self.object_response(milestone)


class IndicatorViewSet(ScopedModelViewSet):
    serializer_class = IndicatorSerializer
    filterset_class = filterset(Indicator, ids=["action"])
    search_fields = ["name", "unit"]
    ordering_fields = ["name", "target_date"]

    def base_queryset(self):
        return Indicator.objects.select_related("chantier", "action").order_by("chantier", "name")

    def perform_create(self, serializer):
        data = serializer.validated_data
        if data.get("action") is None:
            return serializer.save()  # a chantier-wide indicator: no service needed
        serializer.check_same_chantier(Indicator(**data))
        return add_indicator(
            data["action"], by=self.request.user, **_picked(data, INDICATOR_FIELDS)
        )

    def perform_update(self, serializer):
        indicator = serializer.instance
        return update_indicator(
            indicator,
            by=self.request.user,
            version=indicator.version,
            changes=_picked(serializer.validated_data, INDICATOR_FIELDS),
            reason=serializer._change_reason,
        )


class MeasurementViewSet(ScopedModelViewSet):
    """Indicator values: recorded by the chantier's lead or, for an indicator attached
    to an action, by that action's owner. One value per indicator and date (sending a
    date again corrects it)."""

    serializer_class = MeasurementSerializer
    denied_message = PROGRESS_DENIED
    filterset_class = filterset(
        Measurement, path="indicator__chantier", ids=["indicator"], dates=["date"]
    )
    search_fields = ["comment"]
    ordering_fields = ["date", "value"]

    def base_queryset(self):
        return Measurement.objects.select_related("indicator__action", "recorded_by").order_by(
            "indicator", "date"
        )

    def _may_record(self, user, indicator) -> bool:
        if indicator.action_id is not None:
            return can_log_progress(user, indicator.action)
        return can_edit(user, indicator.chantier_id)

    def can_create_somewhere(self, user):
        return logs_progress_somewhere(user)

    def create(self, request, *args, **kwargs):
        self.require(self.can_create_somewhere(request.user), self.denied_message)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.require(
            self._may_record(request.user, serializer.validated_data["indicator"]),
            self.denied_message,
        )
        return self.object_response(self.perform_create(serializer), status=201)

    def can_update(self, user, instance):
        return self._may_record(user, instance.indicator)

    def can_destroy(self, user, instance):
        return can_edit(user, chantier_id_of(instance))

    def perform_create(self, serializer):
        data = serializer.validated_data
        return record_measurement(
            data["indicator"],
            by=self.request.user,
            date=data["date"],
            value=data["value"],
            comment=data.get("comment", ""),
        )

    def perform_update(self, serializer):
        measurement = serializer.instance
        data = serializer.validated_data
        return record_measurement(
            measurement.indicator,
            by=self.request.user,
            date=measurement.date,
            value=data.get("value", measurement.value),
            comment=data.get("comment", measurement.comment),
        )
