"""The 低保 income test, written once (relief.eligibility): 单人保 counts the person alone,
就业成本扣减 leaves out a share of the income from work, and filing stores the result."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from relief import services
from relief.eligibility import assess
from relief.models import Household, PersonCategory
from tests.relief.factories import PersonFactory, TemporaryAssistanceFactory


@pytest.fixture(autouse=True)
def _standard(settings):
    settings.RELIEF_DIBAO_STANDARD = "600"
    settings.RELIEF_EMPLOYMENT_COST_DEDUCTION_RATE = "0.3"


def household_of(township, income, members, **first):
    household = Household.objects.create(
        township=township, village="王庄村", address="1号", monthly_income=Decimal(income)
    )
    people = [PersonFactory(township=township, household=household, **first)]
    people += [PersonFactory(township=township, household=household) for _ in range(members - 1)]
    return people


def disabled(person, category="disabled"):
    PersonCategory.objects.create(
        person=person, category=category, start_date=datetime.date(2020, 1, 1)
    )
    return person


def test_the_household_per_head_against_the_standard(township1):
    person = household_of(township1, "2000", 4)[0]
    result = assess(person)
    assert (result.per_head, result.within_standard, result.on_the_edge) == (
        Decimal("500.00"),
        True,
        True,
    )
    assert not assess(household_of(township1, "2400", 2)[0]).on_the_edge  # 1200 ≥ 1.5 × 600


def test_single_person_coverage_counts_the_person_alone_in_an_edge_household(township1):
    person = disabled(household_of(township1, "2800", 4, monthly_income=Decimal("300"))[0])
    assert not assess(person).within_standard  # 700 a head
    alone = assess(person, single_person=True)
    assert (alone.members, alone.per_head, alone.within_standard) == (1, Decimal("300.00"), True)


def test_a_serious_illness_is_a_ground_for_single_person_coverage_too(township1):
    ill = disabled(household_of(township1, "2800", 4)[0], category="seriously_ill")
    assert assess(ill, single_person=True).members == 1
    ended = household_of(township1, "2800", 4)[0]
    PersonCategory.objects.create(
        person=ended,
        category="seriously_ill",
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 1, 1),
    )
    with pytest.raises(ValidationError):  # an illness that has ended is no ground
        assess(ended, single_person=True)


def test_single_person_coverage_needs_an_edge_household_and_a_disability(township1):
    able = household_of(township1, "2800", 4)[0]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        assess(able, single_person=True)
    assert "残疾" in refused.value.message_dict["single_person_coverage"][0]
    well_off = disabled(household_of(township1, "4000", 4)[0])  # 1000 a head: above the edge
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        assess(well_off, single_person=True)
    assert "低保边缘" in refused.value.message_dict["single_person_coverage"][0]


def test_employment_cost_deduction_leaves_out_a_share_of_earned_income(township1):
    person = household_of(township1, "1300", 2)[0]  # 650 a head: above the standard
    assert not assess(person).within_standard
    deducted = assess(person, employment_deduction=True, earned_income=Decimal("1000"))
    assert deducted.income == Decimal("1000.00")  # 1300 − 30% of 1000
    assert (deducted.per_head, deducted.within_standard) == (Decimal("500.00"), True)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        assess(person, employment_deduction=True, earned_income=Decimal("2000"))
    assert "务工" in refused.value.message_dict["earned_income"][0]


def test_filing_stores_the_test_with_its_options(township1, town1):
    person = household_of(township1, "1300", 2)[0]
    application = services.file_application(
        user=town1,
        person=person,
        programme=TemporaryAssistanceFactory(),
        amount=Decimal("500"),
        reason="务工收入不稳定",
        employment_cost_deduction=True,
        earned_income=Decimal("1000"),
    )
    assert application.employment_cost_deduction
    assert (application.income_per_head, application.within_dibao_standard) == (
        Decimal("500.00"),
        True,
    )


def test_an_option_that_does_not_apply_is_answered_beside_it(township1, town1, client_for):
    from django.urls import reverse

    person = household_of(township1, "2800", 4)[0]
    response = client_for(town1).post(
        reverse("relief:person_action", args=[person.pk, "application"]),
        {
            "programme": TemporaryAssistanceFactory().pk,
            "amount": "500",
            "reason": "病",
            "single_person_coverage": "on",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert "单人保" in response.context["application_form"].errors["single_person_coverage"][0]
    assert not person.applications.exists()
