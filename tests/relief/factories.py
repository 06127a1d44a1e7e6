import datetime

import factory

from relief.models import Application, Person, PersonCategory, Programme, ProgrammeKind
from relief.validators import check_character
from tests.factories import TownshipFactory, TownshipStaffFactory


def id_number(n, born=datetime.date(1950, 3, 7), male=True):
    """A valid GB 11643 number for Biyang County (411726)."""
    sequence = f"{(n % 50) * 2 + (1 if male else 0):03d}"
    first17 = f"411726{born:%Y%m%d}{sequence}"
    return first17 + check_character(first17)


def relief_township():
    """One township for people whose township does not matter to the test: TownshipFactory's
    codes have three digits for the township, so a new one per person runs out in a full run."""
    return TownshipFactory(code="411726990", name="救助测试镇")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    township = factory.LazyFunction(relief_township)
    village = "王庄村"
    name = factory.Sequence(lambda n: f"困难群众{n}")
    id_number = factory.Sequence(
        lambda n: id_number(n, born=datetime.date(1940, 1, 1) + datetime.timedelta(days=n))
    )


class PersonCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonCategory

    person = factory.SubFactory(PersonFactory)
    category = "orphan"
    start_date = datetime.date(2026, 1, 1)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"救助项目{n}")
    kind = ProgrammeKind.PERIODIC
    eligible_categories = ["orphan", "unsupported_child"]
    amount = 600
    amount_in_institution = 1000
    starts_on = datetime.date(2026, 1, 1)


class TemporaryAssistanceFactory(ProgrammeFactory):
    kind = ProgrammeKind.ONE_OFF
    eligible_categories = []
    amount = None
    amount_in_institution = None
    ceiling = 3000
    help_first = True


class ApplicationFactory(factory.django.DjangoModelFactory):
    """Filed by a clerk of the person's township, in that township, as the service files it."""

    class Meta:
        model = Application

    person = factory.SubFactory(PersonFactory)
    township = factory.SelfAttribute("person.township")
    programme = factory.SubFactory(TemporaryAssistanceFactory)
    amount = 100
    reason = "病"
    filed_by = factory.SubFactory(
        TownshipStaffFactory, township=factory.SelfAttribute("..person.township")
    )
