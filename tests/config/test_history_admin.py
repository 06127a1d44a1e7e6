"""Every admin with change history refuses a revert from someone who may only view."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from config.history_admin import HistoryAdmin


def test_every_history_admin_guards_its_past_versions():
    with_history = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ]
    unguarded = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, SimpleHistoryAdmin) and not isinstance(model_admin, HistoryAdmin)
    ]
    assert len(with_history) >= 10
    assert unguarded == []
