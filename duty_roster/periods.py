"""The periods a county 值班表 is asked for: the coming festival, or the next fortnight.

Offices post a roster on the wall before each statutory holiday (春节, 国庆…), so the
default period is the festival about to start, as the holiday calendar (Holiday) says:
its public holidays with the weekends next to them (清明 on a Monday is Saturday to
Monday). Between festivals it is the coming fortnight, as on the roster page.
"""

import dataclasses
import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from duty_roster.models import Holiday
from duty_roster.services import is_day_off, local_zone
from duty_roster.validators import FIRST_DAY, LAST_DAY

DEFAULT_DAYS = 14
MAX_DAYS = 62  # as the printed roster (printing.MAX_DAYS): a festival is never longer
# A festival starting within this many days is what the next roster is for.
FESTIVAL_AHEAD_DAYS = 30


@dataclasses.dataclass(frozen=True)
class Period:
    first: datetime.date
    last: datetime.date
    festival: str = ""  # the holiday's name when the period is a festival

    @property
    def days(self):
        return (self.last - self.first).days + 1

    def __str__(self):
        text = f"{self.first:%Y-%m-%d} – {self.last:%Y-%m-%d}"
        return f"{text}（{self.festival}）" if self.festival else text

    def in_words(self):
        """The period as a file's filter line says it: 值班日期：2027-02-05 – 2027-02-08（春节）."""
        return _("Duty days: %(period)s") % {"period": self}


def coming_festival(today):
    """The festival under way or starting within FESTIVAL_AHEAD_DAYS, or None: the days
    off around its first public holiday, from today at the earliest (one query)."""
    calendar = {
        day: (kind, name)
        for day, kind, name in Holiday.objects.filter(
            date__gte=today,
            date__lte=today + datetime.timedelta(days=FESTIVAL_AHEAD_DAYS + MAX_DAYS),
        ).values_list("date", "kind", "name")
    }
    holidays = sorted(
        day
        for day, (kind, _name) in calendar.items()
        if kind == Holiday.Kind.HOLIDAY
        and day <= today + datetime.timedelta(days=FESTIVAL_AHEAD_DAYS)
    )
    if not holidays:
        return None
    kinds = {day: kind for day, (kind, _name) in calendar.items()}
    first = last = holidays[0]
    while first > today and is_day_off(first - datetime.timedelta(days=1), kinds):
        first -= datetime.timedelta(days=1)
    limit = min(first + datetime.timedelta(days=MAX_DAYS - 1), LAST_DAY)
    while last < limit and is_day_off(last + datetime.timedelta(days=1), kinds):
        last += datetime.timedelta(days=1)
    # 春节（除夕）, 春节: the festival's shortest name, the one its days share.
    names = {calendar[day][1] for day in holidays if first <= day <= last}
    return Period(first, last, festival=min(names, key=lambda name: (len(name), name)))


def default_period(today):
    """What the county roster covers when no dates are given."""
    festival = coming_festival(today)
    if festival is not None:
        return festival
    return Period(today, min(today + datetime.timedelta(days=DEFAULT_DAYS - 1), LAST_DAY))


def roster_fortnight(raw_first_day):
    """The roster page's period: (first day, its local midnight, the midnight DEFAULT_DAYS
    later) from ?from=, today when unreadable, kept within the years the system records."""
    try:
        first = datetime.date.fromisoformat(raw_first_day or "")
    except ValueError:
        first = timezone.localdate()
    first = min(max(first, FIRST_DAY), LAST_DAY - datetime.timedelta(days=DEFAULT_DAYS))
    start = datetime.datetime.combine(first, datetime.time(0), tzinfo=local_zone())
    return first, start, start + datetime.timedelta(days=DEFAULT_DAYS)


def local_bounds(period):
    """[start, end) of a Period in aware local times: midnight of the first day to the
    midnight after the last."""
    zone = local_zone()
    start = datetime.datetime.combine(period.first, datetime.time(0), tzinfo=zone)
    end = datetime.datetime.combine(
        period.last + datetime.timedelta(days=1), datetime.time(0), tzinfo=zone
    )
    return start, end
