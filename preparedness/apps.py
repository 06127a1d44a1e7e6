from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreparednessConfig(AppConfig):
    """Emergency plans, emergency supplies, drills and the responsibility letters of each institution."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "preparedness"
    verbose_name = _("Plans, supplies, drills and responsibility")

    def ready(self):
        from config.counts import invalidate_on_write
        from institutions.models import Institution, Township
        from preparedness import lists, models

        # The home panel's counts (preparedness.home) and the lists' totals by kind of plan
        # and by township (preparedness.lists), which also count an institution's kind and
        # whether it is active, and name its township.
        invalidate_on_write(lists.TOPIC, models.Plan, models.Supply, Institution, Township)
