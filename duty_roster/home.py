from django.utils import timezone

from duty_roster.models import Attendance, Incident, Shift


def panels(user):
    now = timezone.now()
    return [
        {
            "template": "duty_roster/_home_panel.html",
            "next_shift": Shift.objects.involving(user)
            .filter(ends_at__gt=now)
            .select_related("post")
            .order_by("starts_at")
            .first(),
            "unacknowledged": Incident.objects.visible_to(user).unacknowledged().count(),
            "missed": Attendance.objects.visible_to(user).absent_in_the_last_day(now).count(),
        }
    ]
