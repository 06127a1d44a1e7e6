"""The demo county's duty: people present, late and absent on the shifts under way."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from duty_roster.models import Attendance, AttendanceState, LeaveApprover, LeaveReport


@pytest.fixture
def seeded(db):
    call_command("seed_demo", "--password", "demo-pass-x1", stdout=io.StringIO())


def test_demo_shows_people_present_late_and_absent_whatever_the_hour(seeded):
    # The roster starts yesterday, so shifts are under way at any hour the demo is seeded.
    started = Attendance.objects.filter(shift__starts_at__lte=timezone.now()).select_related(
        "shift"
    )
    states = {row.state for row in started}
    assert {AttendanceState.ON_TIME, AttendanceState.LATE, AttendanceState.MISSED} <= states
    assert Attendance.objects.missed().leaders().exists()


def test_demo_leave_goes_to_approvers_above_the_person(seeded):
    # Separate from the attendance test only in what it checks; both share one seeding cost.
    for leave in LeaveReport.objects.select_related("person", "approver"):
        assert LeaveApprover.objects.may_approve(leave.approver, leave.person)
    assert LeaveReport.objects.filter(approver__username="town1").exists()
