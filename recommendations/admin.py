from django.contrib import admin, messages

from chantiers.admin import HistoryAdmin
from recommendations import services
from recommendations.models import (
    Assessment,
    Criterion,
    PrioritisationRound,
    Recommendation,
    RoundAssessor,
    RoundRecommendation,
    StrategicAxis,
    Study,
)


@admin.register(StrategicAxis)
class StrategicAxisAdmin(HistoryAdmin):
    list_display = ["name", "code", "chantier", "order"]
    list_filter = ["chantier"]
    list_select_related = ["chantier"]
    search_fields = ["name", "code"]


@admin.register(Study)
class StudyAdmin(HistoryAdmin):
    list_display = ["title", "authors", "year", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["title", "authors", "reference"]


@admin.register(Recommendation)
class RecommendationAdmin(HistoryAdmin):
    list_display = ["code", "title", "chantier", "axis", "disposition", "score", "rank", "tier"]
    list_filter = ["chantier", "disposition", "tier", "axis"]
    list_select_related = ["chantier", "axis"]
    search_fields = ["code", "title", "text"]
    raw_id_fields = ["merged_into", "transferred_from"]
    # Dispositions, merges, transfers and priorities go through services (justification,
    # links moved, recomputation), so the admin only shows them.
    readonly_fields = [
        "disposition",
        "disposition_justification",
        "disposition_date",
        "merged_into",
        "transferred_to",
        "transferred_from",
        "score",
        "rank",
        "computed_tier",
        "tier_override",
        "tier_override_justification",
        "tier",
    ]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["order", "code", "name", "weight", "direction", "rubric"]


@admin.register(PrioritisationRound)
class PrioritisationRoundAdmin(HistoryAdmin):
    list_display = ["name", "chantier", "status", "opened_on", "frozen_at"]
    list_filter = ["chantier", "status"]
    list_select_related = ["chantier"]
    readonly_fields = ["status", "frozen_at"]
    inlines = [CriterionInline]
    actions = ["freeze_selected"]

    @admin.action(description="Figer les rondes choisies")
    def freeze_selected(self, request, queryset):
        for rnd in queryset:
            try:
                services.freeze_round(rnd, by=request.user)
            except Exception as exc:  # noqa: BLE001 — report each refusal, keep going
                self.message_user(request, f"{rnd}: {exc}", level=messages.ERROR)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.recompute_priorities(form.instance.chantier, by=request.user)

    # A frozen round is shown read-only; the model refuses its saves anyway.
    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Criterion)
class CriterionAdmin(HistoryAdmin):
    list_display = ["name", "round", "weight", "direction"]
    list_filter = ["round__chantier", "round"]
    list_select_related = ["round"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.recompute_priorities(obj.round.chantier, by=request.user)


@admin.register(Assessment)
class AssessmentAdmin(HistoryAdmin):
    list_display = ["recommendation", "criterion", "assessor", "score"]
    list_filter = ["criterion__round"]
    list_select_related = ["recommendation", "criterion", "assessor"]
    raw_id_fields = ["recommendation", "criterion", "assessor"]
    search_fields = ["recommendation__code", "assessor__username"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.recompute_priorities(obj.recommendation.chantier, by=request.user)


@admin.register(RoundRecommendation)
class RoundRecommendationAdmin(HistoryAdmin):
    """A round's scope; the workspace's settings page is the usual way to change it."""

    list_display = ["round", "recommendation"]
    list_filter = ["round__chantier", "round"]
    list_select_related = ["round", "recommendation"]
    raw_id_fields = ["round", "recommendation"]


@admin.register(RoundAssessor)
class RoundAssessorAdmin(HistoryAdmin):
    list_display = ["round", "assessor"]
    list_filter = ["round__chantier", "round"]
    list_select_related = ["round", "assessor"]
    raw_id_fields = ["round", "assessor"]
