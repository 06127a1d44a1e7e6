"""The 值班表 of one duty post for a period, printed on A4.

Read through the same scoped lookup as the roster page; the period comes from
?start=&end= (the coming 14 days by default, at most 62 days).
"""

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from duty_roster import services
from duty_roster.validators import FIRST_DAY, LAST_DAY
from duty_roster.views import _post_for, _shifts_with_people

DEFAULT_DAYS = 14
MAX_DAYS = 62


def issuing_unit():
    return _("%(county)s Civil Affairs Bureau") % {"county": settings.COUNTY_NAME}


def _day(raw):
    try:
        day = datetime.date.fromisoformat(raw or "")
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def print_period(query):
    """(first day, last day, note): the days asked for, or the coming fortnight.

    A missing or unreadable date takes its default; a period longer than MAX_DAYS
    is cut to MAX_DAYS and the note says so.
    """
    first = _day(query.get("start")) or timezone.localdate()
    last = _day(query.get("end"))
    note = ""
    if last is None or last < first:
        last = first + datetime.timedelta(days=DEFAULT_DAYS - 1)
    if (last - first).days + 1 > MAX_DAYS:
        last = first + datetime.timedelta(days=MAX_DAYS - 1)
        note = _("A printed roster covers at most %(days)d days; it stops at %(last)s.") % {
            "days": MAX_DAYS,
            "last": last.isoformat(),
        }
    last = min(last, LAST_DAY)
    return first, last, note


@login_required
def roster_print(request, pk):
    post = _post_for(request, pk)
    first, last, note = print_period(request.GET)
    zone = services.local_zone()
    start = datetime.datetime.combine(first, datetime.time(0), tzinfo=zone)
    end = datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time(0), tzinfo=zone
    )
    shifts = _shifts_with_people().filter(post=post).overlapping(start, end).order_by("starts_at")
    rows = []
    for shift in shifts:
        starts, ends = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
        officers = list(shift.officers.all())
        rows.append(
            {
                "date": starts.date(),
                "starts": starts,
                "ends": ends,
                "overnight": ends.date() != starts.date(),
                "leader": shift.leader,
                "officers": officers,
            }
        )
    return render(
        request,
        "duty_roster/roster_print.html",
        {
            "post": post,
            "rows": rows,
            "first": first,
            "last": last,
            "note": note,
            "issuer": issuing_unit(),
            "printed_on": timezone.localdate(),
            "max_days": MAX_DAYS,
        },
    )
