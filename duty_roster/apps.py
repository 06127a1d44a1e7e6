from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyRosterConfig(AppConfig):
    name = "duty_roster"
    verbose_name = _("24-hour duty")

    def ready(self):
        from duty_roster import models
        from institutions.counts import invalidate_on_write

        # The home panel's counts (duty_roster.home); the absence scan's bulk UPDATE
        # sends no signal and is seen when the minute runs out.
        invalidate_on_write("duty", models.Incident, models.Attendance)
