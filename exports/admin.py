from django.contrib import admin

from exports.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """The audit log of exports: read-only."""

    list_display = ["created_at", "requester", "title", "filter_text", "row_count", "status"]
    list_filter = ["kind", "status", "is_async"]
    search_fields = ["requester__username", "title", "filter_text"]
    list_select_related = ["requester"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
