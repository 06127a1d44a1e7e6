"""Check-in is each person's: the leader's presence (在岗带班) is recorded, absence (脱岗)
is per person, and a late arrival shows as late (迟到), not absent."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from duty_roster import services
from duty_roster.models import Attendance, AttendanceRole, AttendanceState
from tests.duty_roster.factories import DutyPostFactory, ShiftFactory, at
from tests.factories import TownshipStaffFactory


@pytest.fixture
def post(township1):
    return DutyPostFactory(name="羊册镇值班室", township=township1)


@pytest.fixture
def leader(township1):
    return TownshipStaffFactory(township=township1, full_name="王主任")


@pytest.fixture
def officer_on_duty(township1):
    return TownshipStaffFactory(township=township1, full_name="李值班")


@pytest.fixture
def shift(post, leader, officer_on_duty):
    return ShiftFactory(
        post=post,
        starts_at=at(10, 8),
        ends_at=at(10, 20),
        leader=leader,
        officers=[officer_on_duty],
    )


def row(shift, person):
    return Attendance.objects.get(shift=shift, person=person)


def test_a_generated_roster_gives_each_person_an_attendance_row(
    post, leader, officer_on_duty, officer
):
    shifts = services.generate_roster(
        post=post,
        first_day=datetime.date(2027, 2, 10),
        days=2,
        pattern=[(datetime.time(8, 30), 24)],
        officers=[officer_on_duty, leader],
        leaders=[leader],
        user=officer,
    )
    roles = [sorted(shift.attendances.values_list("person__full_name", "role")) for shift in shifts]
    # The second day the leader is also the officer in rotation: one row, as leader.
    assert roles == [[("李值班", "officer"), ("王主任", "leader")], [("王主任", "leader")]]


def test_the_leader_checks_in_for_themself(shift, leader, officer_on_duty):
    with time_machine.travel(at(10, 7, 55)):
        services.check_in(shift=shift, user=leader)
    assert row(shift, leader).state == AttendanceState.ON_TIME
    assert row(shift, officer_on_duty).state == AttendanceState.EXPECTED


def test_absence_is_marked_per_person(shift, leader, officer_on_duty):
    with time_machine.travel(at(10, 8, 5)):
        services.check_in(shift=shift, user=leader)
    assert services.mark_missed_check_ins(now=at(10, 8, 20)) == 1
    assert list(Attendance.objects.missed()) == [row(shift, officer_on_duty)]
    assert row(shift, leader).state == AttendanceState.ON_TIME


def test_a_leader_who_never_comes_is_absent_though_the_officer_came(shift, leader, officer_on_duty):
    with time_machine.travel(at(10, 8)):
        services.check_in(shift=shift, user=officer_on_duty)
    services.mark_missed_check_ins(now=at(10, 8, 30))
    assert list(Attendance.objects.missed().leaders()) == [row(shift, leader)]


def test_late_check_in_after_being_marked_absent_shows_late_not_absent(shift, officer_on_duty):
    services.mark_missed_check_ins(now=at(10, 8, 20))
    with time_machine.travel(at(10, 9, 10)):
        services.check_in(shift=shift, user=officer_on_duty)
    attendance = row(shift, officer_on_duty)
    assert attendance.state == AttendanceState.LATE
    assert attendance.missed_at == at(10, 8, 20)  # the record of the absence stays
    assert officer_on_duty not in [a.person for a in Attendance.objects.missed()]
    assert list(Attendance.objects.late()) == [attendance]


def test_check_in_after_the_grace_is_late_even_before_the_scan(shift, leader):
    with time_machine.travel(at(10, 8, 16)):
        services.check_in(shift=shift, user=leader)
    assert row(shift, leader).state == AttendanceState.LATE


def test_marking_twice_keeps_the_first_time(shift, officer_on_duty):
    assert services.mark_missed_check_ins(now=at(10, 8, 20)) == 2
    assert services.mark_missed_check_ins(now=at(10, 8, 25)) == 0
    assert row(shift, officer_on_duty).missed_at == at(10, 8, 20)


def test_missed_since_gives_only_the_newly_absent(post, shift, leader, officer_on_duty):
    services.mark_missed_check_ins(now=at(10, 8, 20))
    night = ShiftFactory(post=post, starts_at=at(10, 20), ends_at=at(11, 8), leader=leader)
    services.mark_missed_check_ins(now=at(10, 20, 20))
    assert list(Attendance.objects.missed(since=at(10, 20, 20))) == [row(night, leader)]


def test_shifts_long_over_are_not_marked(shift):
    assert services.mark_missed_check_ins(now=at(11, 21)) == 0


@pytest.mark.parametrize("count", [2, 20])
def test_the_scan_is_one_query_however_many_people(
    post, leader, township1, count, django_assert_num_queries
):
    for n in range(count):
        people = TownshipStaffFactory.create_batch(2, township=township1)
        ShiftFactory(
            post=post,
            starts_at=at(10, 8) + datetime.timedelta(hours=n),
            ends_at=at(10, 9) + datetime.timedelta(hours=n),
            leader=people[0],
            officers=[people[1]],
        )
    with django_assert_num_queries(1):
        marked = services.mark_missed_check_ins(now=at(11, 7))
    assert marked == 2 * count


def test_checking_out_needs_ones_own_check_in(shift, leader, officer_on_duty):
    with time_machine.travel(at(10, 8)):
        services.check_in(shift=shift, user=leader)
        with pytest.raises(ValidationError):
            services.check_out(shift=shift, user=officer_on_duty)


def test_an_approved_swap_hands_the_attendance_row_to_the_colleague(
    shift, officer_on_duty, township1, officer
):
    colleague = TownshipStaffFactory(township=township1, full_name="赵同事")
    swap = services.request_swap(
        shift=shift, user=officer_on_duty, replacement=colleague, reason="家中有事"
    )
    services.accept_swap(swap=swap, user=colleague)
    services.decide_swap(swap=swap, user=officer, approve=True)
    assert sorted(shift.attendances.values_list("person__full_name", "role")) == [
        ("王主任", AttendanceRole.LEADER),
        ("赵同事", AttendanceRole.OFFICER),
    ]


def test_a_swap_is_refused_once_the_requester_has_checked_in(
    shift, officer_on_duty, township1, officer
):
    colleague = TownshipStaffFactory(township=township1)
    swap = services.request_swap(
        shift=shift, user=officer_on_duty, replacement=colleague, reason="家中有事"
    )
    services.accept_swap(swap=swap, user=colleague)
    with time_machine.travel(at(10, 8)):
        services.check_in(shift=shift, user=officer_on_duty)
    with pytest.raises(ValidationError):
        services.decide_swap(swap=swap, user=officer, approve=True)
    assert row(shift, officer_on_duty).checked_in_at == at(10, 8)


def test_a_swap_to_someone_already_on_the_shift_is_refused(shift, leader, officer_on_duty):
    with pytest.raises(ValidationError) as error:
        services.request_swap(shift=shift, user=officer_on_duty, replacement=leader, reason="调休")
    assert "replacement" in error.value.error_dict


def test_editing_officers_in_the_admin_keeps_attendance_in_step(
    client_for, admin_user, shift, leader, officer_on_duty, township1
):
    newcomer = TownshipStaffFactory(township=township1)
    data = {
        "post": shift.post_id,
        "starts_at_0": "2027-02-10",
        "starts_at_1": "08:00",
        "ends_at_0": "2027-02-10",
        "ends_at_1": "20:00",
        "leader": leader.pk,
        "officers": [newcomer.pk],
        "handover_note": "",
        "attendances-TOTAL_FORMS": 2,
        "attendances-INITIAL_FORMS": 2,
        "log_entries-TOTAL_FORMS": 0,
        "log_entries-INITIAL_FORMS": 0,
    }
    for n, attendance in enumerate(shift.attendances.all()):
        data[f"attendances-{n}-id"] = attendance.pk
        data[f"attendances-{n}-shift"] = shift.pk
    response = client_for(admin_user).post(
        reverse("admin:duty_roster_shift_change", args=[shift.pk]), data
    )
    assert response.status_code == 302, response.context["errors"]
    assert set(shift.attendances.values_list("person", flat=True)) == {leader.pk, newcomer.pk}


def test_duty_page_shows_the_leaders_presence_and_who_is_absent(
    client_for, shift, leader, officer_on_duty
):
    with time_machine.travel(at(10, 7, 58)):
        services.check_in(shift=shift, user=leader)
    services.mark_missed_check_ins(now=at(10, 8, 20))
    with time_machine.travel(at(10, 8, 30)):
        page = client_for(leader).get(reverse("duty_roster:index"))
    html = page.content.decode()
    assert [(a.person, a.state) for a in page.context["on_duty_now"][0].attendances.all()] == [
        (leader, AttendanceState.ON_TIME),
        (officer_on_duty, AttendanceState.MISSED),
    ]
    assert '王主任 <span class="badge text-bg-success">在岗 07:58' in html
    assert [a.person for a in page.context["missed"]] == [officer_on_duty]


def test_shift_page_shows_each_persons_state(client_for, shift, leader, officer_on_duty):
    services.mark_missed_check_ins(now=at(10, 8, 20))
    with time_machine.travel(at(10, 9)):
        services.check_in(shift=shift, user=leader)
        html = client_for(officer_on_duty).get(reverse("duty_roster:shift", args=[shift.pk]))
    html = html.content.decode()
    assert "迟到 09:00" in html
    assert "脱岗" in html


def test_home_panel_counts_absent_people(client_for, shift, officer):
    services.mark_missed_check_ins(now=at(10, 8, 20))
    with time_machine.travel(at(10, 9)):
        response = client_for(officer).get(reverse("home"))
    panel = next(p for p in response.context["panels"] if "missed" in p)
    assert panel["missed"] == 2
