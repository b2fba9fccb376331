from django.contrib import admin

from dashboards.models import MeetingSnapshot


@admin.register(MeetingSnapshot)
class MeetingSnapshotAdmin(admin.ModelAdmin):
    """Snapshots are evidence of what a committee saw: read-only."""

    list_display = ["meeting", "taken_at", "taken_by"]
    list_select_related = ["meeting", "taken_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
