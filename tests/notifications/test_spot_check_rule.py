"""spot-check-finding-unanswered: a failed spot check's finding the post has not answered two
days after the check reminds its township daily; answered but not closed two days after
the answer, it reminds the officer who checked. Frozen time, February 2027."""

import pytest
import time_machine

from duty_roster import services
from duty_roster.models import PostKind
from notifications import rules
from notifications.models import Notification
from tests.duty_roster.factories import DutyPostFactory, at
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CODE = "spot-check-finding-unanswered"
# A scan of this rule alone, however many findings (see the last test).
SCAN_QUERIES = 15


def told(step_prefix=""):
    return sorted(
        Notification.objects.filter(
            rule=CODE, recipient__isnull=False, step__startswith=step_prefix
        ).values_list("recipient__username", flat=True)
    )


def scan(day, hour=10):
    with time_machine.travel(at(day, hour), tick=False):
        return rules.run(frequent=False, codes=[CODE]).get(CODE, 0)


def check(officer, post, *, result="failed", day=1):
    """A spot check of `post` at 09:00 on `day` February, recorded then."""
    present = result == "passed"
    with time_machine.travel(at(day, 9, 5), tick=False):
        return services.record_spot_check(
            user=officer,
            post=post,
            checked_at=at(day, 9),
            method="phone",
            answered_by="门卫",
            leader_present=present,
            officers_present=present,
            result=result,
            findings="" if present else "带班领导不在岗",
        )


def answer(finding, user, day):
    with time_machine.travel(at(day, 9), tick=False):
        services.answer_spot_check(check=finding, user=user, response="已约谈")


@pytest.fixture
def centre(township1):
    return DutyPostFactory(name="羊册镇值班室", township=township1)


def test_an_unanswered_finding_tells_the_posts_township_daily_from_the_second_day(
    officer, centre, town1, town2
):
    finding = check(officer, centre)
    assert scan(2) == 0  # a day after the check: not yet
    assert scan(3) == 1
    assert told() == ["town1"]  # not 马谷田镇's town2, not the bureau
    note = Notification.objects.get(rule=CODE)
    assert note.title == "羊册镇值班室02-01 09:00的查岗问题已2天未反馈整改情况"
    assert note.url == finding.get_absolute_url()
    assert scan(3, 16) == 0  # lands once a day
    assert scan(4) == 1
    assert told() == ["town1", "town1"]


def test_an_institution_posts_finding_tells_its_own_staff_and_its_township(
    officer, township1, institution1, inst1, town1
):
    home = DutyPostFactory(kind=PostKind.INSTITUTION, institution=institution1, name="敬老院值班")
    check(officer, home)
    scan(3)
    assert told() == ["inst1", "town1"]


def test_a_passed_check_reminds_nobody(officer, centre, town1):
    check(officer, centre, result="passed")
    assert scan(5) == 0


def test_an_answer_stops_the_townships_reminders_and_starts_the_officers(
    officer, centre, town1, admin_user
):
    UserFactory(username="colleague")  # another bureau officer: not the one who checked
    finding = check(officer, centre)
    answer(finding, town1, day=2)
    assert scan(3) == 0  # answered, and its answer a day old
    assert scan(4) == 1
    assert told() == ["officer"]
    assert Notification.objects.get(rule=CODE).title == (
        "羊册镇值班室02-01 09:00的查岗问题已反馈整改情况，待销号"
    )
    assert scan(4, 18) == 0
    with time_machine.travel(at(4, 19), tick=False):
        services.close_spot_check(check=finding, user=officer)
    assert scan(5) == 0
    assert told() == ["officer"]


def test_the_bureau_is_told_when_the_officer_who_checked_has_left(
    officer, centre, town1, admin_user
):
    UserFactory(username="colleague")
    finding = check(officer, centre)
    answer(finding, town1, day=1)
    officer.is_active = False
    officer.save()
    scan(3)
    assert told("c") == ["admin", "colleague"]


def test_the_days_are_the_rules_to_change(officer, centre, town1):
    check(officer, centre)
    rule = rules.ensure_rules()[CODE]
    rule.lead_days = 5
    rule.save()
    assert scan(5) == 0
    assert scan(6) == 1


@pytest.mark.parametrize("size", [2, 15])
def test_a_scan_takes_the_same_queries_for_few_and_many_findings(
    officer, township1, township2, size, town1, town2, django_assert_num_queries
):
    posts = [DutyPostFactory(township=t) for t in (township1, township2)]
    staff = {township1.pk: town1, township2.pk: town2}
    for n in range(size):
        finding = check(officer, posts[n % 2])
        if n % 3 == 0:
            answer(finding, staff[posts[n % 2].township_id], day=1)
    rules.ensure_rules()
    # The rule rows (2), who works where and who is on duty (3), the two stages (2), and
    # the landing: its savepoints, staging table and one statement.
    with time_machine.travel(at(4, 10), tick=False), django_assert_num_queries(SCAN_QUERIES):
        rules.run(frequent=False, codes=[CODE])
    answered = len(range(0, size, 3))
    assert Notification.objects.filter(rule=CODE).count() == size  # one recipient each
    assert told("c") == ["officer"] * answered
