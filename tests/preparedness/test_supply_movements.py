"""Supply movements (入库/发放): recorded from the supply's page, they move its stock in the
same transaction; giving out more than is in stock is refused beside the quantity and
saves nothing; only those who may change the line may record one."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from preparedness import services
from preparedness.models import MovementKind, Supply, SupplyKind, SupplyMovement
from tests.preparedness.conftest import errors_of
from tests.preparedness.factories import SupplyFactory


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def supply_url(supply):
    return reverse("preparedness:supply", args=[supply.pk])


def movement(**overrides):
    data = {
        "moved_on": f"{timezone.localdate():%Y-%m-%d}",
        "kind": MovementKind.RECEIVED,
        "quantity": "60",
        "note": "县民政局调拨",
        "token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


@pytest.fixture
def kits(institution1, town1):
    return SupplyFactory(
        institution=institution1,
        kind=SupplyKind.ANTIGEN_KITS,
        quantity=100,
        unit="人份",
        minimum_quantity=80,
        updated_by=town1,
    )


def test_items_received_add_to_the_stock(client_for, inst1, kits):
    response = client_for(inst1).post(supply_url(kits), movement(quantity="60"))
    assert response.status_code == 302 and response["Location"] == supply_url(kits)
    kits.refresh_from_db()
    assert kits.quantity == 160 and kits.updated_by == inst1
    recorded = SupplyMovement.objects.get()
    assert (recorded.supply, recorded.kind, recorded.quantity) == (kits, "received", 60)
    assert (recorded.recorded_by, recorded.note) == (inst1, "县民政局调拨")


def test_items_given_out_take_from_the_stock_and_the_page_lists_both(client_for, town1, kits):
    client = client_for(town1)
    client.post(supply_url(kits), movement(quantity="30", note=""))
    client.post(supply_url(kits), movement(kind=MovementKind.GIVEN, quantity="45", note="发给老人"))
    kits.refresh_from_db()
    assert kits.quantity == 85
    page = client.get(supply_url(kits))
    assert [(m.kind, m.quantity) for m in page.context["page"]] == [("given", 45), ("received", 30)]
    text = page.content.decode()
    assert "入库" in text and "发放" in text and "发给老人" in text and "85" in text


def test_giving_out_more_than_is_in_stock_is_refused_beside_the_quantity(client_for, inst1, kits):
    response = client_for(inst1).post(
        supply_url(kits), movement(kind=MovementKind.GIVEN, quantity="101")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["quantity"] == [
        "库存只有100人份，发放数量不能超过库存。"
    ]
    kits.refresh_from_db()
    assert kits.quantity == 100
    assert not SupplyMovement.objects.exists()


def test_giving_out_the_whole_stock_leaves_none(client_for, inst1, kits):
    client_for(inst1).post(supply_url(kits), movement(kind=MovementKind.GIVEN, quantity="100"))
    kits.refresh_from_db()
    assert kits.quantity == 0
    assert kits in Supply.objects.low_stock()


def test_the_service_refuses_an_over_issue_and_saves_nothing(town1, kits):
    with pytest.raises(ValidationError) as refused:
        services.record_movement(
            supply=kits,
            user=town1,
            kind=MovementKind.GIVEN,
            quantity=150,
            moved_on=timezone.localdate(),
        )
    assert "库存只有100人份" in str(refused.value.message_dict["quantity"])
    assert Supply.objects.get(pk=kits.pk).quantity == 100
    assert not SupplyMovement.objects.exists()


def test_the_service_checks_the_stock_as_it_is_now_not_as_it_was_read(town1, inst1, kits):
    stale = Supply.objects.get(pk=kits.pk)  # read before another clerk gives 80 out
    services.record_movement(
        supply=kits, user=inst1, kind=MovementKind.GIVEN, quantity=80, moved_on=days(0)
    )
    with pytest.raises(ValidationError):
        services.record_movement(
            supply=stale, user=town1, kind=MovementKind.GIVEN, quantity=50, moved_on=days(0)
        )
    assert Supply.objects.get(pk=kits.pk).quantity == 20


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("quantity", "0", "请填写1或以上的数量。"),
        ("quantity", "-5", "请填写1或以上的数量。"),
        ("quantity", "abc", "输入整数"),
        ("moved_on", "DAYS_AHEAD", "入库或发放日期不能晚于今天。"),
        ("moved_on", "1999-12-31", "请填写2000年以后的日期。"),
        ("kind", "lost", "选择一个有效的选项"),
    ],
)
def test_a_bad_movement_is_refused_in_chinese_beside_its_field(
    client_for, inst1, kits, field, value, message
):
    if value == "DAYS_AHEAD":
        value = f"{days(1):%Y-%m-%d}"
    response = client_for(inst1).post(supply_url(kits), movement(**{field: value}))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert message in errors_of(response)
    assert Supply.objects.get(pk=kits.pk).quantity == 100
    assert not SupplyMovement.objects.exists()


def test_the_same_form_sent_twice_records_one_movement(client_for, inst1, kits):
    client = client_for(inst1)
    data = movement(quantity="10")
    client.post(supply_url(kits), data)
    again = client.post(supply_url(kits), data, follow=True)
    assert "此表单已经提交过" in again.content.decode()
    assert SupplyMovement.objects.count() == 1
    assert Supply.objects.get(pk=kits.pk).quantity == 110


def test_another_users_form_token_is_not_reused(client_for, inst1, town1, kits):
    data = movement(quantity="10")
    client_for(inst1).post(supply_url(kits), data)
    response = client_for(town1).post(supply_url(kits), data)
    assert "表单已过期" in errors_of(response)
    assert SupplyMovement.objects.count() == 1


@pytest.mark.parametrize("who", ["inst2", "town2", "sysadmin"])
def test_nobody_outside_the_scope_sees_or_moves_a_supply(request, client_for, kits, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(supply_url(kits)).status_code == 404
    response = client.post(supply_url(kits), movement(kind=MovementKind.GIVEN, quantity="5"))
    assert response.status_code == 404
    assert Supply.objects.get(pk=kits.pk).quantity == 100
    assert not SupplyMovement.objects.exists()


def test_the_service_refuses_a_user_who_may_not_write_the_line(town2, kits):
    with pytest.raises(PermissionDenied):
        services.record_movement(
            supply=kits, user=town2, kind=MovementKind.RECEIVED, quantity=5, moved_on=days(0)
        )
    assert not SupplyMovement.objects.exists()


def test_the_county_records_for_any_institution(client_for, officer, kits):
    client_for(officer).post(supply_url(kits), movement(quantity="5"))
    assert Supply.objects.get(pk=kits.pk).quantity == 105


def test_the_institution_and_supplies_pages_link_the_supply(client_for, inst1, kits):
    client = client_for(inst1)
    place = client.get(reverse("preparedness:institution", args=[kits.institution_id]))
    assert supply_url(kits) in place.content.decode()
    listed = client.get(reverse("preparedness:supplies"), {"all": "1"})
    assert supply_url(kits) in listed.content.decode()


@pytest.mark.parametrize("count", [2, 30])
def test_the_supply_page_costs_the_same_queries_at_any_size(
    client_for, town1, kits, count, django_assert_num_queries
):
    for n in range(count):
        services.record_movement(
            supply=kits,
            user=town1,
            kind=MovementKind.RECEIVED if n % 2 == 0 else MovementKind.GIVEN,
            quantity=1,
            moved_on=days(-n % 20),
        )
    client = client_for(town1)
    client.get(reverse("home"))
    # The session, the user, the supply, the count, the page of movements with who recorded
    # them, the clerk's township (the menu), the session's save, two savepoint pairs.
    with django_assert_num_queries(11):
        response = client.get(supply_url(kits))
    assert len(response.context["page"]) == min(count, 25)
