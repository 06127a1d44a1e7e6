from django.contrib import admin

from config.history_admin import HistoryAdmin
from epidemic.models import FollowUp, WeeklyReport


@admin.register(WeeklyReport)
class WeeklyReportAdmin(HistoryAdmin):
    """Reports are filed and changed on the app's pages, where the township and the week
    are checked; the admin reads them and their history."""

    list_display = [
        "week",
        "township",
        "institution",
        "residents",
        "residents_positive",
        "staff_positive",
        "residents_vaccinated",
        "updated_at",
    ]
    list_filter = ["week", "township"]
    list_select_related = ["township", "institution"]
    search_fields = ["institution__name"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FollowUp)
class FollowUpAdmin(HistoryAdmin):
    list_display = ["institution", "township", "positives", "status", "opened_at", "closed_at"]
    list_filter = ["status", "township"]
    list_select_related = ["township", "institution"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
