"""The holiday calendar from a workbook: days off and adjusted working days, by date."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from duty_roster.models import Holiday
from imports.services import KINDS, run_import

pytestmark = pytest.mark.django_db
KIND = KINDS["holidays"]


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def rows(*values):
    return [(number, list(row)) for number, row in enumerate(values, start=2)]


SPRING = rows(
    (datetime.date(2027, 2, 6), "放假", "春节", ""),
    (datetime.date(2027, 2, 7), "holiday", "春节", ""),
    ("2027-02-14", "上班", "春节调休", "国务院办公厅通知"),
)


def test_days_off_and_working_days_are_imported(officer):
    checked, outcome = run_import(kind=KIND, user=officer, rows=SPRING)
    assert (outcome.created, checked.errors) == (3, [])
    assert Holiday.objects.get(date=datetime.date(2027, 2, 14)).kind == Holiday.Kind.WORKDAY


def test_importing_the_calendar_twice_changes_nothing(officer):
    run_import(kind=KIND, user=officer, rows=SPRING)
    _checked, outcome = run_import(kind=KIND, user=officer, rows=SPRING)
    assert (outcome.created, outcome.existing) == (0, 3)
    assert Holiday.objects.count() == 3


def test_bad_dates_kinds_and_repeats_are_named(officer):
    checked, outcome = run_import(
        kind=KIND,
        user=officer,
        rows=rows(
            ("2027-02-30", "放假", "春节", ""),
            (datetime.date(2207, 2, 6), "放假", "春节", ""),
            (datetime.date(2027, 2, 6), "加班", "春节", ""),
            (datetime.date(2027, 2, 7), "放假", "春节", ""),
            (datetime.date(2027, 2, 7), "放假", "春节", ""),
        ),
    )
    columns = [(error.row, error.column) for error in checked.errors]
    assert columns == [(2, "日期"), (3, "日期"), (4, "类型"), (6, "日期")]
    assert not outcome.written and Holiday.objects.count() == 0


def test_township_staff_may_not_import_the_calendar(town1):
    with pytest.raises(PermissionDenied):
        run_import(kind=KIND, user=town1, rows=SPRING)
