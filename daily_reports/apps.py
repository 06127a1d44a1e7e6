from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DailyReportsConfig(AppConfig):
    name = "daily_reports"
    verbose_name = _("Daily reports")
