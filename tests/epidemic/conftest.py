import datetime

import pytest
import time_machine

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    """Wednesday 10 February 2027, 10:00 in Shanghai (ISO week 2027-W06), frozen."""
    with time_machine.travel(at(datetime.date(2027, 2, 10)), tick=False) as traveller:
        yield traveller
