from django.db.models import Count, Q
from django.utils import timezone

from config.counts import cached_figure
from duty_roster.models import Attendance, FollowUpState, Incident, Shift, SpotCheck
from duty_roster.spot_checks import month_and_season_start


def panels(user):
    """The home page's duty card: the user's next shift (their own, looked up live) and
    two county- or township-wide counts, cached for a minute per scope and recounted
    after an incident or an attendance row is written (see apps.py); then the spot checks
    card, when the user has one."""
    now = timezone.now()
    duty = [
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
    spot_checks = spot_check_panel(user, now)
    return duty if spot_checks is None else [*duty, spot_checks]


def spot_check_panel(user, now):
    """The spot checks card (查岗): for a township or an institution, its findings still to
    answer (none, no card); for the county, the answered findings it has to close and this
    month's failed checks. One query, counted live: few findings are open at any time (a
    partial index holds them) and a month's checks are a range of the newest-first index."""
    checks = SpotCheck.objects.visible_to(user)
    if user.is_county_wide:
        month, _season = month_and_season_start(now)
        to_close = Q(responded_at__isnull=False, closed_at__isnull=True)
        this_month = Q(checked_at__gte=month)
        counts = (
            checks.failed()
            .filter(to_close | this_month)
            .aggregate(
                to_close=Count("pk", filter=to_close),
                failed_this_month=Count("pk", filter=this_month),
            )
        )
        return {
            "template": "duty_roster/_spot_check_panel.html",
            "county": True,
            "month_start": month,
            **counts,
        }
    if not (user.is_township_staff or user.is_institution_staff):
        return None
    to_answer = checks.in_follow_up(FollowUpState.AWAITING).count()
    if not to_answer:
        return None
    return {"template": "duty_roster/_spot_check_panel.html", "to_answer": to_answer}
