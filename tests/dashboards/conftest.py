"""A small hand-built county for the dashboard: two townships, a festival sweep, hazards
at every stage, shifts, incidents and relief, at a fixed moment of the Spring Festival."""

import datetime
import zoneinfo

import pytest
import time_machine

from inspections.models import Campaign, Level, Recurrence
from tests.inspections.factories import ChecklistTemplateFactory, TemplateVersionFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2027, 2, 10, 10, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()


def moment(day, hour=9, month=2):
    return datetime.datetime(2027, month, day, hour, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def festival(db):
    """The festival sweep: 2027-02-01 to 2027-02-28, due 2027-02-20."""
    version = TemplateVersionFactory(template=ChecklistTemplateFactory(name="节日消防排查"))
    campaign = Campaign.objects.create(
        name="春节消防安全排查",
        template=version.template,
        level=Level.TOWNSHIP,
        starts_on=datetime.date(2027, 2, 1),
        ends_on=datetime.date(2027, 2, 28),
        due_on=datetime.date(2027, 2, 20),
        recurrence=Recurrence.ONCE,
    )
    campaign.version = version
    return campaign


@pytest.fixture
def page(client_for):
    """page(user, **query) -> the dashboard's response for `user`."""

    def get(user, **query):
        return client_for(user).get("/dashboard/", query)

    return get
