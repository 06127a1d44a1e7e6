"""What a plausible value is: dates people type, numbers people type, text people paste."""

import datetime
import re
import unicodedata
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
# A deadline being set now: not in the past, and at most about a year ahead.
MAX_DEADLINE_DAYS = 366

# Up to 12 digits before the point and 6 after: no exponent, NaN or Infinity,
# so nothing a Decimal comparison could choke on and nothing longer than the column.
NUMBER = re.compile(r"[+-]?(?:[0-9]{1,12}(?:\.[0-9]{0,6})?|\.[0-9]{1,6})")
# C0 and C1 control characters other than tab and line breaks: invisible, and
# refused by PostgreSQL (NUL) or by the .xlsx writer (the rest).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def validate_plausible_date(value):
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(_("Enter a date between 2000 and 2100."), code="implausible_date")


def validate_new_deadline(value, today=None):
    """A deadline set today (raising a hazard, asking for more time)."""
    today = today or timezone.localdate()
    if value < today:
        raise ValidationError(_("The deadline cannot be in the past."), code="deadline_past")
    if value > today + datetime.timedelta(days=MAX_DEADLINE_DAYS):
        raise ValidationError(
            _("The deadline can be at most a year from today."), code="deadline_too_far"
        )


def parse_number(text):
    """A typed number as a finite Decimal (full-width digits allowed), or None."""
    text = unicodedata.normalize("NFKC", str(text)).strip()
    if not NUMBER.fullmatch(text):
        return None
    return Decimal(text) + 0  # "+ 0" turns -0 into 0


def plain_number(number):
    """The canonical text of a number: no exponent, no trailing zeros after the point."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def strip_control_characters(text):
    return CONTROL_CHARACTERS.sub("", text)
