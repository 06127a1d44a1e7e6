from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from config.history_admin import HistoryAdmin
from inspections import services
from inspections.models import (
    Answer,
    Campaign,
    ChecklistTemplate,
    DeadlineExtension,
    Hazard,
    HazardEvent,
    HazardPhoto,
    Inspection,
    Item,
    Section,
    TemplateVersion,
)


class VersionInline(admin.TabularInline):
    model = TemplateVersion
    fields = ["number", "is_published", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    inlines = [VersionInline]


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["order", "title"]
    extra = 0
    show_change_link = True


class FrozenWhenUsedMixin:
    """A version used by an inspection is read-only: make a new version to change it."""

    def _version_of(self, obj):
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        if obj is not None and self._version_of(obj).is_in_use:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


@admin.register(TemplateVersion)
class TemplateVersionAdmin(FrozenWhenUsedMixin, admin.ModelAdmin):
    list_display = ["template", "number", "is_published", "created_at"]
    list_filter = ["template", "is_published"]
    readonly_fields = ["template", "number", "is_published"]
    inlines = [SectionInline]
    actions = ["make_new_version", "publish"]

    def _version_of(self, obj):
        return obj

    @admin.action(description=_("Copy into a new, unpublished version to edit"))
    def make_new_version(self, request, queryset):
        for version in queryset:
            new = services.revise_version(version)
            self.message_user(
                request, _("Created %(version)s.") % {"version": new}, messages.SUCCESS
            )

    @admin.action(description=_("Publish (new inspections use this version)"))
    def publish(self, request, queryset):
        for version in queryset:
            services.publish_version(version)


class ItemInline(admin.StackedInline):
    model = Item
    extra = 0
    fields = [
        ("order", "key"),
        "text",
        "guidance",
        ("category", "answer_type", "required"),
        ("unit", "min_value", "max_value", "fail_below"),
        ("choices", "failing_choices", "failing_yes_no"),
        ("severity", "rectify_days", "photo_required_on_failure"),
        "institution_kinds",
    ]


@admin.register(Section)
class SectionAdmin(FrozenWhenUsedMixin, admin.ModelAdmin):
    list_display = ["title", "version", "order"]
    list_filter = ["version__template"]
    inlines = [ItemInline]

    def _version_of(self, obj):
        return obj.version


@admin.register(Campaign)
class CampaignAdmin(HistoryAdmin):
    list_display = [
        "name",
        "template",
        "level",
        "recurrence",
        "starts_on",
        "ends_on",
        "due_on",
        "is_active",
    ]
    list_filter = ["level", "recurrence", "is_active"]
    filter_horizontal = ["townships"]
    # A county has thousands of institutions: searched, not listed in two boxes.
    autocomplete_fields = ["institutions"]
    search_fields = ["name"]


def _photo_link(url_name, pk):
    # Through the app's scoped view, which serves images only, never the raw media URL.
    url = reverse(url_name, args=[pk])
    return format_html('<a href="{}" target="_blank">{}</a>', url, _("Photo"))


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ["item", "value", "note", "photo_link", "is_failure"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("photo"))
    def photo_link(self, answer):
        return _photo_link("inspections:answer_photo", answer.pk) if answer.photo else "—"


@admin.register(Inspection)
class InspectionAdmin(HistoryAdmin):
    list_display = ["institution", "version", "level", "due_on", "status", "score", "submitted_at"]
    list_filter = ["status", "level", "version__template", "institution__township"]
    list_select_related = ["institution", "version__template"]
    search_fields = ["institution__name"]
    raw_id_fields = ["institution", "version", "campaign", "inspector"]
    inlines = [AnswerInline]


class EventInline(admin.TabularInline):
    model = HazardEvent
    fields = ["at", "kind", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class PhotoInline(admin.TabularInline):
    model = HazardPhoto
    fields = ["stage", "photo_link", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("photo"))
    def photo_link(self, photo):
        return _photo_link("inspections:hazard_photo", photo.pk)


@admin.register(Hazard)
class HazardAdmin(HistoryAdmin):
    list_display = [
        "pk",
        "institution",
        "category",
        "severity",
        "status",
        "deadline",
        "is_recurring",
        "supervised_at",
        "supervision_deadline",
    ]
    list_filter = ["status", "severity", "category", "is_recurring", "institution__township"]
    list_select_related = ["institution"]
    search_fields = ["description", "institution__name"]
    raw_id_fields = [
        "institution",
        "inspection",
        "item",
        "found_by",
        "rectified_by",
        "supervised_by",
    ]
    inlines = [PhotoInline, EventInline]

    def has_delete_permission(self, request, obj=None):
        return False  # the ledger keeps every hazard


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(HistoryAdmin):
    list_display = ["hazard", "requested_deadline", "requested_by", "status", "decided_by"]
    list_filter = ["status"]
    raw_id_fields = ["hazard", "requested_by", "decided_by"]
