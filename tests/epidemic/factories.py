import datetime

import factory

from epidemic.models import WeeklyReport
from tests.factories import UserFactory

WEEK = datetime.date(2027, 2, 8)  # a Monday: ISO week 2027-W06


class WeeklyReportFactory(factory.django.DjangoModelFactory):
    """A care home's report of WEEK: everyone tested, nobody positive, 70 of 80 vaccinated."""

    class Meta:
        model = WeeklyReport

    institution = factory.SubFactory("tests.factories.InstitutionFactory")
    week = WEEK
    residents = 80
    residents_tested = factory.SelfAttribute("residents")
    staff_tested = 12
    residents_vaccinated = factory.LazyAttribute(lambda o: min(70, o.residents))
    submitted_by = factory.SubFactory(UserFactory)
    updated_by = factory.SelfAttribute("submitted_by")
