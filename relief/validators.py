"""Resident identity numbers (GB 11643-1999): check, read and mask them; and the dates and
months relief lets people type."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from institutions.validators import normalize_identifier

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
# ASCII only (\d would take full-width digits); checked after normalising.
ID_RE = re.compile(r"[0-9]{17}[0-9X]")
EARLIEST_BIRTH_YEAR = 1900
# Dates typed into relief records (categories, visits, programmes, batches).
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
PERIOD_RE = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


def check_character(first17):
    return CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


@sensitive_variables()
def normalize_id_number(value):
    """ASCII digits and a capital X, without blanks: full-width input (１２３ｘ), the
    full-width space and a pasted leading space all give the one stored form."""
    return normalize_identifier(value)


@sensitive_variables()
def birth_date_of(id_number):
    return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def sex_of(id_number):
    return "male" if int(id_number[16]) % 2 else "female"


@sensitive_variables()
def validate_id_number(value):
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(count)d."),
            code="id_length",
            params={"count": len(number)},
        )
    if not ID_RE.fullmatch(number):
        raise ValidationError(
            _("An ID number is 17 digits followed by a digit or X."), code="id_characters"
        )
    try:
        born = birth_date_of(number)
    except ValueError as error:
        raise ValidationError(
            _("The birth date inside this ID number does not exist."), code="id_date"
        ) from error
    if born > timezone.localdate() or born.year < EARLIEST_BIRTH_YEAR:
        raise ValidationError(
            _("The birth date inside this ID number does not exist."), code="id_date"
        )
    if check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("The check digit of this ID number is wrong; please re-check it."), code="id_check"
        )


def mask_id_number(value):
    """4101**********123X: enough to tell people apart on a list, not enough to misuse."""
    if not value or len(value) < 8:
        return "*" * len(value or "")
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value):
    """139****0001, 0396-***1234: the start and the last four digits."""
    if not value or len(value) < 8:
        return "*" * len(value or "")
    return value[:3] + "".join("*" if c.isdigit() else c for c in value[3:-4]) + value[-4:]


def validate_relief_date(value):
    """Dates people type into relief records: nothing before 2000 or after 2100."""
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_range",
            params={"first": EARLIEST_DATE.isoformat(), "last": LATEST_DATE.isoformat()},
        )


def parse_period(value):
    """'2027-01' (also typed in full-width digits) as (year, month), within 2000–2100."""
    text = normalize_identifier(value)
    match = PERIOD_RE.fullmatch(text)
    if not match or not EARLIEST_DATE.year <= int(match[1]) <= LATEST_DATE.year:
        raise ValidationError(
            _("Enter the period as year-month between 2000-01 and 2100-12, e.g. 2027-01."),
            code="period",
        )
    return int(match[1]), int(match[2])


def normalize_period(value):
    year, month = parse_period(value)
    return f"{year:04d}-{month:02d}"
