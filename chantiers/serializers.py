from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from actions.models import Action
from api.serializers import ModelSerializer, UserBriefSerializer
from chantiers.models import Chantier, CommitteeMeeting, Decision, Membership, Organisation
from recommendations.models import Recommendation


class ChantierCodeField(serializers.SlugRelatedField):
    """A chantier is named by its code (`aluminerie-avenir`) everywhere in the API."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Chantier.objects.all())
        super().__init__(**kwargs)


class OrganisationSerializer(ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "acronym", "kind", "website", "change_reason"]


class ChantierSerializer(ModelSerializer):
    class Meta:
        model = Chantier
        fields = [
            "id",
            "code",
            "name",
            "mandate",
            "status",
            "start_date",
            "end_date",
            "lead_organisation",
            "reporting_period_days",
            "p1_threshold",
            "p2_threshold",
            "version",
            "change_reason",
        ]


class MembershipSerializer(ModelSerializer):
    chantier = ChantierCodeField()
    user = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all())
    user_detail = UserBriefSerializer(source="user", read_only=True)
    create_only = ("chantier", "user")
    newcomers = ("user",)

    class Meta:
        model = Membership
        fields = ["id", "chantier", "user", "user_detail", "role", "organisation", "change_reason"]


class MeetingSerializer(ModelSerializer):
    chantier = ChantierCodeField()
    create_only = ("chantier",)
    read_only_hints = {
        "closed_at": _("Une réunion se ferme par POST /api/v1/meetings/{id}/close/."),
    }

    class Meta:
        model = CommitteeMeeting
        fields = ["id", "chantier", "date", "title", "minutes", "closed_at", "version"]
        fields += ["change_reason"]


class DecisionSerializer(ModelSerializer):
    recommendations = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Recommendation.objects.all()
    )
    actions = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Action.objects.all()
    )
    create_only = ("meeting",)

    class Meta:
        model = Decision
        fields = [
            "id",
            "meeting",
            "kind",
            "text",
            "follow_up_owner",
            "due_date",
            "status",
            "follow_up",
            "recommendations",
            "actions",
            "version",
            "change_reason",
        ]
