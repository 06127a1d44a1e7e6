from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from duty_roster.models import (
    DutyLogEntry,
    DutyPost,
    Holiday,
    Incident,
    IncidentUpdate,
    LeaveReport,
    Shift,
    SwapRequest,
)


@admin.register(DutyPost)
class DutyPostAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "township", "institution", "phone", "is_active"]
    list_filter = ["kind", "is_active", "township"]
    search_fields = ["name"]
    raw_id_fields = ["institution"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "source"]
    list_filter = ["kind"]
    date_hierarchy = "date"


class LogInline(admin.TabularInline):
    model = DutyLogEntry
    extra = 0


@admin.register(Shift)
class ShiftAdmin(SimpleHistoryAdmin):
    list_display = ["post", "starts_at", "ends_at", "leader", "checked_in_at", "is_missed"]
    list_filter = ["is_missed", "post__kind", "post"]
    list_select_related = ["post", "leader"]
    date_hierarchy = "starts_at"
    filter_horizontal = ["officers"]
    raw_id_fields = ["leader", "checked_in_by", "handover_acknowledged_by"]
    inlines = [LogInline]


@admin.register(SwapRequest)
class SwapRequestAdmin(admin.ModelAdmin):
    list_display = ["shift", "requested_by", "replacement", "status", "decided_by"]
    list_filter = ["status"]
    raw_id_fields = ["shift", "requested_by", "replacement", "decided_by"]


@admin.register(LeaveReport)
class LeaveReportAdmin(SimpleHistoryAdmin):
    list_display = ["leader", "destination", "starts_at", "ends_at", "approver", "status"]
    list_filter = ["status"]
    raw_id_fields = ["leader", "approver"]


class UpdateInline(admin.TabularInline):
    model = IncidentUpdate
    extra = 0
    readonly_fields = ["kind", "text", "author", "at"]
    can_delete = False


@admin.register(Incident)
class IncidentAdmin(SimpleHistoryAdmin):
    list_display = [
        "occurred_at",
        "category",
        "severity",
        "township",
        "institution",
        "reported_at",
        "acknowledged_at",
        "closed_at",
    ]
    list_filter = ["category", "severity", "township"]
    raw_id_fields = ["institution", "reported_by", "acknowledged_by"]
    inlines = [UpdateInline]

    def has_delete_permission(self, request, obj=None):
        return False
