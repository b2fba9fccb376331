from django.contrib import admin

from actions.models import (
    Action,
    ActionPartner,
    ActionPlan,
    ActionRecommendation,
    Indicator,
    Measurement,
    Milestone,
    ProgressUpdate,
)
from chantiers.admin import HistoryAdmin


@admin.register(ActionPlan)
class ActionPlanAdmin(HistoryAdmin):
    list_display = ["title", "chantier", "plan_version", "status", "period_start", "period_end"]
    list_filter = ["chantier", "status"]
    list_select_related = ["chantier"]
    search_fields = ["title"]


class PartnerInline(admin.TabularInline):
    model = ActionPartner
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class LinkInline(admin.TabularInline):
    model = ActionRecommendation
    extra = 0
    raw_id_fields = ["recommendation"]


@admin.register(Action)
class ActionAdmin(HistoryAdmin):
    list_display = ["code", "title", "chantier", "owner", "status", "percent_complete", "due_date"]
    list_filter = ["chantier", "status", "axis"]
    list_select_related = ["chantier", "owner"]
    search_fields = ["code", "title"]
    raw_id_fields = ["owner"]
    # Percent and status follow the progress log (actions.services.log_progress).
    readonly_fields = ["percent_complete", "status", "last_update_at", "completed_on"]
    inlines = [LinkInline, PartnerInline, MilestoneInline]


@admin.register(ActionRecommendation)
class ActionRecommendationAdmin(HistoryAdmin):
    list_display = ["action", "recommendation", "contribution"]
    list_select_related = ["action", "recommendation"]
    raw_id_fields = ["action", "recommendation"]


@admin.register(ActionPartner)
class ActionPartnerAdmin(HistoryAdmin):
    list_display = ["organisation", "action", "role", "stage"]
    list_filter = ["role", "stage"]
    list_select_related = ["organisation", "action"]
    raw_id_fields = ["action"]


@admin.register(Milestone)
class MilestoneAdmin(HistoryAdmin):
    list_display = ["title", "action", "due_date", "reached_on"]
    list_select_related = ["action"]
    raw_id_fields = ["action"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(HistoryAdmin):
    """The log is append-only: it is read here, written through log_progress."""

    list_display = ["action", "created_at", "author", "percent_complete", "status"]
    list_filter = ["status", "action__chantier"]
    list_select_related = ["action", "author"]
    search_fields = ["action__code", "comment"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Indicator)
class IndicatorAdmin(HistoryAdmin):
    list_display = ["name", "chantier", "action", "unit", "baseline", "target", "target_date"]
    list_select_related = ["chantier", "action"]
    raw_id_fields = ["action"]


@admin.register(Measurement)
class MeasurementAdmin(HistoryAdmin):
    list_display = ["indicator", "date", "value", "recorded_by"]
    list_select_related = ["indicator", "recorded_by"]
    raw_id_fields = ["indicator", "recorded_by"]
