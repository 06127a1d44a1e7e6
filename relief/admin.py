from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

import audit
from config.history_admin import HistoryAdmin
from relief import services
from relief.models import (
    Application,
    BatchLine,
    ChildRecognition,
    DisbursementBatch,
    FoundReport,
    HomeVisit,
    Household,
    MonitoringFlag,
    NoticeObjection,
    Payment,
    Person,
    PersonCategory,
    PriceTrigger,
    Programme,
    RegistrationConflict,
    TransferRequest,
    TransferStatus,
    VisitRule,
)


class CategoryInline(admin.TabularInline):
    model = PersonCategory
    extra = 0


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
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

    @method_decorator(sensitive_post_parameters("id_number"))
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # An error report of this page must not carry the posted ID number.
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if object_id and response.status_code == 200:
            # The form shows the full ID and phone numbers: PIPL wants every display logged.
            person = self.get_object(request, object_id)
            if person is not None:
                audit.record(audit.Event.FULL_ID_SHOWN, request=request, obj=person, page="admin")
        return response


@admin.register(Household)
class HouseholdAdmin(HistoryAdmin):
    list_display = ["village", "address", "township", "monthly_income"]
    list_filter = ["township"]


@admin.register(Programme)
class ProgrammeAdmin(HistoryAdmin):
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
class ApplicationAdmin(HistoryAdmin):
    list_display = [
        "person",
        "township",
        "programme",
        "amount",
        "status",
        "filed_by",
        "reviewed_by",
        "decided_by",
    ]
    list_filter = ["status", "programme"]
    raw_id_fields = ["person", "filed_by", "reviewed_by", "decided_by"]


@admin.register(NoticeObjection)
class NoticeObjectionAdmin(HistoryAdmin):
    list_display = ["application", "objector", "raised_on", "status", "recorded_by", "resolved_by"]
    list_filter = ["status"]
    raw_id_fields = ["application", "recorded_by", "resolved_by"]
    readonly_fields = ["status", "resolved_by", "resolved_at"]


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
class DisbursementBatchAdmin(HistoryAdmin):
    list_display = ["programme", "period", "status", "count", "total", "approved_by"]
    list_filter = ["status", "programme"]
    readonly_fields = ["total", "count", "approved_by", "approved_at", "paid_at"]
    inlines = [LineInline]

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_frozen


@admin.register(Payment)
class PaymentAdmin(HistoryAdmin):
    list_display = ["person", "programme", "period", "amount", "approved_at"]
    list_filter = ["programme"]
    raw_id_fields = ["person", "batch", "application"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HomeVisit)
class HomeVisitAdmin(HistoryAdmin):
    list_display = ["person", "visited_on", "visitor", "follow_up_done"]
    raw_id_fields = ["person", "visitor", "follow_up_owner"]


@admin.register(RegistrationConflict)
class RegistrationConflictAdmin(admin.ModelAdmin):
    list_display = ["masked_id", "township", "asked_by", "asked_at", "person", "resolved_at"]
    list_filter = ["township", ("resolved_at", admin.EmptyFieldListFilter)]
    raw_id_fields = ["person", "duplicate", "asked_by", "resolved_by"]
    readonly_fields = ["person", "township", "asked_by", "asked_at", "masked_id", "duplicate"]

    def has_add_permission(self, request):
        return False  # made when a township is refused a number


def _decide(modeladmin, request, queryset, decide, **kwargs):
    done = 0
    for transfer in queryset.filter(status=TransferStatus.PENDING):
        try:
            decide(transfer=transfer, user=request.user, **kwargs)
        except (PermissionDenied, ValidationError) as error:
            message = " ".join(getattr(error, "messages", [])) or _("Not allowed.")
            modeladmin.message_user(request, f"{transfer}: {message}", messages.ERROR)
        else:
            done += 1
    modeladmin.message_user(request, _("%(count)d decided.") % {"count": done})


@admin.register(TransferRequest)
class TransferRequestAdmin(HistoryAdmin):
    list_display = ["person", "from_township", "to_township", "requested_by", "status"]
    list_filter = ["status", "to_township"]
    raw_id_fields = ["person", "conflict", "requested_by", "decided_by"]
    readonly_fields = ["status", "decided_by", "decided_at"]
    actions = ["approve", "refuse"]

    @admin.action(description=_("Approve the selected transfers"))
    def approve(self, request, queryset):
        _decide(self, request, queryset, services.approve_transfer, note="")

    @admin.action(description=_("Refuse the selected transfers"))
    def refuse(self, request, queryset):
        _decide(self, request, queryset, services.refuse_transfer, note=_("Refused in the admin."))


@admin.register(ChildRecognition)
class ChildRecognitionAdmin(HistoryAdmin):
    list_display = ["person", "township", "kind", "found_on", "status", "decided_by"]
    list_filter = ["status", "kind", "township"]
    raw_id_fields = ["person", "recorded_by", "checked_by", "decided_by", "category"]
    readonly_fields = ["status", "checked_by", "checked_at", "decided_by", "decided_at", "category"]


@admin.register(FoundReport)
class FoundReportAdmin(HistoryAdmin):
    list_display = ["name", "township", "village", "found_on", "status", "is_urgent"]
    list_filter = ["status", "is_urgent", "township"]
    raw_id_fields = ["person", "reported_by", "handled_by"]
    readonly_fields = ["status", "person", "handled_by", "handled_at"]


@admin.register(PriceTrigger)
class PriceTriggerAdmin(HistoryAdmin):
    list_display = ["period", "cpi_rise", "food_cpi_rise", "triggered", "programme", "batch"]
    list_filter = ["triggered"]
    raw_id_fields = ["programme", "batch", "recorded_by"]
    readonly_fields = ["cpi_threshold", "food_cpi_threshold", "triggered", "batch"]


@admin.register(MonitoringFlag)
class MonitoringFlagAdmin(HistoryAdmin):
    list_display = ["person", "township", "reason", "review_on", "closed_on"]
    list_filter = ["reason", "township"]
    raw_id_fields = ["person", "flagged_by", "closed_by"]
