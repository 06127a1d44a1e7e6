"""Validators for Chinese identifiers and phone numbers, with messages in Chinese."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: the unified social credit code's alphabet leaves out I, O, Z, S, V.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Area code 0xx/0xxx, 7-8 digit number, optional extension: 0396-7921234, 03967921234-801.
LANDLINE_RE = re.compile(r"^0\d{2,3}-?[2-9]\d{6,7}(-\d{1,6})?$")
DIVISION_CODE_RE = re.compile(r"^\d{9}$")


def credit_code_check_character(first17):
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value):
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="credit_code_length",
            params={"count": len(code)},
        )
    bad = sorted({char for char in code if char not in CREDIT_CODE_ALPHABET})
    if bad:
        raise ValidationError(
            _("A unified social credit code cannot contain: %(chars)s."),
            code="credit_code_characters",
            params={"chars": " ".join(bad)},
        )
    if credit_code_check_character(code[:17]) != code[17]:
        raise ValidationError(
            _(
                "The check character of this unified social credit code is wrong; please re-check it."
            ),
            code="credit_code_check",
        )


def normalize_phone(value):
    """Drop spaces and the dashes people type inside a mobile number."""
    phone = re.sub(r"[\s()（）]", "", value or "")
    if phone.replace("-", "").startswith("1"):
        phone = phone.replace("-", "")
    return phone


def validate_phone(value):
    phone = normalize_phone(value)
    if not (MOBILE_RE.match(phone) or LANDLINE_RE.match(phone)):
        raise ValidationError(
            _(
                "Enter a mainland mobile number (11 digits starting with 1) "
                "or a landline with its area code, such as 0396-7921234."
            ),
            code="phone",
        )


def validate_division_code(value):
    if not DIVISION_CODE_RE.match(value or ""):
        raise ValidationError(
            _("A township division code has 9 digits: the county's 6 and the township's 3."),
            code="division_code",
        )
