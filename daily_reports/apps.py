from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DailyReportsConfig(AppConfig):
    name = "daily_reports"
    verbose_name = _("Daily reports")

    def ready(self):
        from config.counts import invalidate_on_write
        from daily_reports.models import DailyReport, ReportingPeriod

        # The home panel's completion figures are recounted after a report or a period is saved.
        invalidate_on_write("daily_reports", DailyReport, ReportingPeriod)
