from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from chantiers.models import (
    Chantier,
    CommitteeMeeting,
    Decision,
    DecisionAction,
    DecisionRecommendation,
    Membership,
    Organisation,
)
from chantiers.services import close_meeting


class HistoryAdmin(SimpleHistoryAdmin):
    """Base for every admin page: history view, and domain errors shown as messages."""

    def save_model(self, request, obj, form, change):
        try:
            super().save_model(request, obj, form, change)
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), level="error")
            raise


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    list_display = ["name", "acronym", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Chantier)
class ChantierAdmin(HistoryAdmin):
    list_display = ["name", "code", "status", "lead_organisation", "start_date"]
    list_filter = ["status"]
    list_select_related = ["lead_organisation"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ["user", "chantier", "role", "organisation"]
    list_filter = ["role", "chantier"]
    list_select_related = ["user", "chantier", "organisation"]
    search_fields = ["user__username", "user__last_name", "chantier__name"]
    autocomplete_fields = ["user"]


class DecisionInline(admin.StackedInline):
    model = Decision
    extra = 0
    fields = ["kind", "text", "follow_up_owner", "due_date", "status", "follow_up"]


@admin.register(CommitteeMeeting)
class CommitteeMeetingAdmin(HistoryAdmin):
    list_display = ["title", "chantier", "date", "closed_at"]
    list_filter = ["chantier"]
    list_select_related = ["chantier"]
    search_fields = ["title", "minutes"]
    date_hierarchy = "date"
    readonly_fields = ["closed_at"]
    inlines = [DecisionInline]
    actions = ["close_selected"]

    @admin.action(description="Fermer les réunions choisies (instantané des chiffres)")
    def close_selected(self, request, queryset):
        for meeting in queryset:
            try:
                close_meeting(meeting, by=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{meeting}: {'; '.join(exc.messages)}", level="error")


@admin.register(Decision)
class DecisionAdmin(HistoryAdmin):
    list_display = ["__str__", "meeting", "kind", "status", "follow_up_owner"]
    list_filter = ["kind", "status", "meeting__chantier"]
    list_select_related = ["meeting", "follow_up_owner"]
    search_fields = ["text"]


@admin.register(DecisionRecommendation)
class DecisionRecommendationAdmin(HistoryAdmin):
    list_display = ["decision", "recommendation"]
    list_select_related = ["decision", "recommendation"]
    raw_id_fields = ["decision", "recommendation"]


@admin.register(DecisionAction)
class DecisionActionAdmin(HistoryAdmin):
    list_display = ["decision", "action"]
    list_select_related = ["decision", "action"]
    raw_id_fields = ["decision", "action"]
