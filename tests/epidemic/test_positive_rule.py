"""notifications/rules/epidemic.py: an open follow-up tells the township and the bureau once,
and again when more positives reopen it."""

import pytest
from django.utils import timezone

from epidemic import services
from notifications.models import Notification, Rule
from notifications.rules.base import Scan
from notifications.rules.epidemic import follow_up_opened
from notifications.services import notify
from tests.epidemic.factories import WeeklyReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule(db):
    return Rule.objects.create(code="epidemic-positive", name="养老机构阳性", is_urgent=True)


def scan_once(rule):
    return notify(rule, follow_up_opened(rule, Scan.load(timezone.now())))


def test_the_township_and_the_bureau_are_told_once(
    clock, rule, institution1, town1, town2, officer, inst1
):
    report = WeeklyReportFactory(
        institution=institution1, residents_positive=2, staff_positive=1, submitted_by=officer
    )
    services.open_follow_up(report, timezone.now())
    assert scan_once(rule) == 2
    told = Notification.objects.filter(rule=rule.code)
    assert {n.recipient for n in told} == {town1, officer}
    assert all("羊册镇敬老院" in n.title for n in told)
    assert "2027-W06" in told[0].body
    assert scan_once(rule) == 0


def test_more_positives_tell_them_again_and_a_closed_follow_up_is_quiet(
    clock, rule, institution1, town1, officer
):
    report = WeeklyReportFactory(
        institution=institution1, residents_positive=1, submitted_by=officer
    )
    follow_up = services.open_follow_up(report, timezone.now())
    scan_once(rule)
    services.close_follow_up(follow_up=follow_up, user=town1, note="已处置")
    report.residents_positive = 3
    report.save()
    services.open_follow_up(report, timezone.now())
    assert scan_once(rule) == 2
    services.close_follow_up(follow_up=follow_up, user=town1, note="已处置")
    assert scan_once(rule) == 0
