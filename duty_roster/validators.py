"""Bounds on the dates, times and counts typed into the duty system.

Asia/Shanghai's offset in year 1 is local mean time (+08:05:43), so 0001-01-01 00:00
there falls before year 1 in UTC: PostgreSQL stores it as a BC timestamp that psycopg
cannot read back, and every page listing the row fails for every county user. Nothing
in a county's duty records happens outside 2000–2100, so forms, models and the database
(check constraints) all refuse it; forms add tighter windows that make sense per field.
"""

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import pgettext_lazy

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)
EARLIEST = datetime.datetime.combine(FIRST_DAY, datetime.time(0), tzinfo=SHANGHAI)
END = datetime.datetime.combine(  # exclusive: the first moment after the range
    LAST_DAY + datetime.timedelta(days=1), datetime.time(0), tzinfo=SHANGHAI
)
MAX_CASUALTIES = 9999  # deaths or injuries in one incident report
# A context of our own: another app's identical msgid (loaded first) would win otherwise.
OUT_OF_SERVICE_YEARS = pgettext_lazy("duty", "Enter a date between 2000 and 2100.")


def local_day(value):
    """The Asia/Shanghai calendar day of a date or datetime; None if it has no such day."""
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            return value.date()
        try:
            return value.astimezone(SHANGHAI).date()
        except (OverflowError, ValueError):
            return None  # before year 1 or after 9999 once moved to Shanghai time
    return value


def in_service_years(value):
    day = local_day(value)
    return day is not None and FIRST_DAY <= day <= LAST_DAY


@deconstructible
class ServiceYearsValidator:
    """Refuses a date or datetime outside 2000–2100 (Asia/Shanghai calendar days)."""

    message = OUT_OF_SERVICE_YEARS
    code = "out_of_service_years"

    def __call__(self, value):
        if value is not None and not in_service_years(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, ServiceYearsValidator)

    def __hash__(self):
        return hash(type(self))


validate_service_years = ServiceYearsValidator()


def service_years_q(field):
    """A condition for check constraints and queries: `field` lies within 2000–2100."""
    return Q(**{f"{field}__gte": EARLIEST, f"{field}__lt": END})


def clamp_day(day):
    return min(max(day, FIRST_DAY), LAST_DAY)
