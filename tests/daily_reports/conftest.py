import datetime

import pytest
import time_machine

from tests.daily_reports.factories import ReportingPeriodFactory

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
DAY = datetime.date(2027, 2, 10)


def at(hour, minute=0, day=DAY):
    """A moment of `day` in Beijing time."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def period(db):
    return ReportingPeriodFactory()


@pytest.fixture
def clock():
    """10 February 2027, 10:00 in Shanghai, frozen; `clock.move_to(at(...))` moves it."""
    with time_machine.travel(at(10), tick=False) as traveller:
        yield traveller
