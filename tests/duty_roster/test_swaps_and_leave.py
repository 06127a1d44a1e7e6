"""Swaps need the colleague's yes and an approver who is neither party; leave must be covered."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from duty_roster import services
from duty_roster.models import RequestStatus
from tests.duty_roster.factories import (
    DutyPostFactory,
    LeaveApproverFactory,
    ShiftFactory,
    at,
)
from tests.factories import TownshipStaffFactory, UserFactory


@pytest.fixture
def shift(township1):
    post = DutyPostFactory(township=township1)
    leader = TownshipStaffFactory(township=township1, full_name="带班领导")
    officer_on_duty = TownshipStaffFactory(township=township1, full_name="值班员甲")
    return ShiftFactory(
        post=post, starts_at=at(10, 8), ends_at=at(11, 8), leader=leader, officers=[officer_on_duty]
    )


@pytest.fixture
def colleague(township1):
    return TownshipStaffFactory(township=township1, full_name="值班员乙")


def test_approved_swap_puts_the_colleague_on_the_roster(shift, colleague, officer):
    requester = shift.officers.get()
    swap = services.request_swap(
        shift=shift, user=requester, replacement=colleague, reason="家中有事"
    )
    services.accept_swap(swap=swap, user=colleague)
    services.decide_swap(swap=swap, user=officer, approve=True)
    assert list(shift.officers.all()) == [colleague]


def test_swap_cannot_be_approved_before_the_colleague_accepts(shift, colleague, officer):
    swap = services.request_swap(
        shift=shift, user=shift.officers.get(), replacement=colleague, reason="家中有事"
    )
    with pytest.raises(ValidationError):
        services.decide_swap(swap=swap, user=officer, approve=True)


def test_nobody_approves_a_swap_they_are_part_of(shift, officer):
    swap = services.request_swap(
        shift=shift, user=shift.officers.get(), replacement=officer, reason="调休"
    )
    services.accept_swap(swap=swap, user=officer)
    with pytest.raises(PermissionDenied):
        services.decide_swap(swap=swap, user=officer, approve=True)


def test_township_staff_cannot_approve_swaps(shift, colleague, town1):
    swap = services.request_swap(
        shift=shift, user=shift.officers.get(), replacement=colleague, reason="家中有事"
    )
    services.accept_swap(swap=swap, user=colleague)
    with pytest.raises(PermissionDenied):
        services.decide_swap(swap=swap, user=town1, approve=True)


def test_only_the_named_colleague_can_accept(shift, colleague, town1):
    swap = services.request_swap(
        shift=shift, user=shift.officers.get(), replacement=colleague, reason="家中有事"
    )
    with pytest.raises(PermissionDenied):
        services.accept_swap(swap=swap, user=town1)


def test_swapping_the_leader_moves_the_leadership(shift, colleague, officer):
    swap = services.request_swap(
        shift=shift, user=shift.leader, replacement=colleague, reason="出差"
    )
    services.accept_swap(swap=swap, user=colleague)
    services.decide_swap(swap=swap, user=officer, approve=True)
    shift.refresh_from_db()
    assert shift.leader == colleague


def leave_for(person, approver):
    return services.file_leave(
        person=person,
        destination="驻马店市",
        starts_at=at(10, 12),
        ends_at=at(10, 18),
        reason="参加会议",
        contact="13903960001",
        approver=approver,
    )


def test_leave_with_no_approver_is_refused(shift):
    with pytest.raises(ValidationError) as error:
        leave_for(shift.leader, None)
    assert "approver" in error.value.error_dict


def test_leave_over_a_led_shift_cannot_be_approved_until_covered(shift, colleague, officer):
    approver = LeaveApproverFactory(user=UserFactory(full_name="局长")).user
    leave = leave_for(shift.leader, approver)
    with pytest.raises(ValidationError):
        services.decide_leave(leave=leave, user=approver, approve=True)
    swap = services.request_swap(
        shift=shift, user=shift.leader, replacement=colleague, reason="外出开会"
    )
    services.accept_swap(swap=swap, user=colleague)
    services.decide_swap(swap=swap, user=officer, approve=True)
    services.decide_leave(leave=leave, user=approver, approve=True)
    leave.refresh_from_db()
    assert leave.status == RequestStatus.APPROVED


def test_only_the_named_approver_decides_leave(shift, officer):
    leave = leave_for(shift.officers.get(), LeaveApproverFactory().user)
    with pytest.raises(PermissionDenied):
        services.decide_leave(leave=leave, user=officer, approve=True)
