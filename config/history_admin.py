"""The admin base for models with change history (django-simple-history)."""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history 3.13's page of a past version saves its form on POST for
    anyone who may merely view the object: it checks view-or-change, hides only the
    button, and its form has every field. Here a revert needs the permission to change.
    Each version's row shows the client address it came from (config/history.py)."""

    history_list_display = ["ip_address"]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, object_id)
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
