import datetime
import zoneinfo

import factory

from duty_roster.models import DutyPost, LeaveApprover, PostKind, Shift
from tests.factories import TownshipFactory, UserFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0):
    """An aware Asia/Shanghai datetime on a date of February 2027 (the Spring Festival)."""
    return datetime.datetime(2027, 2, day, hour, minute, tzinfo=SHANGHAI)


class DutyPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DutyPost

    name = factory.Sequence(lambda n: f"值班点{n}")
    kind = PostKind.TOWNSHIP_CENTRE
    township = factory.SubFactory(TownshipFactory)
    phone = "0396-7921110"


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift
        skip_postgeneration_save = True

    post = factory.SubFactory(DutyPostFactory)
    starts_at = factory.LazyFunction(lambda: at(10, 8, 30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=24))

    @factory.post_generation
    def officers(self, create, extracted, **kwargs):
        if create and extracted:
            self.officers.set(extracted)
        if create:
            self.sync_attendance()  # as the services do: a row for each person on the shift


class LeaveApproverFactory(factory.django.DjangoModelFactory):
    """A county-wide approver unless given a township."""

    class Meta:
        model = LeaveApprover

    user = factory.SubFactory(UserFactory, full_name="局领导")
    township = None
    title = "分管领导"
