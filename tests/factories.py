"""factory_boy factories for the organisation; each app's tests add their own beside them."""

import factory

from institutions.models import (
    Institution,
    InstitutionKind,
    Operator,
    Role,
    Township,
    TownshipKind,
    User,
)
from institutions.validators import credit_code_check_character


def _credit_code(n):
    first17 = f"52411726{n:09d}"
    return first17 + credit_code_check_character(first17)


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"测试镇{n}")
    kind = TownshipKind.TOWN
    # Nine digits for as many townships as a full run makes (411726500+n ran out at 500).
    code = factory.Sequence(lambda n: f"41{n:07d}")


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"测试敬老院{n}")
    kind = InstitutionKind.ELDERLY_CARE
    operator = Operator.PUBLIC
    township = factory.SubFactory(TownshipFactory)
    address = "河南省泌阳县测试路1号"
    credit_code = factory.Sequence(_credit_code)
    legal_representative = "王建国"
    legal_representative_phone = "13903960001"
    safety_officer = "李秀英"
    safety_officer_phone = "0396-7921234"
    beds = 100
    residents = 80
    residents_aged_80_plus = 20
    designated_hospital = "泌阳县人民医院"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = "测试用户"
    role = Role.BUREAU_OFFICER
    password = factory.PostGenerationMethodCall("set_password", "test-pass-123")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TownshipStaffFactory(UserFactory):
    role = Role.TOWNSHIP_STAFF
    township = factory.SubFactory(TownshipFactory)


class InstitutionStaffFactory(UserFactory):
    role = Role.INSTITUTION_STAFF
    institution = factory.SubFactory(InstitutionFactory)


class AdminFactory(UserFactory):
    role = Role.ADMIN
    is_superuser = True
    is_staff = True
