"""API endpoints of the chantiers app: organisations, chantiers, memberships,
committee meetings and decisions."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from api.exceptions import Conflict
from api.filters import IdFilter, filterset
from api.viewsets import IF_MATCH_OPTIONAL, ScopedModelViewSet
from chantiers.models import Chantier, CommitteeMeeting, Decision, Membership, Organisation
from chantiers.permissions import can_edit, is_admin
from chantiers.serializers import (
    ChantierSerializer,
    DecisionSerializer,
    MeetingSerializer,
    MembershipSerializer,
    OrganisationSerializer,
)
from chantiers.services import (
    close_meeting,
    create_meeting,
    follow_up_decision,
    record_decision,
    update_decision,
    update_meeting,
)

ADMIN_ONLY = _("Seuls les administrateurs gèrent les organisations, les chantiers et les rôles.")


class AdminWritesMixin:
    denied_message = ADMIN_ONLY

    def can_create_somewhere(self, user):
        return is_admin(user)

    def can_create(self, user, chantier_id):
        return is_admin(user)

    def can_update(self, user, instance):
        return is_admin(user)


class OrganisationViewSet(AdminWritesMixin, ScopedModelViewSet):
    """Organisations (shared by every chantier): readable by everyone, kept by admins."""

    serializer_class = OrganisationSerializer
    filterset_class = filterset(Organisation, path=None, choices=["kind"])
    search_fields = ["name", "acronym"]
    ordering_fields = ["name", "acronym", "kind"]

    def base_queryset(self):
        return Organisation.objects.all()


class ChantierViewSet(AdminWritesMixin, ScopedModelViewSet):
    serializer_class = ChantierSerializer
    lookup_field = "code"
    filterset_class = filterset(Chantier, path=None, choices=["status"])
    search_fields = ["code", "name"]
    ordering_fields = ["name", "code", "start_date", "status"]

    def base_queryset(self):
        return Chantier.objects.all()


class MembershipViewSet(AdminWritesMixin, ScopedModelViewSet):
    serializer_class = MembershipSerializer
    filterset_class = filterset(Membership, ids=["user"], choices=["role"])
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    ordering_fields = ["role", "user__username"]

    def base_queryset(self):
        return Membership.objects.select_related("user", "chantier").order_by("chantier", "role")


class MeetingViewSet(ScopedModelViewSet):
    serializer_class = MeetingSerializer
    filterset_class = filterset(CommitteeMeeting, dates=["date"])
    search_fields = ["title", "minutes"]
    ordering_fields = ["date", "title"]

    def base_queryset(self):
        return CommitteeMeeting.objects.select_related("chantier").order_by("-date", "-pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        return create_meeting(
            data["chantier"],
            by=self.request.user,
            date=data["date"],
            title=data["title"],
            minutes=data.get("minutes", ""),
        )

    def perform_update(self, serializer):
        meeting, data = serializer.instance, serializer.validated_data
        return update_meeting(
            meeting,
            by=self.request.user,
            date=data.get("date", meeting.date),
            title=data.get("title", meeting.title),
            minutes=data.get("minutes", meeting.minutes),
            reason=serializer._change_reason,
        )

    def perform_destroy(self, instance):
        if instance.is_closed:
            raise Conflict(_("Une réunion fermée ne se supprime pas : son instantané fait foi."))
        super().perform_destroy(instance)

    @extend_schema(request=None, responses={200: MeetingSerializer}, parameters=[IF_MATCH_OPTIONAL])
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        """Close the meeting and freeze a snapshot of the chantier's key figures."""
        meeting = self.get_object()
        self.require(can_edit(request.user, meeting.chantier_id))
        self.check_if_match(meeting, required=False)
        close_meeting(meeting, by=request.user)
        return self.object_response(meeting)


class DecisionViewSet(ScopedModelViewSet):
    serializer_class = DecisionSerializer
    filterset_class = filterset(
        Decision, path="meeting__chantier", ids=["meeting"], choices=["kind", "status"]
    )
    filterset_class.base_filters["follow_up_owner"] = IdFilter(field_name="follow_up_owner")
    search_fields = ["text", "follow_up"]
    ordering_fields = ["due_date", "status", "meeting__date"]

    def base_queryset(self):
        return (
            Decision.objects.select_related("meeting")
            .prefetch_related("recommendations", "actions")
            .order_by("meeting__date", "pk")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        decision = record_decision(
            data["meeting"],
            by=self.request.user,
            kind=data["kind"],
            text=data["text"],
            recommendations=data.get("recommendations", ()),
            actions=data.get("actions", ()),
            follow_up_owner=data.get("follow_up_owner"),
            due_date=data.get("due_date"),
        )
        if data.get("status", decision.status) != decision.status or data.get("follow_up"):
            follow_up_decision(
                decision,
                by=self.request.user,
                status=data.get("status", decision.status),
                follow_up=data.get("follow_up", ""),
            )
        return decision

    def perform_update(self, serializer):
        """The decision itself changes only while its meeting is open (update_decision);
        its follow-up (status, follow_up) is recorded at any time (follow_up_decision)."""
        decision, data = serializer.instance, serializer.validated_data
        if set(data) & DECISION_FIELDS:
            update_decision(
                decision,
                by=self.request.user,
                kind=data.get("kind", decision.kind),
                text=data.get("text", decision.text),
                recommendations=data.get("recommendations", decision.recommendations.all()),
                actions=data.get("actions", decision.actions.all()),
                follow_up_owner=data.get("follow_up_owner", decision.follow_up_owner),
                due_date=data.get("due_date", decision.due_date),
                reason=serializer._change_reason,
            )
        if set(data) & {"status", "follow_up"}:
            follow_up_decision(
                decision,
                by=self.request.user,
                status=data.get("status", decision.status),
                follow_up=data.get("follow_up", decision.follow_up),
            )
        return decision


DECISION_FIELDS = {"kind", "text", "recommendations", "actions", "follow_up_owner", "due_date"}
