"""The result page shows answers in words, and only once the inspection is submitted."""

import pytest
from django.urls import reverse

from inspections import services
from tests.inspections.factories import InspectionFactory, ItemFactory, checklist


@pytest.fixture
def mixed(institution1, town1):
    """A submitted inspection with pass, fail, n/a, yes and no answers."""
    version, items = checklist(items_per_section=3, sections=1)
    section = items[0].section
    yes_item = ItemFactory(section=section, answer_type="yes_no", failing_yes_no="no")
    no_item = ItemFactory(section=section, answer_type="yes_no", failing_yes_no="yes")
    inspection = InspectionFactory(institution=institution1, version=version)
    for item, value in [
        (items[0], "pass"),
        (items[1], "fail"),
        (items[2], "na"),
        (yes_item, "yes"),
        (no_item, "no"),
    ]:
        services.save_answer(inspection=inspection, item=item, user=town1, value=value)
    services.submit_inspection(
        inspection=inspection, user=town1, inspector_name="李春梅", person_present="王建国"
    )
    return inspection, items, yes_item, no_item


def answer_line(page, item):
    return next(line for line in page.splitlines() if item.text + "：" in line)


def test_result_shows_pass_fail_and_not_applicable_as_words(client_for, town1, mixed):
    inspection, items, _yes, _no = mixed
    page = client_for(town1).get(reverse("inspections:result", args=[inspection.pk]))
    page = page.content.decode()
    assert f"{items[0].text}：合格" in page
    assert f"{items[1].text}：不合格" in page
    assert f"{items[2].text}：不适用" in page
    assert "：pass" not in page and "：fail" not in page and "：na" not in page


def test_result_shows_yes_and_no_as_words(client_for, town1, mixed):
    inspection, _items, yes_item, no_item = mixed
    page = client_for(town1).get(reverse("inspections:result", args=[inspection.pk]))
    page = page.content.decode()
    assert f"{yes_item.text}：是" in page
    assert f"{no_item.text}：否" in page


def test_result_shows_a_number_with_its_unit(client_for, town1, institution1):
    item = ItemFactory(answer_type="number", unit="次", required=True)
    inspection = InspectionFactory(institution=institution1, version=item.section.version)
    services.save_answer(inspection=inspection, item=item, user=town1, value="3")
    services.submit_inspection(
        inspection=inspection, user=town1, inspector_name="甲", person_present="乙"
    )
    page = client_for(town1).get(reverse("inspections:result", args=[inspection.pk]))
    assert f"{item.text}：3 次" in page.content.decode()


def test_a_drafts_result_page_redirects_to_filling(client_for, town1, sweep):
    inspection, _items = sweep
    response = client_for(town1).get(reverse("inspections:result", args=[inspection.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:fill", args=[inspection.pk])
