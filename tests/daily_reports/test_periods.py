"""Reporting periods: set by officers and admins, bounded, never overlapping."""

import datetime

import pytest
from django.urls import reverse

from daily_reports.models import ReportingPeriod

pytestmark = pytest.mark.django_db

URL = reverse("daily_reports:periods")
FORM = {
    "name": "2027年春节元宵节",
    "start_date": "2027-02-01",
    "end_date": "2027-02-15",
    "cutoff": "16:00",
    "institution_kinds": ["elderly_care", "child_welfare"],
}


def test_an_officer_sets_a_period(officer, client_for):
    response = client_for(officer).post(URL, FORM)
    assert response.status_code == 302
    period = ReportingPeriod.objects.get()
    assert period.created_by == officer
    assert period.cutoff == datetime.time(16, 0)
    assert period.institution_kinds == ["elderly_care", "child_welfare"]


def test_the_default_is_the_residential_kinds():
    assert set(ReportingPeriod().institution_kinds) == {
        "elderly_care",
        "child_welfare",
        "social_welfare",
        "rescue_station",
    }


def test_township_staff_cannot_set_a_period(town1, client_for):
    assert client_for(town1).post(URL, FORM).status_code == 403
    assert not ReportingPeriod.objects.exists()


def test_overlapping_backwards_and_overlong_periods_are_refused_in_chinese(officer, client_for):
    client = client_for(officer)
    client.post(URL, FORM)
    overlap = client.post(URL, {**FORM, "start_date": "2027-02-15", "end_date": "2027-02-20"})
    assert "与另一个报送期重叠" in overlap.content.decode()
    backwards = client.post(URL, {**FORM, "start_date": "2027-03-10", "end_date": "2027-03-01"})
    assert "结束日期不能早于开始日期" in backwards.content.decode()
    long = client.post(URL, {**FORM, "start_date": "2027-04-01", "end_date": "2027-07-01"})
    assert "报送期最长62天" in long.content.decode()
    assert ReportingPeriod.objects.count() == 1
