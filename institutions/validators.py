"""Validators for Chinese identifiers and phone numbers, with messages in Chinese."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

# GB 32100-2015: the unified social credit code's alphabet leaves out I, O, Z, S, V.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# ASCII only: \d would also accept full-width and other scripts' digits, which would then be
# stored as a different string from the same number typed in ASCII.
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
# Area code 0xx/0xxx, 7-8 digit number, optional extension: 0396-7921234, 03967921234-801.
LANDLINE_RE = re.compile(r"^0[0-9]{2,3}-?[2-9][0-9]{6,7}(-[0-9]{1,6})?$")
DIVISION_CODE_RE = re.compile(r"^[0-9]{9}$")
# Dashes people type between the parts of a phone number, as the ASCII hyphen.
DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63", "-"))
# Raw input may carry spaces, full-width characters or a leading space from a paste: forms
# accept this many characters and store the normalised value.
RAW_IDENTIFIER_MAX_LENGTH = 30


def _is_blank(char):
    # Whitespace of every kind, and invisible format characters (zero-width space, BOM) that
    # come along when a number is copied from a chat message or a document.
    return char.isspace() or unicodedata.category(char) == "Cf"


@sensitive_variables()
def normalize_identifier(value):
    """An identifier as typed or pasted, in the one form the registers store.

    A Chinese input method gives full-width digits and letters (１２３Ｘ) and the full-width
    space; NFKC turns them into ASCII. Every blank goes, letters become capitals.
    """
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(char for char in text if not _is_blank(char)).upper()


def credit_code_check_character(first17):
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(value):
    return normalize_identifier(value)


def validate_credit_code(value):
    code = normalize_credit_code(value)
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
    """ASCII digits, no blanks or brackets, and no dashes inside a mobile number."""
    phone = unicodedata.normalize("NFKC", value or "").translate(DASHES)
    phone = "".join(char for char in phone if not (_is_blank(char) or char in "()"))
    if phone.replace("-", "").startswith("1"):
        phone = phone.replace("-", "")
    return phone


def validate_phone(value):
    phone = normalize_phone(value)
    if not (MOBILE_RE.fullmatch(phone) or LANDLINE_RE.fullmatch(phone)):
        raise ValidationError(
            _(
                "Enter a mainland mobile number (11 digits starting with 1) "
                "or a landline with its area code, such as 0396-7921234."
            ),
            code="phone",
        )


def validate_division_code(value):
    if not DIVISION_CODE_RE.fullmatch(value or ""):
        raise ValidationError(
            _("A township division code has 9 digits: the county's 6 and the township's 3."),
            code="division_code",
        )
