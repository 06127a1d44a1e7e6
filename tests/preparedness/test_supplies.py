"""Emergency supplies (应急物资): flags, the extinguisher's dates, totals, who may write."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from preparedness.models import NEAR_EXPIRY_DAYS, Supply, SupplyKind
from tests.factories import InstitutionFactory
from tests.preparedness.conftest import errors_of
from tests.preparedness.factories import SupplyFactory


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def supply_data(**overrides):
    data = {
        "kind": SupplyKind.MASKS,
        "description": "N95",
        "quantity": "300",
        "unit": "个",
        "minimum_quantity": "100",
        "location": "一楼库房",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_low_stock_expired_and_near_expiry_lines_are_flagged_and_no_others(institution1):
    low = SupplyFactory(institution=institution1, quantity=5, minimum_quantity=10)
    expired = SupplyFactory(institution=institution1, expires_on=days(-1))
    near = SupplyFactory(institution=institution1, expires_on=days(NEAR_EXPIRY_DAYS))
    SupplyFactory(institution=institution1, expires_on=days(NEAR_EXPIRY_DAYS + 1))
    SupplyFactory(institution=institution1, quantity=10, minimum_quantity=10)
    assert set(Supply.objects.flagged()) == {low, expired, near}
    assert [str(f) for f in low.flags()] == ["库存不足"]
    assert [str(f) for f in expired.flags()] == ["已过期或逾期未检"]
    assert [str(f) for f in near.flags()] == ["即将过期或到检"]


def test_an_extinguisher_needs_its_inspection_dates(client_for, inst1, institution1):
    response = client_for(inst1).post(
        reverse("preparedness:supply_new", args=[institution1.pk]),
        supply_data(kind=SupplyKind.EXTINGUISHER),
    )
    shown = errors_of(response)
    assert "请填写上次检查日期" in shown and "请填写下次检查日期" in shown
    assert not Supply.objects.exists()


def test_an_other_item_says_what_it_is(client_for, inst1, institution1):
    response = client_for(inst1).post(
        reverse("preparedness:supply_new", args=[institution1.pk]),
        supply_data(kind=SupplyKind.OTHER, description=""),
    )
    assert "请说明是什么物资" in errors_of(response)


def test_institution_staff_record_a_supply_for_their_institution(client_for, inst1, institution1):
    response = client_for(inst1).post(
        reverse("preparedness:supply_new", args=[institution1.pk]), supply_data()
    )
    supply = Supply.objects.get()
    assert response.status_code == 302
    assert (supply.institution, supply.updated_by, supply.quantity) == (institution1, inst1, 300)


@pytest.mark.parametrize("who", ["inst2", "town2", "sysadmin"])
def test_nobody_outside_the_scope_may_add_or_change_a_supply(
    request, client_for, institution1, who
):
    supply = SupplyFactory(institution=institution1, quantity=7)
    client = client_for(request.getfixturevalue(who))
    added = client.post(reverse("preparedness:supply_new", args=[institution1.pk]), supply_data())
    changed = client.post(
        reverse("preparedness:supply_edit", args=[supply.pk]), supply_data(quantity="1")
    )
    assert (added.status_code, changed.status_code) == (404, 404)
    supply.refresh_from_db()
    assert supply.quantity == 7 and Supply.objects.count() == 1


def test_township_staff_change_a_supply_of_their_township(client_for, town1, institution1):
    supply = SupplyFactory(institution=institution1, quantity=7)
    client_for(town1).post(
        reverse("preparedness:supply_edit", args=[supply.pk]), supply_data(quantity="70")
    )
    supply.refresh_from_db()
    assert (supply.quantity, supply.updated_by) == (70, town1)


def test_the_county_sees_totals_by_township_and_the_flagged_lines(
    client_for, officer, institution1, institution2
):
    SupplyFactory(institution=institution1, kind=SupplyKind.MASKS, quantity=300)
    SupplyFactory(institution=institution1, kind=SupplyKind.MASKS, quantity=200)
    low = SupplyFactory(institution=institution2, kind=SupplyKind.BLANKETS, quantity=1)
    SupplyFactory(institution=institution2, kind=SupplyKind.MASKS, quantity=9, is_active=False)
    response = client_for(officer).get(reverse("preparedness:supplies"))
    totals = {name: (q, flagged) for name, q, flagged in response.context["totals"]}
    masks = SupplyKind.values.index(SupplyKind.MASKS)
    blankets = SupplyKind.values.index(SupplyKind.BLANKETS)
    assert totals[institution1.township.name][0][masks] == 500
    assert totals[institution2.township.name][0][masks] == 0  # the retired line
    assert totals[institution2.township.name][0][blankets] == 1
    assert {name: t[1] for name, t in totals.items()} == {
        institution1.township.name: 0,
        institution2.township.name: 1,
    }
    assert [line for line, _flags in response.context["rows"]] == [low]


def test_a_township_sees_only_its_own_totals(client_for, town2, institution1, institution2):
    SupplyFactory(institution=institution1)
    SupplyFactory(institution=institution2)
    response = client_for(town2).get(reverse("preparedness:supplies"), {"all": "1"})
    assert [name for name, *_rest in response.context["totals"]] == [institution2.township.name]
    assert {line.institution for line, _flags in response.context["rows"]} == {institution2}


@pytest.mark.parametrize("count", [2, 12])
def test_the_supplies_page_costs_the_same_queries_at_any_size(
    client_for, officer, township1, count, django_assert_num_queries
):
    for _ in range(count):
        place = InstitutionFactory(township=township1)
        SupplyFactory(institution=place, quantity=1)
        SupplyFactory(institution=place, kind=SupplyKind.BLANKETS, expires_on=days(-3))
    client = client_for(officer)
    # The request's session, user and savepoints (7), townships, totals, count and page.
    with django_assert_num_queries(11):
        response = client.get(reverse("preparedness:supplies"))
    assert len(response.context["rows"]) == min(2 * count, 25)


def test_the_institution_page_costs_the_same_queries_at_any_size(
    client_for, officer, institution1, django_assert_num_queries
):
    for _ in range(6):
        SupplyFactory(institution=institution1)
    client = client_for(officer)
    with django_assert_num_queries(12):
        client.get(reverse("preparedness:institution", args=[institution1.pk]))
    for _ in range(6):
        SupplyFactory(institution=institution1)
    with django_assert_num_queries(12):
        response = client.get(reverse("preparedness:institution", args=[institution1.pk]))
    assert len(response.context["supplies"]) == 12


def test_the_totals_and_the_count_are_counted_once_and_again_after_a_write(
    client_for, officer, institution1, django_assert_num_queries
):
    masks = SupplyKind.values.index(SupplyKind.MASKS)
    line = SupplyFactory(institution=institution1, quantity=50)
    client = client_for(officer)
    url = reverse("preparedness:supplies")
    client.get(url)
    # Within the minute neither the totals nor the page count are counted again.
    with django_assert_num_queries(9):
        again = client.get(url)
    [(_name, quantities, flagged)] = again.context["totals"]
    assert (quantities[masks], flagged) == (50, 1)
    assert len(again.context["rows"]) == 1
    line.quantity = 500
    line.save()
    response = client.get(url)
    [(_name, quantities, flagged)] = response.context["totals"]
    assert (quantities[masks], flagged) == (500, 0)
    assert response.context["page"].paginator.count == 0
    assert list(response.context["rows"]) == []


def test_the_lines_keep_the_township_code_order_whatever_the_ids(client_for, officer):
    from tests.factories import TownshipFactory

    # The township made second has the first code: ids no longer follow codes.
    later = TownshipFactory(code="419999002", name="后镇")
    earlier = TownshipFactory(code="419999001", name="前镇")
    for township in (later, earlier):
        for name in ("B", "A"):
            place = InstitutionFactory(township=township, name=f"{township.name}{name}敬老院")
            SupplyFactory(institution=place, kind=SupplyKind.MASKS, quantity=1)
            SupplyFactory(institution=place, kind=SupplyKind.BLANKETS, quantity=1)
    response = client_for(officer).get(reverse("preparedness:supplies"))
    listed = [(line.institution.name, line.kind) for line, _flags in response.context["rows"]]
    assert listed == [
        (f"{town}{name}敬老院", kind)
        for town in ("前镇", "后镇")
        for name in ("A", "B")
        for kind in sorted([SupplyKind.MASKS, SupplyKind.BLANKETS])
    ]
    names = [name for name, *_rest in response.context["totals"]]
    assert names == ["前镇", "后镇"]
