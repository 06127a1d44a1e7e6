from django.contrib import admin

from config.history_admin import HistoryAdmin
from preparedness.models import Drill, Plan, Responsibility, Supply, SupplyMovement


@admin.register(Plan)
class PlanAdmin(HistoryAdmin):
    list_display = ["institution", "kind", "version", "is_current", "approved_on", "review_on"]
    list_filter = ["kind", "is_current", "institution__township"]
    list_select_related = ["institution"]
    search_fields = ["institution__name", "title", "owner"]
    raw_id_fields = ["institution", "created_by"]


@admin.register(Supply)
class SupplyAdmin(HistoryAdmin):
    list_display = ["institution", "kind", "quantity", "unit", "minimum_quantity", "expires_on"]
    list_filter = ["kind", "is_active", "institution__township"]
    list_select_related = ["institution"]
    search_fields = ["institution__name", "description", "location"]
    raw_id_fields = ["institution", "updated_by"]


@admin.register(SupplyMovement)
class SupplyMovementAdmin(admin.ModelAdmin):
    """Read only: a movement moves its line's stock (preparedness.services.record_movement),
    which an admin form would not do."""

    list_display = ["supply", "moved_on", "kind", "quantity", "recorded_by"]
    list_filter = ["kind", "supply__kind", "supply__institution__township"]
    list_select_related = ["supply__institution", "recorded_by"]
    date_hierarchy = "moved_on"
    search_fields = ["supply__institution__name", "note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Drill)
class DrillAdmin(HistoryAdmin):
    list_display = ["institution", "held_on", "kind", "staff_count", "residents_count"]
    list_filter = ["kind", "institution__township"]
    list_select_related = ["institution"]
    date_hierarchy = "held_on"
    search_fields = ["institution__name", "scenario"]
    raw_id_fields = ["institution", "hazard", "recorded_by"]


@admin.register(Responsibility)
class ResponsibilityAdmin(HistoryAdmin):
    list_display = ["institution", "year", "institution_head", "township_official", "signed_on"]
    list_filter = ["year", "institution__township"]
    list_select_related = ["institution"]
    search_fields = ["institution__name", "institution_head", "township_official"]
    raw_id_fields = ["institution", "updated_by"]
