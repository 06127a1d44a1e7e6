"""Filing and changing a week's report: who may write for which home, and when."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from epidemic import services
from epidemic.models import WeeklyReport
from institutions.models import InstitutionKind, Role
from tests.epidemic.conftest import at
from tests.epidemic.factories import WEEK, WeeklyReportFactory
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db

FORM = {
    "residents": "80",
    "residents_tested": "78",
    "residents_positive": "0",
    "staff_tested": "12",
    "staff_positive": "0",
    "sent_to_hospital": "0",
    "hospital": "",
    "referred_80_plus": "0",
    "deaths": "0",
    "doses_given": "5",
    "residents_vaccinated": "70",
    "antigen_kits_received": "160",
    "antigen_kits_given": "156",
    "notes": "",
}


def file_url(institution, week="2027-W06"):
    return reverse("epidemic:file", args=[institution.pk, week])


def test_institution_staff_file_their_own_homes_report(clock, inst1, client_for):
    response = client_for(inst1).post(file_url(inst1.institution), FORM)
    report = WeeklyReport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("epidemic:report", args=[report.pk])
    assert (report.institution, report.township, report.week) == (
        inst1.institution,
        inst1.township,
        WEEK,
    )
    assert (report.residents_tested, report.doses_given, report.antigen_kits_given) == (78, 5, 156)
    assert report.submitted_by == inst1 and report.updated_by == inst1


def test_institution_staff_cannot_file_for_another_home_of_their_township(
    clock, inst1, township1, client_for
):
    neighbour = InstitutionFactory(township=township1)
    response = client_for(inst1).post(file_url(neighbour), FORM)
    assert response.status_code == 404
    assert not WeeklyReport.objects.exists()


def test_township_staff_file_for_their_townships_homes(clock, town1, institution1, client_for):
    response = client_for(town1).post(file_url(institution1), FORM)
    assert response.status_code == 302
    assert WeeklyReport.objects.get().submitted_by == town1


def test_township_staff_cannot_file_for_another_townships_home(
    clock, town2, institution1, client_for
):
    assert client_for(town2).post(file_url(institution1), FORM).status_code == 404
    assert client_for(town2).get(file_url(institution1)).status_code == 404
    assert not WeeklyReport.objects.exists()


def test_bureau_officers_file_for_any_home(clock, officer, institution1, institution2, client_for):
    client = client_for(officer)
    assert client.post(file_url(institution1), FORM).status_code == 302
    assert client.post(file_url(institution2), FORM).status_code == 302
    assert WeeklyReport.objects.count() == 2


def test_the_three_administrators_file_nothing(clock, institution1, client_for):
    auditor = UserFactory(role=Role.AUDIT_ADMIN)
    assert client_for(auditor).post(file_url(institution1), FORM).status_code == 404
    assert not WeeklyReport.objects.exists()


def test_a_home_of_a_kind_that_does_not_report_is_refused(clock, officer, township1, client_for):
    registry = InstitutionFactory(township=township1, kind=InstitutionKind.MARRIAGE_REGISTRY)
    assert client_for(officer).post(file_url(registry), FORM).status_code == 403
    assert not WeeklyReport.objects.exists()


def test_a_week_that_has_not_begun_cannot_be_filed(clock, officer, institution1, client_for):
    response = client_for(officer).post(file_url(institution1, "2027-W07"), FORM)
    assert response.status_code == 200
    assert "这一周还没有开始。" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        services.save_report(
            user=officer,
            institution=institution1,
            week=WEEK + datetime.timedelta(weeks=1),
            values={},
        )
    assert refused.value.messages == ["尚未开始的周不能报送。"]
    assert not WeeklyReport.objects.exists()


@pytest.mark.parametrize("week", ["2027-W6", "2027-W54", "1999-W01", "2027-06"])
def test_a_malformed_week_is_not_found(clock, officer, institution1, client_for, week):
    assert client_for(officer).get(file_url(institution1, week)).status_code == 404


def test_the_form_starts_from_the_homes_residents_and_designated_hospital(clock, inst1, client_for):
    form = client_for(inst1).get(file_url(inst1.institution)).context["form"]
    assert form["residents"].value() == inst1.institution.residents
    assert form["hospital"].value() == "泌阳县人民医院"


def test_a_filed_report_is_changed_in_place_with_its_history(clock, inst1, client_for):
    client = client_for(inst1)
    client.post(file_url(inst1.institution), FORM)
    client.post(file_url(inst1.institution), {**FORM, "doses_given": "9"})
    report = WeeklyReport.objects.get()
    assert report.doses_given == 9
    assert [version.doses_given for version in report.history.order_by("history_date")] == [5, 9]


def test_filers_may_change_a_report_until_the_week_after_ends(clock, inst1, client_for):
    report = WeeklyReportFactory(institution=inst1.institution, submitted_by=inst1)
    clock.move_to(at(WEEK + datetime.timedelta(days=13), 23))  # the Sunday after, late
    assert (
        client_for(inst1).post(file_url(inst1.institution), {**FORM, "deaths": "1"}).status_code
        == 302
    )
    clock.move_to(at(WEEK + datetime.timedelta(days=14), 8))  # the Monday after that
    response = client_for(inst1).post(file_url(inst1.institution), {**FORM, "deaths": "2"})
    assert response.context["editable"] is False
    report.refresh_from_db()
    assert report.deaths == 1


def test_after_the_window_only_the_bureau_changes_a_report(clock, town1, officer, client_for):
    report = WeeklyReportFactory(institution__township=town1.township)
    clock.move_to(at(WEEK + datetime.timedelta(days=30)))
    client_for(town1).post(file_url(report.institution), {**FORM, "deaths": "2"})
    report.refresh_from_db()
    assert report.deaths == 0
    response = client_for(officer).post(file_url(report.institution), {**FORM, "deaths": "2"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.deaths, report.updated_by) == (2, officer)
