"""Responsibility (三管三必须, 包保): the officials of each year and the signed letter."""

import pytest
from django.urls import reverse
from django.utils import timezone

from preparedness.models import Responsibility
from tests.factories import InstitutionFactory
from tests.preparedness.conftest import errors_of, html_upload, pdf_upload
from tests.preparedness.factories import ResponsibilityFactory, stored_pdf

YEAR = timezone.localdate().year


def letter_data(**overrides):
    data = {
        "institution_head": "王院长",
        "institution_head_phone": "13900000001",
        "township_official": "李镇长",
        "township_official_phone": "13900000002",
        "bureau_contact": "赵科长",
        "bureau_contact_phone": "13900000003",
        "signed_on": timezone.localdate().isoformat(),
    }
    data.update(overrides)
    return data


def edit_url(institution, year=YEAR):
    return reverse("preparedness:responsibility_edit", args=[institution.pk, year])


def test_township_staff_record_the_officials_and_the_signed_letter(client_for, town1, institution1):
    response = client_for(town1).post(
        edit_url(institution1), {**letter_data(), "letter": pdf_upload("责任书.pdf")}
    )
    record = Responsibility.objects.get()
    assert response.status_code == 302
    assert (record.year, record.township_official, record.updated_by) == (YEAR, "李镇长", town1)
    assert record.letter.name.endswith(".pdf") and record.is_complete


def test_a_signing_date_without_the_letter_is_refused(client_for, inst1, institution1):
    response = client_for(inst1).post(edit_url(institution1), letter_data())
    assert "请同时上传签订的责任书" in errors_of(response)
    assert not Responsibility.objects.exists()


def test_a_web_page_is_not_a_letter(client_for, inst1, institution1):
    response = client_for(inst1).post(
        edit_url(institution1), {**letter_data(), "letter": html_upload()}
    )
    assert "请上传PDF文件" in errors_of(response)


def test_a_wrong_phone_number_is_refused_in_chinese(client_for, inst1, institution1):
    response = client_for(inst1).post(
        edit_url(institution1), letter_data(signed_on="", township_official_phone="12")
    )
    assert "township_official_phone" in response.context["form"].errors
    assert not Responsibility.objects.exists()


def test_saving_again_keeps_the_letter_and_changes_the_officials(client_for, inst1, institution1):
    record = ResponsibilityFactory(institution=institution1, letter=stored_pdf())
    client_for(inst1).post(edit_url(institution1), letter_data(bureau_contact="钱科长"))
    record.refresh_from_db()
    assert record.bureau_contact == "钱科长" and record.letter
    assert Responsibility.objects.count() == 1


@pytest.mark.parametrize("who", ["inst2", "town2", "sysadmin"])
def test_nobody_outside_the_scope_may_write_the_responsibility(
    request, client_for, institution1, who
):
    response = client_for(request.getfixturevalue(who)).post(
        edit_url(institution1), letter_data(signed_on="")
    )
    assert response.status_code == 404
    assert not Responsibility.objects.exists()


def test_a_year_out_of_range_is_not_found(client_for, officer, institution1):
    assert client_for(officer).get(edit_url(institution1, 1999)).status_code == 404
    assert client_for(officer).get(edit_url(institution1, YEAR + 2)).status_code == 404


def test_the_county_sees_which_institutions_lack_them_for_the_year(
    client_for, officer, township1, institution1
):
    no_letter = InstitutionFactory(township=township1)
    nothing = InstitutionFactory(township=township1)
    last_year_only = InstitutionFactory(township=township1)
    ResponsibilityFactory(institution=institution1, letter=stored_pdf())
    ResponsibilityFactory(institution=no_letter)
    ResponsibilityFactory(institution=last_year_only, year=YEAR - 1, letter=stored_pdf())
    response = client_for(officer).get(reverse("preparedness:responsibility"), {"lacking": "1"})
    lacking = {institution for institution, _record in response.context["rows"]}
    assert lacking == {no_letter, nothing, last_year_only}
    last_year = client_for(officer).get(
        reverse("preparedness:responsibility"), {"lacking": "1", "year": YEAR - 1}
    )
    assert last_year_only not in {i for i, _r in last_year.context["rows"]}


def test_the_letter_is_served_within_the_scope_only(client_for, town1, town2, institution1):
    record = ResponsibilityFactory(institution=institution1, letter=stored_pdf())
    url = reverse("preparedness:responsibility_letter", args=[record.pk])
    served = client_for(town1).get(url)
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert client_for(town2).get(url).status_code == 404


@pytest.mark.parametrize("count", [2, 12])
def test_the_responsibility_page_costs_the_same_queries_at_any_size(
    client_for, officer, township1, count, django_assert_num_queries
):
    for _ in range(count):
        ResponsibilityFactory(institution=InstitutionFactory(township=township1))
    client = client_for(officer)
    # The request's session, user and savepoints (7), townships, the count and the page of
    # institutions, and their records of the year.
    with django_assert_num_queries(11):
        response = client.get(reverse("preparedness:responsibility"))
    assert len(response.context["rows"]) == count
