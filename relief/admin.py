from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from relief.models import (
    Application,
    BatchLine,
    DisbursementBatch,
    HomeVisit,
    Household,
    Payment,
    Person,
    PersonCategory,
    Programme,
    VisitRule,
)


class CategoryInline(admin.TabularInline):
    model = PersonCategory
    extra = 0


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "masked_id",
        "township",
        "village",
        "duplicate_status",
        "last_visited_on",
    ]
    list_filter = ["township", "duplicate_status", "categories__category"]
    search_fields = ["name"]
    readonly_fields = ["birth_date", "sex", "last_visited_on"]
    raw_id_fields = ["household"]
    inlines = [CategoryInline]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["village", "address", "township", "monthly_income"]
    list_filter = ["township"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "amount",
        "amount_in_institution",
        "ceiling",
        "help_first",
        "is_active",
    ]
    list_filter = ["kind", "is_active"]


@admin.register(VisitRule)
class VisitRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "every_days"]


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = [
        "person",
        "programme",
        "amount",
        "status",
        "filed_by",
        "reviewed_by",
        "decided_by",
    ]
    list_filter = ["status", "programme"]
    raw_id_fields = ["person", "filed_by", "reviewed_by", "decided_by"]


class LineInline(admin.TabularInline):
    model = BatchLine
    extra = 0
    readonly_fields = [
        "person",
        "person_name",
        "village",
        "category",
        "amount",
        "excluded",
        "exclusion_reason",
    ]
    can_delete = False


@admin.register(DisbursementBatch)
class DisbursementBatchAdmin(SimpleHistoryAdmin):
    list_display = ["programme", "period", "status", "count", "total", "approved_by"]
    list_filter = ["status", "programme"]
    readonly_fields = ["total", "count", "approved_by", "approved_at", "paid_at"]
    inlines = [LineInline]

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_frozen


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["person", "programme", "period", "amount", "approved_at"]
    list_filter = ["programme"]
    raw_id_fields = ["person", "batch", "application"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HomeVisit)
class HomeVisitAdmin(admin.ModelAdmin):
    list_display = ["person", "visited_on", "visitor", "follow_up_done"]
    raw_id_fields = ["person", "visitor", "follow_up_owner"]
