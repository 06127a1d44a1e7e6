"""Rosters: coverage without gaps or overlaps, generation over the holiday, bad shifts refused."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from duty_roster import services
from duty_roster.models import Attendance, Shift
from tests.duty_roster.factories import SHANGHAI, DutyPostFactory, ShiftFactory, at
from tests.factories import TownshipStaffFactory, UserFactory


@pytest.fixture
def post(township1):
    return DutyPostFactory(name="羊册镇社会事务服务中心值班室", township=township1)


@pytest.fixture
def people(township1):
    return [TownshipStaffFactory(township=township1, full_name=f"值班员{n}") for n in range(3)]


def test_coverage_finds_the_gap_between_shifts(post, people):
    ShiftFactory(post=post, starts_at=at(10, 8), ends_at=at(10, 20), leader=people[0])
    ShiftFactory(post=post, starts_at=at(10, 22), ends_at=at(11, 8), leader=people[1])
    gaps, overlaps = services.coverage(post, at(10, 8), at(11, 8))
    assert gaps == [(at(10, 20), at(10, 22))]
    assert overlaps == []


def test_coverage_reports_uncovered_ends_of_the_period(post, people):
    ShiftFactory(post=post, starts_at=at(10, 12), ends_at=at(10, 18), leader=people[0])
    gaps, _overlaps = services.coverage(post, at(10, 8), at(11, 8))
    assert gaps == [(at(10, 8), at(10, 12)), (at(10, 18), at(11, 8))]


def test_coverage_reports_overlapping_shifts(post, people):
    # Written straight to the table, as an import might: the form would refuse it.
    # PostgreSQL refuses such rows itself (the test after next), so only SQLite can hold them.
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL's exclusion constraint refuses overlapping rows")
    first = ShiftFactory(post=post, starts_at=at(10, 8), ends_at=at(10, 20), leader=people[0])
    second = ShiftFactory(post=post, starts_at=at(10, 19), ends_at=at(11, 8), leader=people[1])
    _gaps, overlaps = services.coverage(post, at(10, 8), at(11, 8))
    assert overlaps == [(first, second)]


def test_generating_the_festival_roster_covers_every_hour(post, people, officer):
    shifts = services.generate_roster(
        post=post,
        first_day=datetime.date(2027, 2, 5),
        days=9,
        pattern=[(datetime.time(8, 0), 12), (datetime.time(20, 0), 12)],
        officers=people,
        leaders=[officer],
        user=officer,
    )
    assert len(shifts) == 18
    gaps, overlaps = services.coverage(post, at(5, 8), at(14, 8))
    assert gaps == [] and overlaps == []


def test_night_shifts_cross_midnight_in_shanghai_time(post, people, officer):
    shifts = services.generate_roster(
        post=post,
        first_day=datetime.date(2027, 2, 6),
        days=1,
        pattern=[(datetime.time(8, 0), 12), (datetime.time(20, 0), 12)],
        officers=people,
        leaders=[officer],
        user=officer,
    )
    night = shifts[1]
    assert night.starts_at == at(6, 20)
    assert night.ends_at.astimezone(SHANGHAI) == at(7, 8)
    assert night.starts_at.astimezone(datetime.UTC).hour == 12  # 20:00 in UTC+8, no DST


def test_rotation_takes_people_in_turn(post, people, officer):
    shifts = services.generate_roster(
        post=post,
        first_day=datetime.date(2027, 2, 5),
        days=3,
        pattern=[(datetime.time(8, 30), 24)],
        officers=people,
        leaders=[officer],
        user=officer,
    )
    assert [list(s.officers.all()) for s in shifts] == [[people[0]], [people[1]], [people[2]]]


def test_generation_refuses_to_overlap_an_existing_shift_and_creates_nothing(post, people, officer):
    ShiftFactory(post=post, starts_at=at(6, 8), ends_at=at(6, 12), leader=people[0])
    with pytest.raises(ValidationError):
        services.generate_roster(
            post=post,
            first_day=datetime.date(2027, 2, 5),
            days=3,
            pattern=[(datetime.time(8, 30), 24)],
            officers=people,
            leaders=[officer],
            user=officer,
        )
    assert Shift.objects.count() == 1


def test_shift_ending_before_it_starts_is_refused(post, people, officer):
    with pytest.raises(ValidationError) as error:
        services.create_shift(
            post=post,
            starts_at=at(10, 20),
            ends_at=at(10, 8),
            leader=officer,
            officers=[people[0]],
            user=officer,
        )
    assert "ends_at" in error.value.error_dict


def test_shift_overlapping_another_at_the_same_post_is_refused(post, people, officer):
    ShiftFactory(post=post, starts_at=at(10, 8), ends_at=at(10, 20), leader=people[0])
    with pytest.raises(ValidationError) as error:
        services.create_shift(
            post=post,
            starts_at=at(10, 18),
            ends_at=at(11, 8),
            leader=officer,
            officers=[people[1]],
            user=officer,
        )
    assert "starts_at" in error.value.error_dict


def test_person_on_two_posts_at_once_is_refused(post, people, officer, township2):
    other = DutyPostFactory(township=township2)
    ShiftFactory(
        post=other, starts_at=at(10, 8), ends_at=at(10, 20), leader=officer, officers=[people[0]]
    )
    with pytest.raises(ValidationError) as error:
        services.create_shift(
            post=post,
            starts_at=at(10, 12),
            ends_at=at(10, 22),
            leader=people[1],
            officers=[people[0]],
            user=officer,
        )
    assert people[0].full_name in error.value.error_dict["officers"][0].message


def test_township_staff_cannot_roster_another_townships_post(post, town2, people):
    with pytest.raises(PermissionDenied):
        services.create_shift(
            post=post,
            starts_at=at(10, 8),
            ends_at=at(10, 20),
            leader=people[0],
            officers=[people[1]],
            user=town2,
        )


def test_shift_table_refuses_an_end_before_the_start(post, people):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Shift.objects.create(post=post, starts_at=at(10, 8), ends_at=at(10, 7), leader=people[0])


def test_missed_check_in_is_marked(post, people):
    import time_machine

    late = ShiftFactory(post=post, starts_at=at(10, 8), ends_at=at(10, 20), leader=people[0])
    done = ShiftFactory(post=post, starts_at=at(10, 20), ends_at=at(11, 8), leader=people[1])
    with time_machine.travel(at(10, 21)):
        services.check_in(shift=done, user=people[1])
        assert services.mark_missed_check_ins() == 1
    assert [row.shift for row in Attendance.objects.missed()] == [late]


def test_check_in_only_for_people_on_the_shift_and_in_its_window(post, people):
    import time_machine

    shift = ShiftFactory(post=post, starts_at=at(10, 8), ends_at=at(10, 20), leader=people[0])
    with time_machine.travel(at(10, 9)):
        with pytest.raises(PermissionDenied):
            services.check_in(shift=shift, user=people[1])
        services.check_in(shift=shift, user=people[0])
    with time_machine.travel(at(9, 9)), pytest.raises(ValidationError):
        services.check_in(
            shift=ShiftFactory(
                post=post, starts_at=at(11, 8), ends_at=at(11, 20), leader=people[0]
            ),
            user=people[0],
        )


def test_next_shift_acknowledges_the_handover(post, people):
    first = ShiftFactory(post=post, starts_at=at(10, 8), ends_at=at(10, 20), leader=people[0])
    ShiftFactory(post=post, starts_at=at(10, 20), ends_at=at(11, 8), leader=people[1])
    services.write_handover(shift=first, user=people[0], note="敬老院3号楼电路需复查")
    with pytest.raises(PermissionDenied):
        services.acknowledge_handover(shift=first, user=people[2])
    services.acknowledge_handover(shift=first, user=people[1])
    first.refresh_from_db()
    assert first.handover_acknowledged_by == people[1]


def test_bureau_officer_is_never_on_a_shift_they_do_not_hold(post, people):
    shift = ShiftFactory(post=post, leader=people[0])
    assert not services.is_on_shift(UserFactory(), shift)


def test_holiday_posts_are_rostered_on_days_off_only(post, people, officer):
    from duty_roster.models import Holiday

    # 2027-02-05 (Fri) a holiday; 2027-02-06/07 a weekend; 2027-02-08 (Mon) made a working day.
    Holiday.objects.create(date=datetime.date(2027, 2, 5), kind="holiday", name="春节")
    Holiday.objects.create(date=datetime.date(2027, 2, 8), kind="workday", name="调休上班")
    shifts = services.generate_roster(
        post=post,
        first_day=datetime.date(2027, 2, 4),
        days=6,
        pattern=[(datetime.time(8, 30), 9)],
        officers=people,
        leaders=[officer],
        user=officer,
        days_off_only=True,
    )
    assert [s.starts_at.astimezone(SHANGHAI).day for s in shifts] == [5, 6, 7]


@pytest.mark.django_db
def test_postgresql_itself_refuses_overlapping_shifts_at_one_post(post, people):
    from django.db import IntegrityError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("exclusion constraints exist on PostgreSQL only")
    ShiftFactory(post=post, starts_at=at(10, 8), ends_at=at(10, 20), leader=people[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        ShiftFactory(post=post, starts_at=at(10, 19), ends_at=at(11, 8), leader=people[1])
