"""The printed hazard rectification notice (隐患整改通知书): scoped as the hazard page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.models import Hazard, HazardPhoto, PhotoStage
from inspections.printing import notice_number
from tests.factories import InstitutionStaffFactory
from tests.inspections.factories import HazardFactory, InspectionFactory, checklist, jpeg

SOURCE = "《中华人民共和国消防法》第十六条"


def notice_url(hazard):
    return reverse("inspections:hazard_notice", args=[hazard.pk])


@pytest.fixture
def failed_hazard(institution1, town1):
    """A major hazard raised from a failed item of a checklist that names its basis."""
    version, items = checklist(items_per_section=1, sections=1, severity="major")
    version.template.source = SOURCE
    version.template.save()
    inspection = InspectionFactory(institution=institution1, version=version)
    services.save_answer(
        inspection=inspection, item=items[0], user=town1, value="fail", note="疏散通道堵塞"
    )
    services.submit_inspection(
        inspection=inspection, user=town1, inspector_name="李春梅", person_present="王建国"
    )
    hazard = Hazard.objects.get(inspection=inspection)
    HazardPhoto.objects.create(
        hazard=hazard, stage=PhotoStage.FOUND, image=jpeg(), uploaded_by=town1
    )
    return hazard


def test_the_notice_number_is_county_year_and_hazard_number(db, institution1, settings):
    settings.COUNTY_NAME = "泌阳县"
    found = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)  # 2027 in Beijing
    hazard = HazardFactory(institution=institution1, found_at=found)
    assert notice_number(hazard) == f"泌民安改〔2027〕第{hazard.pk}号"


def test_the_notice_carries_what_was_found_and_what_to_do(
    client_for, town1, failed_hazard, settings
):
    hazard = failed_hazard
    page = client_for(town1).get(notice_url(hazard)).content.decode()
    assert "隐患整改通知书" in page
    assert notice_number(hazard) in page
    assert hazard.institution.name in page
    assert hazard.institution.legal_representative in page
    assert hazard.responsible_person in page
    assert "疏散通道堵塞" in page
    assert hazard.item.text in page
    assert hazard.get_category_display() in page and hazard.get_severity_display() in page
    assert hazard.deadline_in_force().isoformat() in page
    assert SOURCE in page
    assert "临时防范措施" in page  # a major hazard
    assert "书面报告" in page  # report back
    assert f"{settings.COUNTY_NAME}民政局" in page
    assert timezone.localdate().isoformat() in page
    assert "签收人" in page and "签收日期" in page
    photo = hazard.photos.get()
    assert reverse("inspections:hazard_photo", args=[photo.pk]) in page
    assert "/media/" not in page


def test_without_an_item_or_a_basis_the_basis_line_is_left_out(client_for, town1, institution1):
    hazard = HazardFactory(institution=institution1, severity="general")
    page = client_for(town1).get(notice_url(hazard)).content.decode()
    assert hazard.description in page
    assert "依据" not in page
    assert "临时防范措施" not in page  # a general hazard


def test_the_hazard_page_links_to_the_notice(client_for, town1, failed_hazard):
    page = client_for(town1).get(reverse("inspections:hazard", args=[failed_hazard.pk]))
    assert notice_url(failed_hazard) in page.content.decode()


def test_another_townships_clerk_gets_404(client_for, town2, failed_hazard):
    assert client_for(town2).get(notice_url(failed_hazard)).status_code == 404


def test_institution_staff_print_only_their_own_institutions_notice(
    client_for, inst1, failed_hazard, institution2
):
    assert client_for(inst1).get(notice_url(failed_hazard)).status_code == 200
    other = HazardFactory(institution=institution2)
    assert client_for(inst1).get(notice_url(other)).status_code == 404
    stranger = InstitutionStaffFactory(institution=institution2)
    assert client_for(stranger).get(notice_url(failed_hazard)).status_code == 404


def test_the_query_count_does_not_grow_with_photos(
    client_for, town1, failed_hazard, institution1, assert_same_queries
):
    few = HazardFactory(institution=institution1)
    HazardPhoto.objects.create(hazard=few, stage=PhotoStage.FOUND, image=jpeg(), uploaded_by=town1)
    many = HazardFactory(institution=institution1)
    for _ in range(5):
        HazardPhoto.objects.create(
            hazard=many, stage=PhotoStage.FOUND, image=jpeg(), uploaded_by=town1
        )
    assert_same_queries(client_for(town1), notice_url(few), notice_url(many))
