import pytest
from django.core.exceptions import ValidationError

from institutions.validators import (
    credit_code_check_character,
    normalize_credit_code,
    normalize_phone,
    validate_credit_code,
    validate_division_code,
    validate_phone,
)


def _with_check(first17):
    return first17 + credit_code_check_character(first17)


@pytest.mark.parametrize("code", ["91350100M000100Y43", _with_check("12411726123456789")])
def test_valid_credit_codes_pass(code):
    validate_credit_code(code)


def test_credit_code_check_character_of_a_known_code():
    assert credit_code_check_character("91350100M000100Y4") == "3"


def test_credit_code_with_wrong_check_character_is_refused():
    code = "91350100M000100Y43"
    wrong = code[:17] + ("4" if code[17] != "4" else "5")
    with pytest.raises(ValidationError) as error:
        validate_credit_code(wrong)
    assert error.value.code == "credit_code_check"


def test_credit_code_of_wrong_length_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_credit_code("91350100M000100Y4")
    assert error.value.code == "credit_code_length"


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_credit_code_with_letters_outside_the_alphabet_is_refused(letter):
    with pytest.raises(ValidationError) as error:
        validate_credit_code("91350100M000100Y4" + letter)
    assert error.value.code == "credit_code_characters"


@pytest.mark.parametrize(
    "phone", ["13903960001", "139 0396 0001", "0396-7921234", "03967921234", "010-88886666-801"]
)
def test_mobile_and_landline_numbers_pass(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["12903960001", "1390396000", "7921234", "0396-0921234", "abc"])
def test_malformed_phone_numbers_are_refused(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)


def test_mobile_numbers_are_stored_without_spaces_or_dashes():
    assert normalize_phone("139-0396 0001") == "13903960001"
    assert normalize_phone("0396-7921234") == "0396-7921234"


def test_division_code_needs_nine_digits():
    validate_division_code("411726102")
    with pytest.raises(ValidationError):
        validate_division_code("411726")


def full_width(text):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("１３９０３９６０００１", "13903960001"),  # a Chinese input method's digits
        ("１３９－０３９６　０００１", "13903960001"),  # full-width dash and space
        ("０３９６－７９２１２３４", "0396-7921234"),
        ("（0396）7921234", "03967921234"),
        ("\ufeff0396\u20137921234", "0396-7921234"),  # a BOM and an en dash from a document
    ],
)
def test_phone_numbers_typed_in_full_width_are_stored_in_ascii(typed, stored):
    assert normalize_phone(typed) == stored
    validate_phone(typed)


@pytest.mark.parametrize("phone", ["١٣٩٠٣٩٦٠٠٠١", "13903960001\n0"])
def test_phone_numbers_in_other_scripts_digits_are_refused(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)


def test_a_credit_code_in_full_width_lower_case_with_spaces_is_the_same_code():
    code = "91350100M000100Y43"
    typed = "　" + full_width(code.lower()[:9]) + " " + code[9:]
    assert normalize_credit_code(typed) == code
    validate_credit_code(typed)


@pytest.mark.parametrize("code", ["４１１７２６１０２", "411726102\n", "٤١١٧٢٦١٠٢"])
def test_a_division_code_must_be_nine_ascii_digits(code):
    with pytest.raises(ValidationError):
        validate_division_code(code)
