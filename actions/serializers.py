from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actions.models import (
    Action,
    ActionPartner,
    ActionPlan,
    ActionRecommendation,
    ActionStatus,
    Indicator,
    Measurement,
    Milestone,
    ProgressUpdate,
)
from api.serializers import (
    InputSerializer,
    ModelSerializer,
    OptionalURLField,
    ReadModelSerializer,
    UserBriefSerializer,
)
from chantiers.models import CommitteeMeeting
from chantiers.serializers import ChantierCodeField

APPROVE_HINT = _("Un plan s'approuve par POST /api/v1/plans/{id}/approve/.")


class PlanSerializer(ModelSerializer):
    chantier = ChantierCodeField()
    create_only = ("chantier",)
    read_only_hints = {"status": APPROVE_HINT, "approved_by_meeting": APPROVE_HINT}

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "chantier",
            "title",
            "plan_version",
            "period_start",
            "period_end",
            "status",
            "approved_by_meeting",
            "version",
            "change_reason",
        ]
        read_only_fields = ["status", "approved_by_meeting"]


class ApproveSerializer(InputSerializer):
    meeting = serializers.PrimaryKeyRelatedField(
        queryset=CommitteeMeeting.objects.all(),
        help_text=_("La réunion du comité qui a approuvé le plan."),
    )


class ProgressUpdateSerializer(ReadModelSerializer):
    author = UserBriefSerializer(read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "action",
            "author",
            "created_at",
            "percent_complete",
            "status",
            "comment",
            "blockers",
            "evidence_url",
            "nothing_new",
        ]
        read_only_fields = fields


class LinkedRecommendationSerializer(serializers.Serializer):
    """A recommendation the action implements, and how it contributes."""

    id = serializers.IntegerField(source="recommendation.id")
    code = serializers.CharField(source="recommendation.code")
    title = serializers.CharField(source="recommendation.title")
    contribution = serializers.CharField()


PROGRESS_HINT = _(
    "L'avancement et le statut se déclarent par POST /api/v1/actions/{id}/progress/ "
    "(journal des mises à jour)."
)


class ActionSerializer(ModelSerializer):
    chantier = serializers.SlugRelatedField(slug_field="code", read_only=True)
    owner_detail = UserBriefSerializer(source="owner", read_only=True, allow_null=True)
    recommendations = LinkedRecommendationSerializer(
        source="recommendation_links", many=True, read_only=True
    )
    latest_update = serializers.SerializerMethodField()
    late = serializers.BooleanField(read_only=True)
    stale = serializers.BooleanField(read_only=True)
    read_only_hints = {
        "percent_complete": PROGRESS_HINT,
        "status": PROGRESS_HINT,
        "completed_on": PROGRESS_HINT,
        "last_update_at": PROGRESS_HINT,
        "recommendations": _(
            "Les liens vers les recommandations se gèrent par /api/v1/action-recommendations/."
        ),
    }

    class Meta:
        model = Action
        fields = [
            "id",
            "plan",
            "chantier",
            "code",
            "title",
            "description",
            "axis",
            "lead_organisation",
            "owner",
            "owner_detail",
            "start_date",
            "due_date",
            "completed_on",
            "status",
            "percent_complete",
            "budget_planned",
            "budget_spent",
            "last_update_at",
            "created_at",
            "late",
            "stale",
            "recommendations",
            "latest_update",
            "version",
            "change_reason",
        ]
        read_only_fields = ["completed_on", "status", "percent_complete"]

    @extend_schema_field(ProgressUpdateSerializer(allow_null=True))
    def get_latest_update(self, action):
        # Loaded for the whole page by actions.queries.latest_update_prefetch: no query.
        latest = getattr(action, "latest_updates", None)
        return ProgressUpdateSerializer(latest[0]).data if latest else None

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "plan" in attrs:
            # An action belongs to its plan's chantier (denormalised for scoping).
            attrs["chantier"] = attrs["plan"].chantier
        return attrs


class ProgressInputSerializer(InputSerializer):
    percent = serializers.IntegerField(min_value=0, max_value=100)
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=50_000)
    blockers = serializers.CharField(required=False, allow_blank=True, max_length=50_000)
    evidence_url = OptionalURLField(required=False, allow_blank=True, max_length=200)


class ProgressCreateSerializer(ProgressInputSerializer):
    action = serializers.PrimaryKeyRelatedField(queryset=Action.objects.all())


class NothingNewSerializer(InputSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=50_000)


class ActionRecommendationSerializer(ModelSerializer):
    create_only = ("action", "recommendation")

    class Meta:
        model = ActionRecommendation
        fields = ["id", "action", "recommendation", "contribution", "change_reason"]


class PartnerSerializer(ModelSerializer):
    create_only = ("action",)

    class Meta:
        model = ActionPartner
        fields = [
            "id",
            "action",
            "organisation",
            "role",
            "stage",
            "contribution_kind",
            "contribution_amount",
            "contribution_description",
            "contact",
            "version",
            "change_reason",
        ]


class MilestoneSerializer(ModelSerializer):
    create_only = ("action",)
    read_only_hints = {
        "reached_on": _("Un jalon se marque atteint par POST /api/v1/milestones/{id}/reach/."),
    }

    class Meta:
        model = Milestone
        fields = ["id", "action", "title", "due_date", "reached_on", "version", "change_reason"]
        read_only_fields = ["reached_on"]


class ReachSerializer(InputSerializer):
    on = serializers.DateField(
        required=False, help_text=_("Date où le jalon a été atteint (aujourd'hui par défaut).")
    )


class IndicatorSerializer(ModelSerializer):
    chantier = ChantierCodeField()
    create_only = ("chantier", "action")

    class Meta:
        model = Indicator
        fields = [
            "id",
            "chantier",
            "action",
            "name",
            "unit",
            "baseline",
            "target",
            "target_date",
            "version",
            "change_reason",
        ]


class MeasurementSerializer(ModelSerializer):
    recorded_by = UserBriefSerializer(read_only=True)
    create_only = ("indicator", "date")

    class Meta:
        model = Measurement
        fields = ["id", "indicator", "date", "value", "comment", "recorded_by", "change_reason"]
