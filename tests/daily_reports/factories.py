import datetime

import factory

from daily_reports.models import DailyReport, ReportingPeriod
from tests.factories import TownshipStaffFactory


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod

    name = "2027年春节元宵节期间"
    start_date = datetime.date(2027, 2, 1)
    end_date = datetime.date(2027, 2, 15)
    cutoff = datetime.time(16, 0)


class DailyReportFactory(factory.django.DjangoModelFactory):
    """A township centre's report unless `institution` is given (its township then follows)."""

    class Meta:
        model = DailyReport

    period = factory.SubFactory(ReportingPeriodFactory)
    day = datetime.date(2027, 2, 10)
    institution = None
    township = factory.LazyAttribute(
        lambda o: o.institution.township if o.institution else TownshipStaffFactory().township
    )
    submitted_by = factory.LazyAttribute(lambda o: TownshipStaffFactory(township=o.township))
    submitted_at = factory.LazyAttribute(
        lambda o: datetime.datetime.combine(
            o.day, datetime.time(9, 0), tzinfo=datetime.timezone(datetime.timedelta(hours=8))
        )
    )
