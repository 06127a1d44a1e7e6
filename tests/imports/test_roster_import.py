"""A period's duty roster from a workbook: each shift under the roster page's rules."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import translation

from duty_roster.models import Attendance, Shift
from imports.services import KINDS, run_import
from tests.duty_roster.factories import DutyPostFactory, ShiftFactory, at
from tests.factories import TownshipStaffFactory

pytestmark = pytest.mark.django_db
KIND = KINDS["rosters"]


@pytest.fixture(autouse=True)
def _spring_festival_2027():
    with time_machine.travel(at(1, 9), tick=True), translation.override("zh-hans"):
        yield


@pytest.fixture
def post(township1):
    return DutyPostFactory(name="羊册镇社会事务服务中心", township=township1)


@pytest.fixture
def staff(township1):
    return [
        TownshipStaffFactory(username=f"yc{n}", full_name=name, township=township1)
        for n, name in enumerate(["张建国", "李明", "王芳"])
    ]


def rows(*values):
    return [(number, list(row)) for number, row in enumerate(values, start=2)]


def day(n, post_name="羊册镇社会事务服务中心", leader="张建国", officers="李明、王芳"):
    start = datetime.datetime(2027, 2, n, 8, 30)
    return (post_name, start, start + datetime.timedelta(hours=24), leader, officers)


def errors_of(checked):
    return [(error.row, error.column, error.message) for error in checked.errors]


def test_a_roster_is_imported_with_its_people(town1, post, staff):
    checked, outcome = run_import(kind=KIND, user=town1, rows=rows(day(6), day(7)))
    assert (outcome.created, checked.errors) == (2, [])
    shift = Shift.objects.get(starts_at=at(6, 8, 30))
    assert shift.leader == staff[0]
    assert set(shift.officers.all()) == {staff[1], staff[2]}
    assert Attendance.objects.filter(shift=shift).count() == 3


def test_importing_the_roster_twice_changes_nothing(town1, post, staff):
    run_import(kind=KIND, user=town1, rows=rows(day(6), day(7)))
    checked, outcome = run_import(kind=KIND, user=town1, rows=rows(day(6), day(7)))
    assert (outcome.created, outcome.existing, checked.errors) == (0, 2, [])
    assert Shift.objects.count() == 2


def test_overlaps_within_the_file_and_with_the_database_are_named(town1, post, staff):
    ShiftFactory(post=post, starts_at=at(8, 20), leader=staff[0])
    late = (
        "羊册镇社会事务服务中心",
        datetime.datetime(2027, 2, 6, 20, 0),
        datetime.datetime(2027, 2, 7, 8, 0),
        "张建国",
        "王芳",
    )
    checked, outcome = run_import(kind=KIND, user=town1, rows=rows(day(6), late, day(8)))
    found = errors_of(checked)
    assert found[0][:2] == (3, "开始时间") and "第 2 行" in found[0][2]
    assert found[1][:2] == (4, "开始时间")
    assert not outcome.written and Shift.objects.count() == 1


def test_unknown_people_posts_and_times_are_named(town1, post, staff):
    checked, _o = run_import(
        kind=KIND,
        user=town1,
        rows=rows(
            day(6, leader="查无此人"),
            day(7, post_name="不存在的值班点"),
            ("羊册镇社会事务服务中心", "明天", "后天", "张建国", ""),
        ),
    )
    columns = [(row, column) for row, column, _m in errors_of(checked)]
    assert (2, "带班领导") in columns and (3, "值班岗位") in columns
    assert (4, "开始时间") in columns and (4, "结束时间") in columns


def test_a_clerk_cannot_roster_another_townships_post(town1, township2, staff):
    DutyPostFactory(name="马谷田镇社会事务服务中心", township=township2)
    checked, outcome = run_import(
        kind=KIND, user=town1, rows=rows(day(6, post_name="马谷田镇社会事务服务中心"))
    )
    assert not outcome.written and errors_of(checked)[0][1] == "值班岗位"


def test_institution_staff_may_not_import_rosters(inst1):
    with pytest.raises(PermissionDenied):
        run_import(kind=KIND, user=inst1, rows=rows(day(6)))
