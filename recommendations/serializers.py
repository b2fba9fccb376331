from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers import (
    InputSerializer,
    ModelSerializer,
    ReadModelSerializer,
    UserBriefSerializer,
)
from chantiers.models import Chantier, CommitteeMeeting
from chantiers.serializers import ChantierCodeField
from recommendations.models import (
    Assessment,
    Criterion,
    PrioritisationRound,
    Recommendation,
    StrategicAxis,
    Study,
    Tier,
)


class AxisSerializer(ModelSerializer):
    chantier = ChantierCodeField()
    create_only = ("chantier",)

    class Meta:
        model = StrategicAxis
        fields = ["id", "chantier", "code", "name", "description", "order", "change_reason"]


class StudySerializer(ModelSerializer):
    class Meta:
        model = Study
        fields = [
            "id",
            "title",
            "authors",
            "organisation",
            "year",
            "reference",
            "url",
            "change_reason",
        ]


class AxisBriefSerializer(ReadModelSerializer):
    class Meta:
        model = StrategicAxis
        fields = ["id", "code", "name"]
        read_only_fields = fields


class StudyBriefSerializer(ReadModelSerializer):
    class Meta:
        model = Study
        fields = ["id", "title", "year"]
        read_only_fields = fields


def _tier_field():
    return serializers.ChoiceField(choices=Tier.choices, allow_blank=True, read_only=True)


class PrioritySerializer(ReadModelSerializer):
    """Computed from the current round by recommendations.services.recompute_priorities."""

    computed_tier = _tier_field()
    tier_override = _tier_field()
    tier = _tier_field()

    class Meta:
        model = Recommendation
        fields = [
            "score",
            "rank",
            "computed_tier",
            "tier_override",
            "tier_override_justification",
            "tier",
        ]
        read_only_fields = fields


DISPOSITION_HINT = _("La décision se change par POST /api/v1/recommendations/{id}/disposition/.")


class RecommendationSerializer(ModelSerializer):
    chantier = ChantierCodeField()
    axis_detail = AxisBriefSerializer(source="axis", read_only=True, allow_null=True)
    study_detail = StudyBriefSerializer(source="study", read_only=True, allow_null=True)
    priority = PrioritySerializer(source="*", read_only=True)
    transferred_to = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    create_only = ("chantier",)
    read_only_hints = {
        "disposition": DISPOSITION_HINT,
        "disposition_justification": DISPOSITION_HINT,
        "disposition_date": DISPOSITION_HINT,
        "merged_into": DISPOSITION_HINT,
        "transferred_to": DISPOSITION_HINT,
        "priority": _(
            "La priorité est calculée à partir des notes ; un niveau s'impose par "
            "POST /api/v1/recommendations/{id}/override-tier/."
        ),
    }

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "chantier",
            "code",
            "title",
            "text",
            "source_location",
            "axis",
            "axis_detail",
            "study",
            "study_detail",
            "disposition",
            "disposition_justification",
            "disposition_date",
            "merged_into",
            "transferred_to",
            "transferred_from",
            "priority",
            "version",
            "change_reason",
        ]
        read_only_fields = [
            "disposition",
            "disposition_justification",
            "disposition_date",
            "merged_into",
            "transferred_from",
        ]


class RoundSerializer(ModelSerializer):
    chantier = serializers.SlugRelatedField(slug_field="code", read_only=True)
    read_only_hints = {
        "status": _("Une ronde se fige par POST /api/v1/rounds/{id}/freeze/."),
        "frozen_at": _("Une ronde se fige par POST /api/v1/rounds/{id}/freeze/."),
        "validated_by_meeting": _("Une ronde se fige par POST /api/v1/rounds/{id}/freeze/."),
    }

    class Meta:
        model = PrioritisationRound
        fields = [
            "id",
            "chantier",
            "name",
            "status",
            "previous",
            "opened_on",
            "frozen_at",
            "validated_by_meeting",
            "p1_threshold",
            "p2_threshold",
            "spread_threshold",
            "version",
            "change_reason",
        ]
        read_only_fields = ["status", "previous", "validated_by_meeting", "opened_on"]


class RoundOpenSerializer(InputSerializer):
    """Opening a round copies the previous round's criteria, weights and thresholds."""

    chantier = ChantierCodeField()
    name = serializers.CharField(max_length=200)
    opened_on = serializers.DateField(required=False)


class RoundFreezeSerializer(InputSerializer):
    meeting = serializers.PrimaryKeyRelatedField(
        queryset=CommitteeMeeting.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("La réunion du comité qui valide la ronde."),
    )


class CriterionSerializer(ModelSerializer):
    create_only = ("round",)

    class Meta:
        model = Criterion
        fields = [
            "id",
            "round",
            "code",
            "name",
            "rubric",
            "weight",
            "direction",
            "order",
            "version",
            "change_reason",
        ]


class AssessmentSerializer(ModelSerializer):
    assessor = UserBriefSerializer(read_only=True)
    create_only = ("criterion", "recommendation")
    read_only_hints = {"assessor": _("L'évaluateur est la personne qui envoie la note.")}

    class Meta:
        model = Assessment
        fields = [
            "id",
            "criterion",
            "recommendation",
            "assessor",
            "score",
            "rationale",
            "version",
            "change_reason",
        ]


class ScoreSerializer(InputSerializer):
    criterion = serializers.PrimaryKeyRelatedField(queryset=Criterion.objects.all())
    score = serializers.IntegerField(min_value=1, max_value=5)
    rationale = serializers.CharField(required=False, allow_blank=True, max_length=50_000)


class OverrideTierSerializer(InputSerializer):
    tier = serializers.ChoiceField(
        choices=[("", _("Retour au niveau calculé")), *Tier.choices], allow_blank=True
    )
    justification = serializers.CharField(required=False, allow_blank=True, max_length=50_000)


class DispositionSerializer(InputSerializer):
    unscoped = ("to",)
    disposition = serializers.ChoiceField(choices=Recommendation.Disposition.choices)
    justification = serializers.CharField(required=False, allow_blank=True, max_length=50_000)
    tier = serializers.ChoiceField(
        choices=[("", "—"), *Tier.choices], required=False, allow_blank=True
    )
    into = serializers.PrimaryKeyRelatedField(
        queryset=Recommendation.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Fusion : la recommandation qui absorbe celle-ci."),
    )
    to = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Chantier.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Transfert : le code du chantier qui reprend la recommandation."),
    )
