from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from config.history_admin import HistoryAdmin
from duty_roster.models import (
    Attendance,
    DutyLogEntry,
    DutyPost,
    Holiday,
    Incident,
    IncidentUpdate,
    LeaveApprover,
    LeaveReport,
    Shift,
    SpotCheck,
    SwapRequest,
)


@admin.register(DutyPost)
class DutyPostAdmin(HistoryAdmin):
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


class AttendanceInline(admin.TabularInline):
    """Who came: rows follow the leader and officers above (saved with them), times editable."""

    model = Attendance
    extra = 0
    fields = ["person", "role", "checked_in_at", "checked_out_at", "missed_at"]
    readonly_fields = ["person", "role"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Shift)
class ShiftAdmin(HistoryAdmin):
    list_display = ["post", "starts_at", "ends_at", "leader"]
    list_filter = ["post__kind", "post"]
    list_select_related = ["post", "leader"]
    date_hierarchy = "starts_at"
    filter_horizontal = ["officers"]
    raw_id_fields = ["leader", "handover_acknowledged_by"]
    inlines = [AttendanceInline, LogInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.sync_attendance()


class MissedFilter(admin.SimpleListFilter):
    title = _("absent from post")
    parameter_name = "missed"

    def lookups(self, request, model_admin):
        return [("yes", _("Absent from post")), ("late", _("Late"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.missed()
        if self.value() == "late":
            return queryset.late()
        return queryset


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["shift", "person", "role", "checked_in_at", "checked_out_at", "missed_at"]
    list_filter = [MissedFilter, "role", "shift__post__kind"]
    list_select_related = ["shift__post", "person"]
    raw_id_fields = ["shift", "person"]
    date_hierarchy = "shift__starts_at"


@admin.register(SwapRequest)
class SwapRequestAdmin(HistoryAdmin):
    list_display = ["shift", "requested_by", "replacement", "status", "decided_by"]
    list_filter = ["status"]
    raw_id_fields = ["shift", "requested_by", "replacement", "decided_by"]


@admin.register(LeaveReport)
class LeaveReportAdmin(HistoryAdmin):
    list_display = ["person", "destination", "starts_at", "ends_at", "approver", "status"]
    list_filter = ["status"]
    list_select_related = ["person", "approver"]
    raw_id_fields = ["person", "approver"]


@admin.register(LeaveApprover)
class LeaveApproverAdmin(admin.ModelAdmin):
    """The list of who may approve whose leave: the bureau's leaders for the county, a
    leader in charge for each township."""

    list_display = ["user", "title", "township", "is_active"]
    list_filter = ["is_active", "township"]
    list_select_related = ["user", "township"]
    raw_id_fields = ["user"]
    search_fields = ["user__full_name", "user__username", "title"]


class UpdateInline(admin.TabularInline):
    model = IncidentUpdate
    extra = 0
    readonly_fields = ["kind", "text", "author", "at"]
    can_delete = False


@admin.register(Incident)
class IncidentAdmin(HistoryAdmin):
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


@admin.register(SpotCheck)
class SpotCheckAdmin(HistoryAdmin):
    list_display = ["post", "checked_at", "method", "result", "checked_by", "closed_at"]
    list_filter = ["result", "method", "post__kind"]
    list_select_related = ["post", "checked_by"]
    date_hierarchy = "checked_at"
    raw_id_fields = ["post", "shift", "checked_by", "responded_by", "closed_by"]
