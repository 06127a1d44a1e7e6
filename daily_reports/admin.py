from django.contrib import admin

from daily_reports.models import DailyReport, ReportingPeriod


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "start_date", "end_date", "cutoff", "created_by"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(DailyReport)
class DailyReportAdmin(admin.ModelAdmin):
    """Read-only: a filed version is never changed; a correction is filed as a new version."""

    list_display = [
        "day",
        "township",
        "institution",
        "version",
        "is_zero",
        "is_late",
        "submitted_at",
    ]
    list_filter = ["day", "is_zero", "is_late"]
    list_select_related = ["township", "institution"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
