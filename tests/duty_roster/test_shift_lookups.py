"""Who is on which shift, and which shifts are under way: the lookups the duty pages, the
leave checks and the reminders share, written so an index answers them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from duty_roster.models import Attendance, Shift
from tests.duty_roster.factories import DutyPostFactory, ShiftFactory, at
from tests.factories import TownshipStaffFactory


@pytest.fixture
def people(township1):
    return TownshipStaffFactory.create_batch(3, township=township1)


@pytest.fixture
def post(township1):
    return DutyPostFactory(township=township1)


def test_involving_finds_led_and_officer_shifts_once_each(post, people):
    leader, colleague, _stranger = people
    led = ShiftFactory(post=post, starts_at=at(10, 8), ends_at=at(10, 20), leader=leader)
    both = ShiftFactory(
        post=post,
        starts_at=at(10, 20),
        ends_at=at(11, 8),
        leader=leader,
        officers=[leader, colleague],  # leader and officer on the same shift
    )
    helped = ShiftFactory(
        post=post, starts_at=at(11, 8), ends_at=at(11, 20), leader=colleague, officers=[leader]
    )
    assert list(Shift.objects.involving(leader).order_by("starts_at")) == [led, both, helped]
    assert list(Shift.objects.involving(colleague).order_by("starts_at")) == [both, helped]


def test_involving_leaves_out_someone_on_no_shift(post, people):
    leader, colleague, stranger = people
    ShiftFactory(post=post, leader=leader, officers=[colleague])
    assert not Shift.objects.involving(stranger).exists()


def test_involving_chains_like_any_queryset(post, people):
    leader, colleague, _stranger = people
    ShiftFactory(post=post, starts_at=at(9, 8), ends_at=at(9, 20), leader=leader)
    later = ShiftFactory(
        post=post, starts_at=at(10, 8), ends_at=at(10, 20), leader=colleague, officers=[leader]
    )
    found = Shift.objects.involving(leader).overlapping(at(10, 0), at(11, 0))
    assert list(found) == [later]
    assert found.count() == 1


def test_a_shift_under_way_is_found_up_to_its_last_minute(post, people):
    long = ShiftFactory(
        post=post, starts_at=at(10, 8), ends_at=at(12, 8), leader=people[0], officers=[people[1]]
    )
    assert list(Shift.objects.under_way(at(12, 7, 59))) == [long]
    assert not Shift.objects.under_way(at(12, 8)).exists()
    assert not Shift.objects.under_way(at(10, 7, 59)).exists()
    assert set(Attendance.objects.under_way(at(12, 7)).values_list("person", flat=True)) == {
        people[0].pk,
        people[1].pk,
    }


def test_overlapping_finds_a_48_hour_shift_from_its_far_end(post, people):
    long = ShiftFactory(post=post, starts_at=at(10, 8), ends_at=at(12, 8), leader=people[0])
    assert list(Shift.objects.overlapping(at(12, 7), at(12, 9))) == [long]


def test_the_database_refuses_a_shift_longer_than_48_hours(post, people):
    with pytest.raises(IntegrityError), transaction.atomic():
        Shift.objects.create(
            post=post,
            starts_at=at(10, 8),
            ends_at=at(10, 8) + datetime.timedelta(hours=48, minutes=1),
            leader=people[0],
        )


def test_the_admin_form_says_a_shift_is_too_long(post, people):
    shift = Shift(post=post, starts_at=at(10, 8), ends_at=at(13, 8), leader=people[0])
    with pytest.raises(ValidationError) as error:
        shift.full_clean()
    assert "48" in str(error.value)
