"""The "daily report missing" rule: at the cut-off the township (and the institution) of each
unit without a report, once; an hour later the bureau, a count per township; filed units and
days outside a period are left alone."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daily_reports.models import DailyReport
from notifications import rules
from notifications.models import Notification, Rule
from notifications.rules.base import Scan
from notifications.rules.daily_reports import report_missing
from tests.daily_reports.conftest import DAY, at
from tests.daily_reports.factories import DailyReportFactory
from tests.factories import InstitutionFactory, InstitutionStaffFactory, TownshipFactory

pytestmark = pytest.mark.django_db

CODE = "daily-report-missing"


def told(step_prefix=""):
    return sorted(
        (n.recipient.username, n.title)
        for n in Notification.objects.filter(
            rule=CODE, step__startswith=step_prefix
        ).select_related("recipient")
    )


def run_at(moment):
    with time_machine.travel(moment, tick=False):
        return rules.run(frequent=True, codes={CODE})


def test_nothing_before_the_cut_off(period, town1, institution1):
    run_at(at(15, 59))
    assert not Notification.objects.filter(rule=CODE).exists()


def test_missing_units_are_told_once_at_the_cut_off(period, town1, inst1, institution1, officer):
    run_at(at(16, 0))
    run_at(at(16, 5))
    assert told() == [
        ("inst1", "羊册镇敬老院尚未报送2027-02-10日报（截止16:00）"),
        ("town1", "羊册镇敬老院尚未报送2027-02-10日报（截止16:00）"),
        ("town1", "羊册镇社会事务服务中心尚未报送2027-02-10日报（截止16:00）"),
    ]
    urls = set(Notification.objects.filter(rule=CODE).values_list("url", flat=True))
    assert f"/daily-reports/file/i/{institution1.pk}/2027-02-10/" in urls


def test_filed_units_are_skipped(period, town1, inst1, institution1):
    DailyReportFactory(period=period, township=town1.township, submitted_by=town1)
    DailyReportFactory(period=period, institution=institution1, submitted_by=inst1)
    run_at(at(16, 1))
    run_at(at(17, 30))
    assert not Notification.objects.filter(rule=CODE).exists()


def test_an_hour_later_the_bureau_hears_a_count_per_township_once(
    period, town1, institution1, officer, admin_user
):
    InstitutionFactory(township=institution1.township)
    run_at(at(16, 0))
    assert told("b") == []
    run_at(at(17, 0))
    run_at(at(17, 30))
    assert told("b") == [
        ("admin", "羊册镇：3个单位未报送2027-02-10日报"),
        ("officer", "羊册镇：3个单位未报送2027-02-10日报"),
    ]


def test_a_unit_filed_before_the_escalation_is_not_counted(period, town1, institution1, officer):
    run_at(at(16, 0))
    DailyReportFactory(period=period, institution=institution1, submitted_at=at(16, 30))
    run_at(at(17, 1))
    assert told("b") == [("officer", "羊册镇：1个单位未报送2027-02-10日报")]


def test_the_next_day_is_told_again(period, town1):
    run_at(at(16, 0))
    run_at(at(16, 0, day=DAY + datetime.timedelta(days=1)))
    assert Notification.objects.filter(rule=CODE, recipient=town1).count() == 2


def test_no_period_no_reminder(town1):
    run_at(at(18, 0))
    assert not Notification.objects.filter(rule=CODE).exists()


def test_the_scan_reads_a_fixed_number_of_queries(period, officer):
    def scan_queries():
        Notification.objects.filter(rule=CODE).delete()
        with time_machine.travel(at(17, 30), tick=False):
            rule = rules.ensure_rules()[CODE]
            scan = Scan.load(at(17, 30))
            with CaptureQueriesContext(connection) as captured:
                messages = list(report_missing(rule, scan))
        return len(captured), len(messages)

    township = TownshipFactory()
    InstitutionStaffFactory(institution=InstitutionFactory(township=township))
    small = scan_queries()
    for _n in range(5):
        township = TownshipFactory()
        for _m in range(3):
            InstitutionStaffFactory(institution=InstitutionFactory(township=township))
    large = scan_queries()
    assert small[0] == large[0] == 6
    assert large[1] > small[1]


def test_an_admin_can_change_the_escalation_delay(period, town1, officer):
    rules.ensure_rules()
    Rule.objects.filter(code=CODE).update(after_minutes=15)
    run_at(at(16, 15))
    assert told("b")
    assert DailyReport.objects.count() == 0
