"""Duty and incident rules, with frozen time: reminders, 脱岗, gaps, handovers, escalation."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from duty_roster.models import Attendance, Incident, PostKind
from duty_roster.services import mark_missed_check_ins
from institutions.models import Role
from notifications import rules
from notifications.models import Notification, Rule
from tests.duty_roster.factories import DutyPostFactory, ShiftFactory, at
from tests.factories import TownshipStaffFactory, UserFactory
from tests.notifications.factories import WebhookFactory

pytestmark = pytest.mark.django_db


def told(rule):
    return sorted(
        Notification.objects.filter(rule=rule, recipient__isnull=False).values_list(
            "recipient__username", flat=True
        )
    )


@pytest.fixture
def duty_room(officer):
    """The county duty room with a 24-hour shift on 10 February: officer leads, clerk on duty."""
    clerk = UserFactory(username="dutyclerk")
    post = DutyPostFactory(kind=PostKind.COUNTY_DUTY_ROOM, township=None, name="县局值班室")
    ShiftFactory(post=post, leader=officer, officers=[clerk], starts_at=at(10, 8, 30))
    Attendance.objects.filter(shift__post=post).update(checked_in_at=at(10, 8, 25))
    return post


def test_each_person_is_reminded_the_day_before_and_an_hour_before(township1, town1):
    colleague = TownshipStaffFactory(township=township1, username="colleague")
    post = DutyPostFactory(township=township1)
    shift = ShiftFactory(post=post, leader=town1, officers=[colleague], starts_at=at(10, 8, 30))
    with time_machine.travel(at(9, 7, 0), tick=False):
        rules.run(frequent=True)
        assert told("shift-reminder") == []  # not before 08:00 the day before
    with time_machine.travel(at(9, 8, 5), tick=False):
        rules.run(frequent=True)
        assert told("shift-reminder") == ["colleague", "town1"]
    with time_machine.travel(at(10, 7, 40), tick=False):
        rules.run(frequent=True)
        rules.run(frequent=True)
    assert told("shift-reminder") == ["colleague", "colleague", "town1", "town1"]
    titles = set(Notification.objects.filter(recipient=town1).values_list("title", flat=True))
    assert titles == {f"明天08:30起在{post.name}值班", f"今天08:30起在{post.name}值班"}
    assert shift.pk


def test_an_absence_climbs_from_the_duty_room_to_the_bureaus_leader_on_duty(
    township1, town1, officer, duty_room
):
    absent = TownshipStaffFactory(township=township1, username="absent")
    leader = TownshipStaffFactory(township=township1, username="leader")
    robot = WebhookFactory(township=township1)
    ShiftFactory(
        post=DutyPostFactory(township=township1),
        leader=leader,
        officers=[absent],
        starts_at=at(10, 20, 0),
    )
    Attendance.objects.filter(person=leader).update(checked_in_at=at(10, 19, 55))
    with time_machine.travel(at(10, 20, 16), tick=False):
        mark_missed_check_ins()
        rules.run(frequent=True)
    # The person, their leader, and who is on duty in the county duty room now.
    assert told("missed-check-in") == ["absent", "dutyclerk", "leader", "officer"]
    assert Notification.objects.filter(rule="missed-check-in", webhook=robot).count() == 1
    with time_machine.travel(at(10, 20, 31), tick=False):
        rules.run(frequent=True)
    # 30 minutes: the bureau's leader on duty (officer leads the duty room shift).
    assert told("missed-check-in") == ["absent", "dutyclerk", "leader", "officer", "officer"]


def test_a_late_check_in_stops_the_escalation(township1, duty_room):
    absent = TownshipStaffFactory(township=township1, username="absent")
    ShiftFactory(post=DutyPostFactory(township=township1), leader=absent, starts_at=at(10, 20))
    with time_machine.travel(at(10, 20, 16), tick=False):
        mark_missed_check_ins()
        rules.run(frequent=True)
    first = Notification.objects.filter(rule="missed-check-in").count()
    Attendance.objects.filter(person=absent).update(checked_in_at=at(10, 20, 20))
    with time_machine.travel(at(10, 20, 40), tick=False):
        rules.run(frequent=True)
    assert Notification.objects.filter(rule="missed-check-in").count() == first


def test_a_gap_in_the_next_week_tells_admins_and_the_township_daily(
    township1, town1, town2, admin_user
):
    post = DutyPostFactory(township=township1, name="羊册镇值班点")
    for day in (10, 11, 13, 14, 15, 16, 17):  # nobody on the 12th
        ShiftFactory(post=post, leader=town1, starts_at=at(day, 8, 30))
    with time_machine.travel(at(10, 9, 0), tick=False):
        rules.run(frequent=False, codes=["roster-gap"])
        rules.run(frequent=False, codes=["roster-gap"])
    assert told("roster-gap") == ["admin", "town1"]
    assert Notification.objects.get(recipient=town1).title == "羊册镇值班点02-12 08:30起无人值班"


def test_a_gap_told_today_is_not_worked_out_again_until_tomorrow(township1, town1, admin_user):
    from notifications.rules import duty
    from notifications.rules.base import Scan

    post = DutyPostFactory(township=township1, name="羊册镇值班点")
    ShiftFactory(post=post, leader=town1, starts_at=at(10, 8, 30))
    rule = rules.ensure_rules()["roster-gap"]
    with time_machine.travel(at(10, 9, 0), tick=False):
        rules.run(frequent=False, codes=["roster-gap"])
        assert told("roster-gap") == ["admin", "town1"]
        assert list(duty.roster_gaps(rule, Scan.load(timezone.now()))) == []
    with time_machine.travel(at(11, 9, 0), tick=False):
        assert len(list(duty.roster_gaps(rule, Scan.load(timezone.now())))) == 2


def test_an_unread_handover_tells_the_next_shift_after_half_an_hour(township1, town1):
    post = DutyPostFactory(township=township1)
    nextone = TownshipStaffFactory(township=township1, username="next")
    earlier = ShiftFactory(post=post, leader=town1, starts_at=at(9, 8, 30))
    earlier.handover_note = "锅炉房漏水，已报修"
    earlier.save()
    ShiftFactory(post=post, leader=nextone, starts_at=at(10, 8, 30))
    with time_machine.travel(at(10, 8, 50), tick=False):
        rules.run(frequent=True)
        assert told("handover-unread") == []
    with time_machine.travel(at(10, 9, 1), tick=False):
        rules.run(frequent=True)
    assert told("handover-unread") == ["next"]


def _incident(township, reporter, *, severity="ordinary", minutes_after=5, reported=None):
    reported = reported or at(10, 21)
    return Incident.objects.create(
        occurred_at=reported - datetime.timedelta(minutes=minutes_after),
        reported_at=reported,
        township=township,
        place="敬老院二楼",
        category="fire",
        severity=severity,
        summary="电动车充电起火",
        actions_taken="已扑灭",
        who_was_told="镇政府",
        reported_by=reporter,
    )


def test_a_serious_incident_reaches_the_duty_room_its_leader_and_the_robots_at_once(
    township1, town1, officer, duty_room
):
    bureau_robot = WebhookFactory(township=None)
    _incident(township1, town1, severity="serious")
    with time_machine.travel(
        at(
            10,
            21,
            0,
        ),
        tick=False,
    ):
        rules.run(frequent=True)
    assert told("incident-filed") == ["dutyclerk", "officer"]
    assert Notification.objects.filter(rule="incident-filed", webhook=bureau_robot).exists()


def test_an_unacknowledged_incident_climbs_the_chain_every_ten_minutes_until_acknowledged(
    township1, town1, officer, duty_room
):
    director = UserFactory(username="director", role=Role.BUREAU_OFFICER)
    rules.ensure_rules()
    Rule.objects.get(code="incident-unacknowledged").contacts.add(director)
    incident = _incident(township1, town1)
    for minute, expected in [
        (9, []),
        (10, ["officer"]),  # the leader on duty
        (20, ["director", "officer"]),  # then the top of the chain
        (30, ["director", "director", "officer"]),  # and again, every ten minutes
    ]:
        with time_machine.travel(at(10, 21, minute), tick=False):
            rules.run(frequent=True)
        assert told("incident-unacknowledged") == expected
    incident.acknowledged_at = at(10, 21, 35)
    incident.acknowledged_by = officer
    incident.save()
    with time_machine.travel(at(10, 21, 50), tick=False):
        rules.run(frequent=True)
    assert told("incident-unacknowledged") == ["director", "director", "officer"]


def test_with_nobody_on_duty_the_whole_bureau_hears_of_an_incident(township1, town1, officer):
    _incident(township1, town1)
    with time_machine.travel(at(10, 21, 1), tick=False):
        rules.run(frequent=True)
    assert told("incident-filed") == ["officer"]


def test_an_incident_reported_after_the_phone_limit_is_flagged_to_the_duty_room(
    township1, town1, duty_room
):
    _incident(township1, town1, minutes_after=45)
    with time_machine.travel(at(10, 21, 1), tick=False):
        rules.run(frequent=True)
    assert told("incident-reported-late") == ["dutyclerk", "officer"]
    title = Notification.objects.filter(rule="incident-reported-late").first().title
    assert "45" in title and "30" in title
