"""价格临时补贴: a month's CPI figures against the thresholds of 发改价格〔2021〕1553号 (CPI 3.5%,
food CPI 6%); triggered, the month's batch pays the programme's covered categories."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from relief import services
from relief.models import PriceTrigger, price_thresholds
from tests.relief.factories import PersonCategoryFactory, PersonFactory, ProgrammeFactory


@pytest.fixture
def subsidy(db):
    return ProgrammeFactory(
        name="价格临时补贴",
        eligible_categories=["dibao", "tekun", "orphan", "unsupported_child"],
        amount=Decimal("30.00"),
        amount_in_institution=None,
    )


def record(user, programme, period="2027-01", cpi="2.0", food="3.0"):
    return services.record_price_trigger(
        user=user,
        period=period,
        cpi_rise=Decimal(cpi),
        food_cpi_rise=Decimal(food),
        programme=programme,
    )


def test_the_thresholds_are_the_national_ones_unless_set(settings):
    del settings.RELIEF_PRICE_CPI_THRESHOLD
    del settings.RELIEF_PRICE_FOOD_CPI_THRESHOLD
    assert price_thresholds() == (Decimal("3.5"), Decimal("6.0"))


@pytest.mark.parametrize(
    ("cpi", "food", "triggered"),
    [("3.5", "0", True), ("0", "6.0", True), ("3.49", "5.99", False)],
)
def test_a_month_at_a_threshold_pays_the_covered_categories(cpi, food, triggered, subsidy, officer):
    covered = PersonCategoryFactory(category="dibao").person
    PersonCategoryFactory(category="left_behind_child")  # not covered
    trigger = record(officer, subsidy, cpi=cpi, food=food)
    assert trigger.triggered is triggered
    assert (trigger.cpi_threshold, trigger.food_cpi_threshold) == (Decimal("3.5"), Decimal("6"))
    if triggered:
        line = trigger.batch.lines.get()
        assert (line.person_id, line.amount) == (covered.pk, Decimal("30.00"))
        assert trigger.batch.period == "2027-01"
    else:
        assert trigger.batch is None


def test_a_lower_threshold_from_settings_applies(subsidy, officer, settings):
    settings.RELIEF_PRICE_CPI_THRESHOLD = "3.0"
    assert record(officer, subsidy, cpi="3.0").triggered


def test_only_the_county_records_figures(subsidy, town1, client_for):
    with pytest.raises(PermissionDenied):
        record(town1, subsidy, cpi="9")
    assert client_for(town1).get(reverse("relief:price_triggers")).status_code == 403
    assert not PriceTrigger.objects.exists()


def test_a_month_once_and_a_monthly_programme_in_chinese(subsidy, officer):
    record(officer, subsidy, period="２０２７-01")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        record(officer, subsidy, period="2027-01")
    assert "已登记" in refused.value.message_dict["period"][0]
    one_off = ProgrammeFactory(kind="one_off", eligible_categories=[])
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        record(officer, one_off, period="2027-02")
    assert "按月" in refused.value.message_dict["programme"][0]


def test_the_form_triggers_and_opens_the_batch(subsidy, officer, client_for):
    PersonCategoryFactory(category="tekun")
    response = client_for(officer).post(
        reverse("relief:price_triggers"),
        {"period": "2027-03", "cpi_rise": "4.1", "food_cpi_rise": "2", "programme": subsidy.pk},
    )
    trigger = PriceTrigger.objects.get()
    assert response.status_code == 302 and response.url == trigger.batch.get_absolute_url()
    assert trigger.batch.count == 1


def test_the_form_answers_beside_the_field(subsidy, officer, client_for):
    response = client_for(officer).post(
        reverse("relief:price_triggers"),
        {"period": "2027-13", "cpi_rise": "x", "food_cpi_rise": "2", "programme": subsidy.pk},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"period", "cpi_rise"}


@pytest.mark.parametrize("size", [1, 12])
def test_the_list_costs_the_same_at_any_size(
    size, subsidy, officer, client_for, django_assert_num_queries
):
    PersonFactory()
    for month in range(1, size + 1):
        record(officer, subsidy, period=f"2027-{month:02d}", cpi="4" if month % 2 else "1")
    client = client_for(officer)
    client.get(reverse("relief:price_triggers"))
    with django_assert_num_queries(11):
        assert client.get(reverse("relief:price_triggers")).status_code == 200
