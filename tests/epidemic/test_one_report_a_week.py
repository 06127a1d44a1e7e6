"""One report per home and ISO week: a second filing is refused, the database agrees."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from epidemic import services
from epidemic.models import WeeklyReport, week_of
from tests.epidemic.factories import WEEK, WeeklyReportFactory

pytestmark = pytest.mark.django_db


def test_a_second_report_for_the_same_week_is_refused(clock, inst1):
    WeeklyReportFactory(institution=inst1.institution)
    with pytest.raises(ValidationError) as refused:
        services.save_report(
            user=inst1, institution=inst1.institution, week=WEEK, values={"residents": 80}
        )
    assert "该机构本周已报送周报" in refused.value.messages[0]
    assert WeeklyReport.objects.count() == 1


def test_the_database_holds_one_report_per_home_and_week(clock, institution1):
    WeeklyReportFactory(institution=institution1)
    with pytest.raises(IntegrityError):
        WeeklyReportFactory(institution=institution1)


def test_the_next_week_is_a_new_report(clock, officer, institution1):
    WeeklyReportFactory(institution=institution1, week=WEEK - datetime.timedelta(weeks=1))
    services.save_report(user=officer, institution=institution1, week=WEEK, values={"residents": 9})
    assert WeeklyReport.objects.count() == 2


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (datetime.date(2027, 2, 8), WEEK),  # Monday
        (datetime.date(2027, 2, 14), WEEK),  # Sunday
        (datetime.date(2027, 1, 1), datetime.date(2026, 12, 28)),  # ISO week 2026-W53
    ],
)
def test_a_week_runs_from_monday_to_sunday(day, monday):
    assert week_of(day) == monday


def test_this_week_is_read_in_shanghai(clock):
    from epidemic.models import this_week
    from tests.epidemic.conftest import at

    clock.move_to(at(datetime.date(2027, 2, 15), 0))  # Monday 00:00 in Shanghai, Sunday in UTC
    assert this_week() == datetime.date(2027, 2, 15)
