"""Migrations that add constraints first repair the rows those constraints would refuse."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from duty_roster.models import (
    Attendance,
    AttendanceRole,
    AttendanceState,
    Holiday,
    Incident,
    LeaveApprover,
    LeaveReport,
    Shift,
)
from tests.duty_roster.factories import SHANGHAI, at

BEFORE_REPAIRS = [("duty_roster", "0002_shift_no_overlap_postgresql")]
NOW = at(10, 9)


def migrate_to(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_rows_the_new_constraints_refuse_are_repaired_first(township1, officer, town1):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    # Year 1 in Shanghai is BC in UTC: PostgreSQL stores it, SQLite cannot; 1999 fails both.
    year = 1 if connection.vendor == "postgresql" else 1999
    bad = datetime.datetime(year, 1, 1, tzinfo=SHANGHAI)
    try:
        old = migrate_to(BEFORE_REPAIRS)
        post = old.get_model("duty_roster", "DutyPost").objects.create(
            name="羊册镇值班室", kind="township", township_id=township1.pk, phone="0396-7921110"
        )
        shift = old.get_model("duty_roster", "Shift").objects.create(
            post=post,
            starts_at=bad,
            ends_at=bad + datetime.timedelta(hours=24),
            leader_id=officer.pk,
            is_missed=False,
        )
        old.get_model("duty_roster", "DutyLogEntry").objects.create(
            shift=shift, kind="call", text="来电", author_id=officer.pk, at=bad
        )
        incident_model = old.get_model("duty_roster", "Incident")
        fields = {
            "township_id": township1.pk,
            "place": "1号楼",
            "category": "fire",
            "severity": "ordinary",
            "summary": "冒烟",
            "actions_taken": "已扑灭",
            "who_was_told": "镇值班室",
            "reported_by_id": officer.pk,
            "reported_at": NOW,
        }
        year_one = incident_model.objects.create(occurred_at=bad, **fields)
        huge = incident_model.objects.create(occurred_at=at(10, 8), deaths=50000, **fields)
        leave = old.get_model("duty_roster", "LeaveReport").objects.create(
            leader_id=town1.pk,
            destination="郑州",
            starts_at=NOW,
            ends_at=bad.replace(year=9999),
            reason="开会",
            contact="13903960001",
            approver_id=officer.pk,
            status="approved",
        )
        old.get_model("duty_roster", "Holiday").objects.create(
            date=datetime.date(1, 1, 1), kind="holiday", name="元旦"
        )
        migrate_to(latest)
    finally:
        migrate_to(latest)
    year_one = Incident.objects.get(pk=year_one.pk)
    assert year_one.occurred_at == year_one.reported_at == NOW
    assert year_one.summary.startswith("【系统修复")
    huge = Incident.objects.get(pk=huge.pk)
    assert huge.deaths == 9999 and huge.summary.startswith("【系统修复")
    leave = LeaveReport.objects.get(pk=leave.pk)
    assert leave.status == "rejected" and leave.ends_at.year < 2100
    assert not Shift.objects.exists()
    assert not Holiday.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_shift_check_ins_move_to_each_persons_attendance(township1, officer, town1, inst1):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate_to([("duty_roster", "0006_attendance")])
        post = old.get_model("duty_roster", "DutyPost").objects.create(
            name="羊册镇值班室", kind="township", township_id=township1.pk, phone="0396-7921110"
        )
        shift_model = old.get_model("duty_roster", "Shift")
        checked_in = shift_model.objects.create(
            post=post,
            starts_at=at(10, 8),
            ends_at=at(10, 20),
            leader_id=officer.pk,
            checked_in_at=at(10, 8, 40),
            checked_out_at=at(10, 20),
            checked_in_by_id=town1.pk,
            is_missed=True,
        )
        checked_in.officers.set([town1.pk, inst1.pk])
        nobody = shift_model.objects.create(
            post=post, starts_at=at(10, 20), ends_at=at(11, 8), leader_id=town1.pk, is_missed=False
        )
        nobody.officers.set([town1.pk])
        migrate_to(latest)
    finally:
        migrate_to(latest)
    rows = {(a.shift_id, a.person_id): a for a in Attendance.objects.select_related("shift")}
    assert set(rows) == {
        (checked_in.pk, officer.pk),
        (checked_in.pk, town1.pk),
        (checked_in.pk, inst1.pk),
        (nobody.pk, town1.pk),
    }
    clerk = rows[checked_in.pk, town1.pk]
    assert (clerk.checked_in_at, clerk.checked_out_at) == (at(10, 8, 40), at(10, 20))
    assert clerk.state == AttendanceState.LATE
    assert rows[checked_in.pk, officer.pk].state == AttendanceState.MISSED
    assert rows[checked_in.pk, officer.pk].role == AttendanceRole.LEADER
    assert rows[nobody.pk, town1.pk].role == AttendanceRole.LEADER
    assert rows[nobody.pk, town1.pk].state == AttendanceState.EXPECTED


@pytest.mark.django_db(transaction=True)
def test_bureau_staff_who_approved_leave_before_start_the_approver_list(officer, town1, inst1):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate_to([("duty_roster", "0010_leave_for_everyone_on_duty_and_approver_list")])
        leave = old.get_model("duty_roster", "LeaveReport")
        fields = {"destination": "郑州", "reason": "开会", "contact": "13903960001"}
        fields["starts_at"], fields["ends_at"] = NOW, NOW + datetime.timedelta(hours=8)
        leave.objects.create(person_id=town1.pk, approver_id=officer.pk, **fields)
        leave.objects.create(person_id=inst1.pk, approver_id=town1.pk, **fields)
        migrate_to(latest)
    finally:
        migrate_to(latest)
    assert [(entry.user, entry.township) for entry in LeaveApprover.objects.all()] == [
        (officer, None)
    ]
