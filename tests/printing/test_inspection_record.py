"""The printed inspection record (检查记录): scoped as the result page, every item, signatures."""

import pytest
from django.urls import reverse

from inspections import services
from inspections.models import Hazard, Level
from tests.factories import InstitutionStaffFactory
from tests.inspections.factories import InspectionFactory, checklist, jpeg


def submitted(institution, user, *, items_per_section=2, sections=2, level=Level.TOWNSHIP):
    """A submitted inspection whose first item failed (with a note and a photo)."""
    version, items = checklist(items_per_section=items_per_section, sections=sections)
    inspection = InspectionFactory(institution=institution, version=version, level=level)
    services.save_answer(
        inspection=inspection,
        item=items[0],
        user=user,
        value="fail",
        note="灭火器压力不足",
        photo=jpeg(),
    )
    for item in items[1:]:
        services.save_answer(inspection=inspection, item=item, user=user, value="pass")
    services.submit_inspection(
        inspection=inspection, user=user, inspector_name="李春梅、张伟", person_present="王建国"
    )
    return inspection, items


def record_url(inspection):
    return reverse("inspections:print_record", args=[inspection.pk])


@pytest.fixture
def record(institution1, town1):
    return submitted(institution1, town1)


def test_the_record_carries_the_fields_of_a_paper_record(client_for, town1, record, settings):
    inspection, items = record
    institution = inspection.institution
    page = client_for(town1).get(record_url(inspection)).content.decode()
    assert f"{settings.COUNTY_NAME}民政局" in page
    assert "排查记录" in page
    for value in (
        institution.name,
        institution.address,
        institution.township.name,
        institution.legal_representative,
        institution.legal_representative_phone,
        "李春梅、张伟",
        "王建国",
        inspection.version.template.name,
    ):
        assert value in page
    for item in items:
        assert item.text in page
    assert "检查人员签字" in page and "被检查单位负责人签字" in page and "日期" in page


def test_the_title_follows_the_level(client_for, officer, institution1):
    inspection, _items = submitted(institution1, officer, level=Level.SUPERVISORY)
    page = client_for(officer).get(record_url(inspection)).content.decode()
    assert "督导检查记录" in page


def test_a_failed_item_is_highlighted_with_its_note_photo_and_hazard(client_for, town1, record):
    inspection, items = record
    hazard = Hazard.objects.get(inspection=inspection, item=items[0])
    answer = inspection.answers.get(item=items[0])
    page = client_for(town1).get(record_url(inspection)).content.decode()
    assert page.count('class="print-failed"') == 1
    assert "灭火器压力不足" in page
    assert f"#{hazard.pk}" in page
    assert reverse("inspections:answer_photo", args=[answer.pk]) in page
    assert "/media/" not in page


def test_the_page_links_the_print_stylesheet_and_script_and_no_inline_script(
    client_for, town1, record
):
    inspection, _items = record
    page = client_for(town1).get(record_url(inspection)).content.decode()
    assert "css/print.css" in page and "js/print.js" in page
    assert "onclick" not in page and "data-print" in page


def test_the_result_page_links_to_the_printed_record(client_for, town1, record):
    inspection, _items = record
    page = client_for(town1).get(reverse("inspections:result", args=[inspection.pk]))
    assert record_url(inspection) in page.content.decode()


def test_a_draft_has_no_record_yet(client_for, town1, institution1):
    version, _items = checklist()
    inspection = InspectionFactory(institution=institution1, version=version)
    response = client_for(town1).get(record_url(inspection))
    assert response.status_code == 302


def test_another_townships_clerk_gets_404(client_for, town2, record):
    inspection, _items = record
    assert client_for(town2).get(record_url(inspection)).status_code == 404


def test_institution_staff_print_only_their_own_institutions_record(
    client_for, inst1, record, institution2, town2
):
    inspection, _items = record
    assert client_for(inst1).get(record_url(inspection)).status_code == 200
    other, _items = submitted(institution2, town2)
    assert client_for(inst1).get(record_url(other)).status_code == 404
    stranger = InstitutionStaffFactory(institution=institution2)
    assert client_for(stranger).get(record_url(inspection)).status_code == 404


def test_the_query_count_does_not_grow_with_items(
    client_for, town1, institution1, assert_same_queries
):
    small, _items = submitted(institution1, town1, items_per_section=1, sections=1)
    large, _items = submitted(institution1, town1, items_per_section=6, sections=4)
    assert_same_queries(client_for(town1), record_url(small), record_url(large))


def test_a_hostile_note_is_printed_as_text(client_for, town1, institution1):
    version, items = checklist(items_per_section=1, sections=1)
    inspection = InspectionFactory(institution=institution1, version=version)
    services.save_answer(
        inspection=inspection,
        item=items[0],
        user=town1,
        value="fail",
        note="<img src=x onerror=alert(1)>",
    )
    services.submit_inspection(
        inspection=inspection, user=town1, inspector_name="<b>甲</b>", person_present="乙"
    )
    page = client_for(town1).get(record_url(inspection)).content.decode()
    assert "<img src=x" not in page and "<b>甲</b>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
