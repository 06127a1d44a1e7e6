import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from relief.validators import (
    birth_date_of,
    check_character,
    mask_id_number,
    normalize_id_number,
    sex_of,
    validate_id_number,
)


@pytest.mark.parametrize(
    "number", ["11010519491231002X", "360426199101010071", "11010519491231002x"]
)
def test_published_valid_numbers_pass(number):
    validate_id_number(number)


def test_bad_check_digit_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_id_number("110105194912310021")
    assert error.value.code == "id_check"


@pytest.mark.parametrize(
    "number", ["110105194902300021", "110105199913310021", "110105290001010021"]
)
def test_impossible_birth_dates_are_refused(number):
    with pytest.raises(ValidationError) as error:
        validate_id_number(number)
    assert error.value.code == "id_date"


@pytest.mark.parametrize("number", ["11010519491231002", "11010519491231002X1", ""])
def test_wrong_length_is_refused(number):
    with pytest.raises(ValidationError) as error:
        validate_id_number(number)
    assert error.value.code == "id_length"


def test_letters_other_than_a_final_x_are_refused():
    with pytest.raises(ValidationError) as error:
        validate_id_number("1101051949123A002X")
    assert error.value.code == "id_characters"


def test_birth_date_and_sex_come_from_the_number():
    assert birth_date_of("11010519491231002X") == datetime.date(1949, 12, 31)
    assert sex_of("11010519491231002X") == "female"
    assert sex_of("360426199101010071") == "male"


def test_masked_number_shows_only_the_ends():
    assert mask_id_number("41010119800101123X") == "4101**********123X"


VALID = "11010519491231002X"


@pytest.mark.parametrize(
    "typed",
    [
        "１１０１０５１９４９１２３１００２Ｘ",  # a Chinese input method's full-width digits and X
        "１１０１０５１９４９１２３１００２ｘ",
        " 11010519491231002X",  # pasted with a leading space
        "110105 19491231 002x",
        "110105\u300019491231\u3000002X",  # full-width space
        "\ufeff11010519491231\u200b002X\n",  # a byte-order mark and a zero-width space
    ],
)
def test_every_spelling_of_a_number_normalises_to_the_one_stored_form(typed):
    assert normalize_id_number(typed) == VALID
    validate_id_number(typed)


@pytest.mark.parametrize(
    "number",
    [
        "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",  # Arabic-Indic digits: \d takes them, int() reads them
        "\u0967" + VALID[1:],  # one Devanagari digit
    ],
)
def test_digits_of_other_scripts_are_refused(number):
    with pytest.raises(ValidationError) as error:
        validate_id_number(number)
    assert error.value.code == "id_characters"


@time_machine.travel(datetime.datetime(2027, 1, 15, 10, tzinfo=datetime.UTC), tick=False)
def test_a_birth_date_after_today_or_before_1900_is_refused():
    for born in ("20270116", "18991231"):
        first17 = f"110105{born}002"
        with pytest.raises(ValidationError) as error:
            validate_id_number(first17 + check_character(first17))
        assert error.value.code == "id_date"
    first17 = "11010520270115002"
    validate_id_number(first17 + check_character(first17))
