"""Resident identity numbers (GB 11643-1999): check, read and mask them."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
ID_RE = re.compile(r"^\d{17}[\dX]$")


def check_character(first17):
    return CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalize_id_number(value):
    return (value or "").strip().upper().replace(" ", "")


def birth_date_of(id_number):
    return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def sex_of(id_number):
    return "male" if int(id_number[16]) % 2 else "female"


def validate_id_number(value):
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(count)d."),
            code="id_length",
            params={"count": len(number)},
        )
    if not ID_RE.match(number):
        raise ValidationError(
            _("An ID number is 17 digits followed by a digit or X."), code="id_characters"
        )
    try:
        born = birth_date_of(number)
    except ValueError as error:
        raise ValidationError(
            _("The birth date inside this ID number does not exist."), code="id_date"
        ) from error
    if born > datetime.date.today() or born.year < 1900:
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
