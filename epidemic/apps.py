from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EpidemicConfig(AppConfig):
    """Weekly epidemic-prevention figures of care homes: testing, referrals, vaccination."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "epidemic"
    verbose_name = _("Epidemic care")

    def ready(self):
        from config.counts import invalidate_on_write
        from epidemic.models import FollowUp, WeeklyReport

        # The home panel's figures are recounted after a report or a follow-up is saved.
        invalidate_on_write("epidemic", WeeklyReport, FollowUp)
