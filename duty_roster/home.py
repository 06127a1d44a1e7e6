from django.utils import timezone

from config.counts import cached_figure
from duty_roster.models import Attendance, Incident, Shift


def panels(user):
    """The home page's duty card: the user's next shift (their own, looked up live) and
    two county- or township-wide counts, cached for a minute per scope and recounted
    after an incident or an attendance row is written (see apps.py)."""
    now = timezone.now()
    return [
        {
            "template": "duty_roster/_home_panel.html",
            "next_shift": Shift.objects.involving(user)
            .filter(ends_at__gt=now)
            .select_related("post")
            .order_by("starts_at")
            .first(),
            "unacknowledged": cached_figure(
                "duty",
                "unacknowledged",
                user,
                lambda: Incident.objects.visible_to(user).unacknowledged().count(),
            ),
            "missed": cached_figure(
                "duty",
                "absent_in_the_last_day",
                user,
                lambda: Attendance.objects.visible_to(user).absent_in_the_last_day(now).count(),
            ),
        }
    ]
