"""Each figure of the dashboard, on small hand-built data."""

import datetime

from duty_roster.models import Attendance, Incident, PostKind
from inspections.models import Category, HazardStatus, InspectionStatus, Severity
from tests.dashboards.conftest import NOW, TODAY, moment
from tests.duty_roster.factories import DutyPostFactory, ShiftFactory
from tests.factories import TownshipStaffFactory
from tests.inspections.factories import HazardFactory, InspectionFactory

DAY = datetime.timedelta(days=1)


def _row(rows, name):
    return next(row for row in rows if row["name"] == name)


def test_festival_coverage_counts_done_due_and_overdue_per_township(
    page, officer, festival, institution1, institution2
):
    def inspection(institution, due_on, status=InspectionStatus.DRAFT):
        InspectionFactory(
            institution=institution,
            campaign=festival,
            version=festival.version,
            due_on=due_on,
            status=status,
        )

    inspection(institution1, datetime.date(2027, 2, 3), InspectionStatus.SUBMITTED)
    inspection(institution1, datetime.date(2027, 2, 20))  # due
    inspection(institution1, datetime.date(2027, 2, 5))  # overdue on 2027-02-10
    inspection(institution2, datetime.date(2027, 2, 20), InspectionStatus.SUBMITTED)
    InspectionFactory(institution=institution1, due_on=datetime.date(2027, 2, 5))  # no campaign

    festival_section = page(officer).context["festival"]

    assert festival_section["campaign"] == festival
    yangce = _row(festival_section["rows"], "羊册镇")
    assert (yangce["done"], yangce["due"], yangce["overdue"], yangce["total"]) == (1, 1, 1, 3)
    magutian = _row(festival_section["rows"], "马谷田镇")
    assert (magutian["done"], magutian["due"], magutian["overdue"]) == (1, 0, 0)
    assert festival_section["totals"]["percent"] == 50.0


def test_average_days_to_close_counts_hazards_closed_in_the_period(
    page, officer, festival, institution1, institution2
):
    def closed(institution, found, closed_at):
        HazardFactory(
            institution=institution, status=HazardStatus.CLOSED, found_at=found, closed_at=closed_at
        )

    closed(institution1, moment(2), moment(5))  # 3 days
    closed(institution1, moment(3), moment(5))  # 2 days
    closed(institution2, moment(1), moment(11, month=2) - DAY)  # 9 days
    closed(institution1, moment(1, month=1), moment(20, month=1))  # before the period

    response = page(officer)

    hazards = response.context["hazards"]
    assert hazards["closed"] == 3
    assert hazards["avg_days_to_close"] == round((3 + 2 + 9) / 3, 1)
    assert _row(response.context["league"], "羊册镇")["days_to_close"] == 2.5
    assert _row(response.context["league"], "马谷田镇")["days_to_close"] == 9.0


def test_recurring_hazards_found_in_the_period_are_counted_and_listed(
    page, officer, festival, institution1
):
    recurring = HazardFactory(institution=institution1, is_recurring=True, found_at=moment(5))
    HazardFactory(institution=institution1, is_recurring=True, found_at=moment(1, month=1))
    HazardFactory(institution=institution1, found_at=moment(6))

    hazards = page(officer).context["hazards"]

    assert hazards["recurring_count"] == 1
    assert [row["pk"] for row in hazards["recurring_list"]] == [recurring.pk]


def test_open_hazards_are_counted_by_severity_category_and_status(
    page, officer, festival, institution1
):
    HazardFactory(institution=institution1, category=Category.FIRE)
    HazardFactory(
        institution=institution1,
        category=Category.ELECTRICITY,
        severity=Severity.MAJOR,
        status=HazardStatus.RECTIFYING,
        deadline=TODAY - DAY,
    )
    HazardFactory(institution=institution1, status=HazardStatus.SUBMITTED)
    HazardFactory(
        institution=institution1, status=HazardStatus.CLOSED, closed_at=NOW, deadline=TODAY - DAY
    )

    hazards = page(officer).context["hazards"]

    def counts(entries):
        return {entry["code"]: entry["count"] for entry in entries}

    assert counts(hazards["by_severity"]) == {"general": 2, "major": 1}
    assert counts(hazards["by_category"]) == {"fire": 2, "electricity": 1}
    assert counts(hazards["by_status"]) == {"open": 1, "rectifying": 1, "submitted": 1}
    assert hazards["total"] == 3
    assert hazards["overdue"] == 1
    assert [row["severity"] for row in hazards["major_list"]] == ["major"]
    assert len(hazards["overdue_list"]) == 1


def test_overdue_and_major_lists_are_bounded_and_in_deadline_order(
    page, officer, festival, institution1
):
    for n in range(25):
        HazardFactory(
            institution=institution1, severity=Severity.MAJOR, deadline=TODAY - (n + 1) * DAY
        )

    hazards = page(officer).context["hazards"]

    assert hazards["overdue"] == 25
    assert len(hazards["overdue_list"]) == 20
    assert len(hazards["major_list"]) == 20
    deadlines = [row["deadline"] for row in hazards["overdue_list"]]
    assert deadlines == sorted(deadlines)
    assert deadlines[0] == TODAY - 25 * DAY


def test_trend_counts_hazards_found_and_closed_each_day(page, officer, festival, institution1):
    HazardFactory(institution=institution1, found_at=moment(3, hour=23))  # late evening, local
    HazardFactory(institution=institution1, found_at=moment(3, hour=1))
    HazardFactory(
        institution=institution1,
        found_at=moment(4),
        status=HazardStatus.CLOSED,
        closed_at=moment(6),
    )

    rows = {row["day"]: row for row in page(officer).context["hazards"]["trend_rows"]}

    assert len(rows) == 28  # every day of the festival sweep
    assert rows[datetime.date(2027, 2, 3)]["found"] == 2
    assert rows[datetime.date(2027, 2, 4)]["found"] == 1
    assert rows[datetime.date(2027, 2, 6)]["closed"] == 1
    assert sum(row["found"] for row in rows.values()) == 3


def test_duty_counts_absences_today_open_incidents_and_shifts_under_way(
    page, officer, town1, township1, township2
):
    centre = DutyPostFactory(township=township1, kind=PostKind.TOWNSHIP_CENTRE, name="羊册镇中心")
    now_shift = ShiftFactory(post=centre, starts_at=moment(10, 8), leader=town1)
    Attendance.objects.filter(shift=now_shift).update(missed_at=moment(10, 8) + DAY / 96)
    yesterday = ShiftFactory(post=centre, starts_at=moment(8, 8), leader=town1)
    Attendance.objects.filter(shift=yesterday).update(missed_at=moment(8, 9))
    for acknowledged in (None, NOW):
        Incident.objects.create(
            occurred_at=NOW - DAY / 24,
            reported_at=NOW - DAY / 48,
            acknowledged_at=acknowledged,
            township=township2,
            place="敬老院二楼",
            category="fire",
            severity="ordinary",
            summary="电动车充电起火",
            actions_taken="已扑灭",
            who_was_told="镇政府",
            reported_by=officer,
        )

    duty = page(officer).context["duty"]

    assert duty["missed_today"] == 1
    assert [a.shift_id for a in duty["absences"]] == [now_shift.pk]
    assert duty["incidents"] == {"open": 2, "unacknowledged": 1}
    assert duty["under_way"] == 1
    assert [shift.pk for shift in duty["glance"]] == [now_shift.pk]


def test_a_post_with_a_hole_in_next_weeks_roster_is_a_gap(page, officer, township1):
    leader = TownshipStaffFactory(township=township1)
    covered = DutyPostFactory(township=township1, name="全周有人")
    holed = DutyPostFactory(township=township1, name="周三无人")
    DutyPostFactory(township=township1, name="无排班")
    DutyPostFactory(township=township1, name="节假日岗", kind=PostKind.HOLIDAY)  # not counted
    start = moment(10, 8)
    for day in range(8):
        ShiftFactory(post=covered, starts_at=start + day * DAY, leader=leader)
        if day != 3:
            ShiftFactory(post=holed, starts_at=start + day * DAY, leader=leader)

    duty = page(officer).context["duty"]

    assert sorted(post["name"] for post in duty["gap_list"]) == ["周三无人", "无排班"]
    assert duty["gaps"] == 2


def test_relief_counts_waiting_applications_payments_and_overdue_visits(
    page, officer, township1, township2
):
    from relief.models import ApplicationStatus, Payment, VisitRule
    from tests.relief.factories import (
        ApplicationFactory,
        PersonCategoryFactory,
        PersonFactory,
        ProgrammeFactory,
    )

    person1 = PersonFactory(township=township1)
    person2 = PersonFactory(township=township2)
    ApplicationFactory(person=person1)
    ApplicationFactory(person=person1, status=ApplicationStatus.REVIEWED)
    ApplicationFactory(person=person2, status=ApplicationStatus.APPROVED)
    programme = ProgrammeFactory(name="孤儿基本生活费")
    Payment.objects.create(
        person=person1, programme=programme, period="2027-02", amount=600, approved_at=NOW
    )
    Payment.objects.create(
        person=person2,
        programme=programme,
        period="2027-01",
        amount=1000,
        approved_at=moment(20, month=1),
    )
    VisitRule.objects.create(category="orphan", every_days=30)
    PersonCategoryFactory(person=person1, category="orphan")

    relief = page(officer).context["relief"]

    assert (relief["waiting_township"], relief["waiting_bureau"]) == (1, 1)
    assert [(p["name"], p["total"]) for p in relief["programmes"]] == [("孤儿基本生活费", 600)]
    assert relief["overdue_visits"] == 1
    assert _row(relief["rows"], "羊册镇")["paid"] == 600
    assert _row(relief["rows"], "马谷田镇")["paid"] == 0
