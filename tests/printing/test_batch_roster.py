"""The printed 发放花名册: officers only, every line, masked ID numbers, amounts to the fen."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from relief import services
from relief.views import BATCH_PAGE_SIZE
from tests.relief.factories import PersonCategoryFactory, ProgrammeFactory


def roster_url(batch):
    return reverse("relief:batch_print", args=[batch.pk])


def batch_of(size, officer, name):
    programme = ProgrammeFactory(name=name, amount=Decimal("612.5"))
    for _ in range(size):
        PersonCategoryFactory(start_date=datetime.date(2026, 1, 1))
    return services.generate_batch(programme=programme, period="2027-01", user=officer)


@pytest.fixture
def batch(officer):
    return batch_of(3, officer, "孤儿基本生活费")


def test_the_roster_lists_every_line_with_masked_ids_and_amounts_to_two_decimals(
    client_for, officer, batch, settings
):
    page = client_for(officer).get(roster_url(batch)).content.decode()
    assert "发放花名册" in page
    assert f"{settings.COUNTY_NAME}民政局" in page
    assert "孤儿基本生活费" in page and "2027-01" in page
    for line in batch.lines.select_related("person"):
        full = line.person.id_number
        assert line.person_name in page
        assert full not in page
        assert f"{full[:4]}{'*' * 10}{full[-4:]}" in page
    assert page.count(">612.50<") == 3
    assert ">1837.50<" in page  # the total
    assert "领取人签字" in page


def test_a_line_left_out_is_not_printed(client_for, officer, batch):
    line = batch.lines.order_by("pk").first()
    services.exclude_from_batch(line=line, user=officer, reason="已去世")
    page = client_for(officer).get(roster_url(batch)).content.decode()
    assert line.person_name not in page
    assert ">1225.00<" in page


def test_the_batch_page_links_to_the_roster(client_for, officer, batch):
    page = client_for(officer).get(reverse("relief:batch", args=[batch.pk]))
    assert roster_url(batch) in page.content.decode()


def test_township_and_institution_staff_may_not_print_it(client_for, town1, inst1, batch):
    assert client_for(town1).get(roster_url(batch)).status_code == 403
    assert client_for(inst1).get(roster_url(batch)).status_code == 403


def test_the_query_count_does_not_grow_with_lines(client_for, officer, assert_same_queries):
    small = batch_of(2, officer, "小批次")
    large = batch_of(BATCH_PAGE_SIZE + 5, officer, "大批次")  # more than the batch page shows
    assert_same_queries(client_for(officer), roster_url(small), roster_url(large))
    page = client_for(officer).get(roster_url(large)).content.decode()
    assert large.count > BATCH_PAGE_SIZE
    assert page.count('<tr><td class="num">') == large.count  # every line, not a page


def test_a_hostile_name_is_printed_as_text(client_for, officer):
    programme = ProgrammeFactory(name="临时价格补贴")
    PersonCategoryFactory(person__name="<script>alert(1)</script>", person__village="=1+1")
    batch = services.generate_batch(programme=programme, period="2027-01", user=officer)
    page = client_for(officer).get(roster_url(batch)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_long_roster_is_printed_a_township_at_a_time(client_for, officer, batch, monkeypatch):
    from relief import printing

    monkeypatch.setattr(printing, "LINES_AT_ONCE", 2)
    client = client_for(officer)
    chooser = client.get(roster_url(batch))
    townships = {line.person.township for line in batch.lines.select_related("person__township")}
    page = chooser.content.decode()
    assert "领取人签字" not in page  # no lines: a township to choose
    for township in townships:
        assert f"?township={township.pk}" in page

    township = next(iter(townships))
    printed = client.get(roster_url(batch), {"township": township.pk}).content.decode()
    for line in batch.lines.select_related("person"):
        assert (line.person_name in printed) == (line.person.township_id == township.pk)
