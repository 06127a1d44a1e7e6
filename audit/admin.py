from django.contrib import admin

from audit.events import Event
from audit.models import AuditArchive, AuditEvent
from audit.services import record


class ReadOnlyAdmin(admin.ModelAdmin):
    """To look at, never to change: no add, change or delete, and no actions."""

    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["time", "username", "client_address", "event", "object_text", "outcome"]
    list_filter = ["event", "outcome"]
    search_fields = ["username", "object_text"]
    date_hierarchy = "time"
    # The user's column is shown from `username`: no join, and no picker of every account.
    raw_id_fields = ["user"]
    show_full_result_count = False

    # Reading the log here is audited as on /audit/ (GB/T 22239-2019 8.1.4.3).
    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            record(Event.LOG_VIEWED, request=request, page="admin", query=request.GET.urlencode())
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            record(Event.LOG_VIEWED, request=request, page="admin", event_id=str(object_id))
        return response


@admin.register(AuditArchive)
class AuditArchiveAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "file_name", "rows", "first_event_id", "last_event_id"]
