from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from notifications import services
from notifications.models import Delivery, Notification, Preference, Rule, Webhook


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "is_enabled",
        "is_urgent",
        "lead_days",
        "after_minutes",
        "repeat_minutes",
    ]
    list_editable = ["is_enabled", "lead_days", "after_minutes", "repeat_minutes"]
    readonly_fields = ["code"]
    filter_horizontal = ["contacts"]

    def has_add_permission(self, request):
        return False  # rules are code; the table only tunes them

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "township", "is_active"]
    list_filter = ["kind", "is_active"]
    autocomplete_fields = ["township"]


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    readonly_fields = ["channel", "state", "attempts", "next_attempt_at", "last_error", "sent_at"]
    can_delete = False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "rule", "recipient", "webhook", "is_urgent", "created_at", "read_at"]
    list_filter = ["rule", "is_urgent"]
    search_fields = ["title", "key"]
    list_select_related = ["recipient", "webhook"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    inlines = [DeliveryInline]

    def has_add_permission(self, request):
        return False


@admin.action(description=_("Retry the selected failed deliveries"))
def retry(modeladmin, request, queryset):
    services.retry_failed(queryset)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["notification", "channel", "state", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["state", "channel"]
    list_select_related = ["notification"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = [retry]

    def has_add_permission(self, request):
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "rule", "channels"]
    list_select_related = ["user"]
