from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyRosterConfig(AppConfig):
    name = "duty_roster"
    verbose_name = _("24-hour duty")

    def ready(self):
        from config.counts import invalidate_on_write
        from duty_roster import models

        # The home panel's counts (duty_roster.home) and the duty page's shifts and
        # absences per township (views.index); the absence scan's bulk UPDATE and a
        # generated roster's bulk insert send no signal and are seen when the minute runs out.
        invalidate_on_write("duty", models.Incident, models.Attendance, models.Shift)
        # The post directory's total (views.post_list).
        invalidate_on_write("duty_posts", models.DutyPost)
