"""The week's page: the homes of one's scope, filed or missing, a township's only on request."""

import pytest
from django.urls import reverse

from tests.epidemic.factories import WeeklyReportFactory
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

URL = reverse("epidemic:week", args=["2027-W06"])


def names(response):
    return [institution.name for institution in response.context["rows"]]


def test_the_missing_list_names_the_homes_without_a_report_by_township(
    clock, officer, institution1, institution2, township1, client_for
):
    WeeklyReportFactory(institution=institution1)
    late = InstitutionFactory(township=township1, name="羊册镇第二敬老院")
    response = client_for(officer).get(URL + "?missing=1")
    assert names(response) == [late.name, institution2.name]  # township1 (102) before 103
    assert "text-bg-danger" in response.content.decode()


def test_a_township_is_chosen_with_its_id(clock, officer, institution1, institution2, client_for):
    response = client_for(officer).get(URL + f"?township={institution2.township_id}")
    assert names(response) == [institution2.name]


def test_a_clerk_cannot_list_another_townships_homes(
    clock, town2, institution1, institution2, client_for
):
    client = client_for(town2)
    for query in (f"?township={institution1.township_id}", "?township=²", "?township=" + "9" * 30):
        assert names(client.get(URL + query)) == [institution2.name]


def test_institution_staff_see_their_own_home_only(clock, inst1, institution2, client_for):
    response = client_for(inst1).get(URL)
    assert names(response) == [inst1.institution.name]
    assert reverse("epidemic:file", args=[inst1.institution_id, "2027-W06"]) in (
        response.content.decode()
    )


def test_homes_of_kinds_that_do_not_report_are_not_listed(clock, officer, township1, client_for):
    from institutions.models import InstitutionKind

    InstitutionFactory(township=township1, kind=InstitutionKind.FUNERAL_SERVICE, name="殡仪馆")
    InstitutionFactory(township=township1, kind=InstitutionKind.SOCIAL_WELFARE, name="福利中心")
    assert names(client_for(officer).get(URL)) == ["福利中心"]


def test_a_report_page_shows_its_history(clock, officer, institution1, client_for):
    report = WeeklyReportFactory(institution=institution1, submitted_by=officer)
    report.doses_given = 4
    report.save()
    response = client_for(officer).get(reverse("epidemic:report", args=[report.pk]))
    assert len(response.context["history"]) == 2
