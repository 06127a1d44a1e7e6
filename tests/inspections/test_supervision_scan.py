"""挂牌督办: which hazards go under the bureau's supervision, and the scan that puts them there."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.utils.translation import override

from inspections import services, tasks
from inspections.models import EventKind, Hazard, HazardEvent, HazardStatus, Severity
from tests.factories import UserFactory
from tests.inspections.factories import HazardFactory

TODAY = datetime.date(2027, 3, 10)
NOW = datetime.datetime(2027, 3, 10, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def late(institution1):
    """late(days) makes a hazard at institution1 whose deadline passed `days` days ago."""

    def make(days, **fields):
        fields.setdefault("institution", institution1)
        return HazardFactory(deadline=TODAY - datetime.timedelta(days=days), **fields)

    return make


def due(after_days=3):
    return set(Hazard.objects.due_for_supervision(TODAY, after_days))


def test_a_general_hazard_overdue_by_after_days_is_due_for_supervision(late):
    hazard = late(3)
    assert due(after_days=3) == {hazard}


def test_a_general_hazard_overdue_by_fewer_days_is_not_due_yet(late):
    late(2)
    assert due(after_days=3) == set()


def test_a_major_hazard_is_due_for_supervision_as_soon_as_it_is_overdue(late):
    hazard = late(1, severity=Severity.MAJOR)
    assert due(after_days=3) == {hazard}


def test_a_major_hazard_due_today_is_not_yet_overdue_so_not_due(late):
    late(0, severity=Severity.MAJOR)
    assert due() == set()


def test_a_closed_hazard_is_never_due_for_supervision(late):
    late(30, status=HazardStatus.CLOSED)
    assert due() == set()


def test_a_hazard_awaiting_verification_is_still_unresolved_and_due(late):
    hazard = late(5, status=HazardStatus.SUBMITTED)
    assert due() == {hazard}


def test_a_hazard_already_supervised_is_not_due_again(late):
    late(5)
    services.place_under_supervision()
    assert due() == set()


def test_due_for_supervision_takes_its_defaults_from_settings(late, settings):
    settings.HAZARD_SUPERVISION_AFTER_DAYS = 5
    late(4)
    five = late(5)
    assert set(Hazard.objects.due_for_supervision()) == {five}


def test_supervised_lists_hazards_under_supervision_until_they_are_closed(late):
    hazard = late(5)
    services.place_under_supervision()
    assert list(Hazard.objects.supervised()) == [hazard]
    Hazard.objects.filter(pk=hazard.pk).update(status=HazardStatus.CLOSED)
    assert list(Hazard.objects.supervised()) == []


def test_is_supervised_is_true_under_supervision_and_false_once_closed(late):
    hazard = late(5)
    assert not hazard.is_supervised
    services.place_under_supervision()
    hazard.refresh_from_db()
    assert hazard.is_supervised
    hazard.status = HazardStatus.CLOSED
    assert not hazard.is_supervised


def test_the_scan_gives_a_general_hazard_a_new_deadline_a_week_ahead_and_its_reason(late):
    hazard = late(5)
    assert services.place_under_supervision() == 1
    hazard.refresh_from_db()
    assert hazard.supervised_at == NOW
    assert hazard.supervised_by is None
    assert hazard.supervision_deadline == datetime.date(2027, 3, 17)
    assert hazard.supervision_reason == "逾期3天以上"
    assert hazard.deadline == TODAY - datetime.timedelta(days=5)  # the record of lateness stays


def test_the_scan_gives_a_major_hazard_one_day_and_says_it_is_major(late):
    hazard = late(1, severity=Severity.MAJOR)
    services.place_under_supervision()
    hazard.refresh_from_db()
    assert hazard.supervision_deadline == datetime.date(2027, 3, 11)
    assert hazard.supervision_reason == "重大事故隐患逾期"


def test_the_scan_reads_its_days_from_settings(late, settings):
    settings.HAZARD_SUPERVISION_AFTER_DAYS = 5
    settings.HAZARD_SUPERVISION_DEADLINE_DAYS = 10
    waiting, placed = late(4), late(5)
    assert services.place_under_supervision() == 1
    placed.refresh_from_db()
    waiting.refresh_from_db()
    assert placed.supervision_deadline == datetime.date(2027, 3, 20)
    assert placed.supervision_reason == "逾期5天以上"
    assert waiting.supervised_at is None


def test_the_scan_writes_the_event_in_chinese_whatever_language_is_active(late):
    hazard = late(5)
    with override("en"):
        services.place_under_supervision()
    event = hazard.events.get()
    assert event.kind == EventKind.SUPERVISED
    assert event.actor is None
    assert event.note == "逾期3天以上（原整改期限2027-03-05，已逾期5天）；督办整改期限2027-03-17"


def test_the_scan_keeps_the_hazards_history(late):
    hazard = late(5)
    services.place_under_supervision()
    latest = hazard.history.first()
    assert latest.history_type == "~"
    assert latest.supervised_at == NOW
    assert latest.supervision_deadline == datetime.date(2027, 3, 17)


def test_running_the_scan_twice_changes_nothing_the_second_time(late):
    hazards = [late(5), late(2, severity=Severity.MAJOR)]
    assert services.place_under_supervision() == 2
    before = (
        list(Hazard.objects.values_list("pk", "supervised_at", "supervision_deadline")),
        HazardEvent.objects.count(),
        Hazard.history.count(),
    )
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        assert services.place_under_supervision() == 0
    after = (
        list(Hazard.objects.values_list("pk", "supervised_at", "supervision_deadline")),
        HazardEvent.objects.count(),
        Hazard.history.count(),
    )
    assert after == before
    assert len(hazards) == HazardEvent.objects.count()


@pytest.mark.parametrize("count", [1, 12])
def test_the_scan_runs_the_same_queries_however_many_hazards(
    late, count, django_assert_num_queries
):
    finder = UserFactory()
    for n in range(count):
        severity = Severity.MAJOR if n % 2 else Severity.GENERAL
        late(5 + n % 3, found_by=finder, severity=severity)
    # savepoint, UPDATE, read back, history insert, events insert, release
    with django_assert_num_queries(6):
        assert services.place_under_supervision() == count


def test_a_scan_with_nothing_to_place_is_a_single_update(late, django_assert_num_queries):
    late(1)
    with django_assert_num_queries(3):  # savepoint, UPDATE, release
        assert services.place_under_supervision() == 0


def test_a_supervision_deadline_never_goes_past_2100(institution1):
    with time_machine.travel(datetime.datetime(2100, 12, 30, 9, 0, tzinfo=NOW.tzinfo), tick=False):
        hazard = HazardFactory(institution=institution1, deadline=datetime.date(2100, 12, 20))
        services.place_under_supervision()
    hazard.refresh_from_db()
    assert hazard.supervision_deadline == datetime.date(2100, 12, 31)


@pytest.mark.parametrize("days", [-1, 367])
def test_the_scan_refuses_a_supervision_period_in_the_past_or_beyond_a_year(late, days):
    hazard = late(5)
    with pytest.raises(ValueError):
        services.place_under_supervision(supervision_days=days)
    hazard.refresh_from_db()
    assert hazard.supervised_at is None


def test_the_celery_task_runs_the_scan(late):
    hazard = late(5)
    assert tasks.place_under_supervision.name == "inspections.place_under_supervision"
    assert tasks.place_under_supervision() == 1
    hazard.refresh_from_db()
    assert hazard.is_supervised
