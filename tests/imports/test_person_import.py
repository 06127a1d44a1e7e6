"""People in difficulty from a workbook: the person form and the category form per row."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from imports.services import KINDS, run_import
from relief.models import DuplicateStatus, Person, PersonCategory, RegistrationConflict
from tests.imports.helpers import id_number, person_row
from tests.relief.factories import PersonFactory

pytestmark = pytest.mark.django_db
KIND = KINDS["people"]


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def rows(*values):
    return [(number, row) for number, row in enumerate(values, start=2)]


def errors_of(checked):
    return [(error.row, error.column, error.message) for error in checked.errors]


def test_people_are_registered_with_their_categories(town1, township1):
    checked, outcome = run_import(kind=KIND, user=town1, rows=rows(person_row(1), person_row(2)))
    assert (outcome.created, checked.errors) == (2, [])
    person = Person.objects.with_id_number(id_number(1)).get()
    assert person.township == township1
    assert person.birth_date == datetime.date(1940, 1, 1)
    assert sorted(person.categories.values_list("category", flat=True)) == [
        "elderly_alone",
        "tekun",
    ]
    assert person.categories.first().start_date == datetime.date(2024, 1, 1)


def test_a_full_width_id_number_is_stored_in_ascii(town1, township1):
    wide = id_number(1).translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    run_import(kind=KIND, user=town1, rows=rows(person_row(1, id_number=" " + wide)))
    assert Person.objects.get().id_number == id_number(1)


def test_bad_cells_are_named_with_the_reason_in_chinese(town1, township1):
    bad = person_row(
        1,
        id_number=id_number(1)[:17] + ("0" if id_number(1)[17] != "0" else "1"),
        phone="12",
        categories="特困、外星人",
        start_date="昨天",
        monthly_income="-5",
    )
    checked, outcome = run_import(kind=KIND, user=town1, rows=rows(bad))
    found = {(column, message) for _row, column, message in errors_of(checked)}
    columns = {column for column, _m in found}
    assert ("身份证号", "身份证号校验码错误，请重新核对。") in found or any(
        "校验" in message for column, message in found if column == "身份证号"
    )
    assert {"电话", "类别（用、分隔）", "类别起始日期", "本人月收入（元）"} <= columns
    assert not outcome.written and Person.objects.count() == 0


def test_a_category_date_before_2000_is_refused(town1, township1):
    checked, _o = run_import(
        kind=KIND, user=town1, rows=rows(person_row(1, start_date=datetime.date(1999, 1, 1)))
    )
    assert {column for _r, column, _m in errors_of(checked)} == {"类别起始日期"}


def test_a_repeated_id_number_in_the_file_is_an_error(town1, township1):
    checked, _o = run_import(kind=KIND, user=town1, rows=rows(person_row(1), person_row(1)))
    assert errors_of(checked) == [(3, "身份证号", "与本文件第 2 行重复。")]


def test_a_number_registered_in_another_township_is_an_error_that_names_no_one(
    town1, township1, township2
):
    PersonFactory(id_number=id_number(1), township=township2)
    checked, _o = run_import(kind=KIND, user=town1, rows=rows(person_row(1)))
    [(_row, column, message)] = errors_of(checked)
    assert column == "身份证号" and "其他乡镇" in message and township2.name not in message


def test_an_attempt_on_another_townships_number_is_recorded_for_the_bureau(
    town1, township1, township2
):
    holder = PersonFactory(id_number=id_number(1), township=township2)
    KIND.check(town1, rows(person_row(1)))  # the preview records nothing
    assert not RegistrationConflict.objects.exists()
    run_import(kind=KIND, user=town1, rows=rows(person_row(1), person_row(2)))
    conflict = RegistrationConflict.objects.get()
    assert (conflict.person, conflict.township, conflict.asked_by) == (holder, township1, town1)
    assert conflict.masked_id == holder.masked_id
    assert list(Person.objects.all()) == [holder]  # all or nothing: the valid row waits too
    run_import(kind=KIND, user=town1, rows=rows(person_row(1), person_row(2)), valid_only=True)
    assert Person.objects.count() == 2
    assert RegistrationConflict.objects.count() == 1  # the same attempt, recorded once


def test_a_number_registered_in_the_clerks_township_is_left_as_it_is(town1, township1):
    PersonFactory(id_number=id_number(1), township=township1, name="原名")
    checked, outcome = run_import(kind=KIND, user=town1, rows=rows(person_row(1)))
    assert (outcome.created, outcome.existing, checked.errors) == (0, 1, [])
    assert Person.objects.get().name == "原名"


def test_importing_the_same_file_twice_changes_nothing(town1, township1):
    file = rows(person_row(1), person_row(2))
    run_import(kind=KIND, user=town1, rows=file)
    people = list(Person.objects.order_by("pk").values())
    categories = PersonCategory.objects.count()
    _checked, outcome = run_import(kind=KIND, user=town1, rows=file)
    assert (outcome.created, outcome.existing) == (0, 2)
    assert list(Person.objects.order_by("pk").values()) == people
    assert PersonCategory.objects.count() == categories


def test_same_name_and_birth_date_flags_both_as_likely_duplicates(town1, township1):
    existing = PersonFactory(name="王1", township=township1, id_number=id_number(1)[:14] + "9999")
    # The number's check digit is not the point here: the factory saves it as given.
    run_import(kind=KIND, user=town1, rows=rows(person_row(1)))
    existing.refresh_from_db()
    assert existing.duplicate_status == DuplicateStatus.FLAGGED
    assert (
        Person.objects.with_id_number(id_number(1)).get().duplicate_status
        == DuplicateStatus.FLAGGED
    )


def test_valid_rows_only_imports_the_others(town1, township1):
    checked, outcome = run_import(
        kind=KIND,
        user=town1,
        rows=rows(person_row(1), person_row(2, phone="12")),
        valid_only=True,
    )
    assert (outcome.created, outcome.rejected) == (1, 1)
    assert [row for row, _c, _m in errors_of(checked)] == [3]


def test_a_clerk_cannot_import_people_into_another_township(town1, township1, township2):
    checked, outcome = run_import(
        kind=KIND, user=town1, rows=rows(person_row(1, township="411726103"))
    )
    assert not outcome.written and errors_of(checked)[0][1] == "乡镇（名称或区划代码）"


def test_institution_staff_may_not_import_people(inst1):
    with pytest.raises(PermissionDenied):
        run_import(kind=KIND, user=inst1, rows=rows(person_row(1)))


def test_an_id_number_is_never_logged(town1, township1, caplog):
    caplog.set_level("DEBUG")
    run_import(kind=KIND, user=town1, rows=rows(person_row(1), person_row(1)))
    assert id_number(1) not in caplog.text


def test_queries_do_not_grow_with_rows(town1, township1, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as small:
        run_import(kind=KIND, user=town1, rows=rows(*[person_row(n) for n in range(5)]))
    with django_assert_max_num_queries(len(small.captured_queries)):
        run_import(kind=KIND, user=town1, rows=rows(*[person_row(n) for n in range(100, 160)]))
