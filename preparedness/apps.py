from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreparednessConfig(AppConfig):
    """Emergency plans, emergency supplies, drills and the responsibility letters of each institution."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "preparedness"
    verbose_name = _("Plans, supplies, drills and responsibility")

    def ready(self):
        from config.counts import invalidate_on_write
        from preparedness import models

        # The home panel's counts (preparedness.home).
        invalidate_on_write("preparedness", models.Plan, models.Supply)
