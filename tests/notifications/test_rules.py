"""The rules, with frozen time: who is told what, when, once; and when it stops."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from inspections.models import HazardStatus, Level, Severity
from notifications import rules
from notifications.models import Notification, Rule
from relief.models import Application
from tests.factories import InstitutionStaffFactory, TownshipStaffFactory
from tests.inspections.factories import InspectionFactory
from tests.notifications.factories import HazardFactory, WebhookFactory
from tests.relief.factories import PersonFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

MORNING = datetime.datetime(2027, 2, 1, 8, 0, tzinfo=datetime.UTC)  # 16:00 in Shanghai


def recipients(rule):
    return set(
        Notification.objects.filter(rule=rule, recipient__isnull=False).values_list(
            "recipient__username", flat=True
        )
    )


@pytest.fixture
def clock():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def test_a_major_hazard_tells_the_township_every_officer_and_the_robots_once(
    clock, institution1, town1, town2, officer, admin_user
):
    township_robot = WebhookFactory(township=institution1.township)
    bureau_robot = WebhookFactory(township=None)
    WebhookFactory(township=town2.township)  # another township's robot hears nothing
    HazardFactory(institution=institution1, severity=Severity.MAJOR)
    rules.run(frequent=True)
    rules.run(frequent=True)
    assert recipients("major-hazard-raised") == {"town1", "officer", "admin"}
    robots = set(
        Notification.objects.filter(webhook__isnull=False).values_list("webhook", flat=True)
    )
    assert robots == {township_robot.pk, bureau_robot.pk}
    assert Notification.objects.filter(rule="major-hazard-raised").count() == 5


def test_a_general_hazard_is_not_urgent(clock, institution1, town1):
    HazardFactory(institution=institution1, severity=Severity.GENERAL)
    rules.run(frequent=True)
    assert not Notification.objects.exists()


def test_a_hazard_deadline_is_announced_three_days_ahead_and_on_the_day(clock, institution1, town1):
    staff = InstitutionStaffFactory(institution=institution1, username="inst1")
    today = timezone.localdate()
    hazard = HazardFactory(institution=institution1, deadline=today + datetime.timedelta(days=3))
    rules.run(frequent=False)
    assert recipients("hazard-deadline-near") == {"town1", "inst1"}
    clock.shift(datetime.timedelta(days=1))
    rules.run(frequent=False)
    assert Notification.objects.filter(rule="hazard-deadline-near").count() == 2
    clock.shift(datetime.timedelta(days=2))
    rules.run(frequent=False)
    assert Notification.objects.filter(rule="hazard-deadline-near").count() == 4
    titles = set(Notification.objects.filter(recipient=staff).values_list("title", flat=True))
    assert titles == {f"{institution1.name}有隐患3天后到期", f"{institution1.name}有隐患今天到期"}
    deadline_near = Notification.objects.filter(rule="hazard-deadline-near")
    assert {n.url for n in deadline_near} == {f"/inspections/hazards/{hazard.pk}/"}


def test_an_overdue_hazard_reminds_the_township_daily_until_it_is_closed(
    clock, institution1, town1
):
    hazard = HazardFactory(
        institution=institution1, deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    rules.run(frequent=False)
    rules.run(frequent=False)
    assert Notification.objects.filter(rule="hazard-overdue").count() == 1
    clock.shift(datetime.timedelta(days=1))
    rules.run(frequent=False)
    assert Notification.objects.filter(rule="hazard-overdue").count() == 2
    hazard.status = HazardStatus.CLOSED
    hazard.save()
    clock.shift(datetime.timedelta(days=1))
    rules.run(frequent=False)
    assert Notification.objects.filter(rule="hazard-overdue").count() == 2


def test_a_switched_off_rule_sends_nothing(clock, institution1, town1):
    rules.ensure_rules()
    Rule.objects.filter(code="hazard-overdue").update(is_enabled=False)
    HazardFactory(institution=institution1, deadline=timezone.localdate() - datetime.timedelta(3))
    rules.run(frequent=False)
    assert not Notification.objects.filter(rule="hazard-overdue").exists()


def test_an_admin_changes_how_many_days_ahead(clock, institution1, town1):
    rules.ensure_rules()
    Rule.objects.filter(code="hazard-deadline-near").update(lead_days=5)
    HazardFactory(institution=institution1, deadline=timezone.localdate() + datetime.timedelta(5))
    rules.run(frequent=False)
    assert recipients("hazard-deadline-near") == {"town1"}


@pytest.mark.parametrize(
    ("level", "expected"),
    [(Level.SELF, {"inst1"}), (Level.TOWNSHIP, {"town1"}), (Level.SUPERVISORY, {"officer"})],
)
def test_an_inspection_due_soon_goes_to_whoever_must_do_it(
    clock, institution1, town1, officer, level, expected
):
    InstitutionStaffFactory(institution=institution1, username="inst1")
    InspectionFactory(
        institution=institution1,
        level=level,
        due_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    rules.run(frequent=False)
    assert recipients("inspection-due-soon") == expected


def test_an_overdue_inspection_tells_the_inspector_and_the_township_daily(
    clock, institution1, town1
):
    InstitutionStaffFactory(institution=institution1, username="inst1")
    inspection = InspectionFactory(
        institution=institution1,
        level=Level.SELF,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    rules.run(frequent=False)
    assert recipients("inspection-overdue") == {"inst1", "town1"}
    inspection.status = "submitted"
    inspection.save()
    clock.shift(datetime.timedelta(days=1))
    rules.run(frequent=False)
    assert Notification.objects.filter(rule="inspection-overdue").count() == 2


def test_waiting_applications_are_counted_for_the_township_without_names(
    clock, township1, town1, officer
):
    filer = TownshipStaffFactory(township=township1)
    person = PersonFactory(township=township1, name="张三")
    programme = ProgrammeFactory()
    application = Application.objects.create(
        person=person, programme=programme, amount=100, reason="火灾", filed_by=filer
    )
    Application.objects.filter(pk=application.pk).update(
        filed_at=timezone.now() - datetime.timedelta(days=4)
    )
    rules.run(frequent=False)
    notes = Notification.objects.filter(rule="relief-application-waiting")
    assert {n.recipient.username for n in notes} >= {"town1"}
    assert all("张三" not in n.title + n.body for n in notes)


def test_a_second_scan_right_after_the_first_creates_nothing(clock, institution1, town1, officer):
    for days in (-3, -1, 0, 3):
        HazardFactory(
            institution=institution1,
            deadline=timezone.localdate() + datetime.timedelta(days=days),
            severity=Severity.MAJOR if days == -3 else Severity.GENERAL,
        )
    first = rules.run()
    assert sum(first.values()) > 0
    assert sum(rules.run().values()) == 0


def test_a_scan_takes_the_same_queries_for_few_and_many_hazards(
    clock, institution1, town1, officer, django_assert_num_queries
):
    def scan_queries(count):
        for _ in range(count):
            HazardFactory(
                institution=institution1,
                deadline=timezone.localdate() - datetime.timedelta(days=2),
                severity=Severity.MAJOR,
            )
        Notification.objects.all().delete()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            rules.run()
        return len(context.captured_queries)

    assert scan_queries(2) == scan_queries(20)


def test_the_morning_digest_counts_yesterdays_unread_messages(clock, institution1, town1):
    HazardFactory(institution=institution1, deadline=timezone.localdate() - datetime.timedelta(1))
    HazardFactory(institution=institution1, deadline=timezone.localdate() - datetime.timedelta(2))
    rules.run(frequent=False)
    assert rules.send_digests() == 1
    assert rules.send_digests() == 0
    digest = Notification.objects.get(rule="digest")
    assert digest.recipient == town1
    assert "2" in digest.body


def test_a_supervised_hazard_tells_the_bureau_and_township_daily_until_it_is_closed(
    clock, institution1, town1, officer
):
    from inspections.services import place_under_supervision

    robot = WebhookFactory(township=None)
    hazard = HazardFactory(
        institution=institution1, deadline=timezone.localdate() - datetime.timedelta(days=4)
    )
    assert place_under_supervision() == 1
    rules.run(frequent=True, codes=["hazard-supervised"])
    rules.run(frequent=True, codes=["hazard-supervised"])
    assert recipients("hazard-supervised") == {"officer", "town1"}
    assert Notification.objects.filter(rule="hazard-supervised", webhook=robot).count() == 1
    assert "挂牌督办" in Notification.objects.filter(rule="hazard-supervised").first().title
    clock.shift(datetime.timedelta(days=1))
    rules.run(frequent=True, codes=["hazard-supervised"])
    assert Notification.objects.filter(rule="hazard-supervised", recipient=town1).count() == 2
    hazard.status = HazardStatus.CLOSED
    hazard.save()
    clock.shift(datetime.timedelta(days=1))
    rules.run(frequent=True, codes=["hazard-supervised"])
    assert Notification.objects.filter(rule="hazard-supervised", recipient=town1).count() == 2


def test_a_supervised_hazard_is_told_as_supervised_not_also_as_overdue(
    clock, institution1, town1, officer
):
    from inspections.services import place_under_supervision

    overdue = HazardFactory(
        institution=institution1, deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    supervised = HazardFactory(
        institution=institution1, deadline=timezone.localdate() - datetime.timedelta(days=4)
    )
    assert place_under_supervision() == 1
    rules.run()
    told = set(Notification.objects.filter(recipient=town1).values_list("rule", "subject_id"))
    assert ("hazard-overdue", overdue.pk) in told
    assert ("hazard-supervised", supervised.pk) in told
    assert ("hazard-overdue", supervised.pk) not in told


def test_once_an_officer_takes_a_supervised_hazard_only_they_of_the_bureau_are_told(
    clock, institution1, town1, officer, admin_user
):
    from inspections.services import place_under_supervision

    hazard = HazardFactory(
        institution=institution1,
        severity=Severity.MAJOR,
        deadline=timezone.localdate() - datetime.timedelta(days=1),
    )
    place_under_supervision()
    hazard.refresh_from_db()
    hazard.supervised_by = officer
    hazard.save()
    rules.run(frequent=True, codes=["hazard-supervised"])
    assert recipients("hazard-supervised") == {"officer", "town1"}


def test_the_digest_counts_the_townships_people_overdue_for_a_visit(clock, township1, town1):
    from relief.models import PersonCategory, VisitRule

    VisitRule.objects.create(category="elderly_alone", every_days=30)
    for name in ("王大爷", "李奶奶"):
        person = PersonFactory(township=township1, name=name)
        PersonCategory.objects.create(
            person=person, category="elderly_alone", start_date=datetime.date(2026, 1, 1)
        )
    assert rules.send_digests() == 1
    digest = Notification.objects.get(rule="digest", recipient=town1)
    assert "待走访的困难群众: 2" in digest.body
    assert "王大爷" not in digest.body


def test_applications_waiting_for_the_bureau_are_counted_for_the_bureau(
    clock, township1, town1, officer
):
    from relief.services import review_application

    filer = TownshipStaffFactory(township=township1)
    application = Application.objects.create(
        person=PersonFactory(township=township1),
        programme=ProgrammeFactory(),
        amount=100,
        reason="火灾",
        filed_by=filer,
    )
    review_application(application=application, user=town1)
    clock.shift(datetime.timedelta(days=2))
    rules.run(frequent=False, codes=["relief-application-waiting"])
    assert not Notification.objects.filter(recipient=officer).exists()
    clock.shift(datetime.timedelta(days=2))
    rules.run(frequent=False, codes=["relief-application-waiting"])
    note = Notification.objects.get(recipient=officer)
    assert note.title == "有1件救助申请等待审批已超过3天"
