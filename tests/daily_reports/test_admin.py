"""In the admin, a filed report is read, never changed or deleted."""

import pytest
from django.urls import reverse

from tests.daily_reports.factories import DailyReportFactory

pytestmark = pytest.mark.django_db


def test_a_filed_report_is_read_only_in_the_admin(clock, period, admin_user, client_for):
    report = DailyReportFactory(period=period, fever_cases=2)
    client = client_for(admin_user)
    url = reverse("admin:daily_reports_dailyreport_change", args=[report.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(url, {"fever_cases": "0"}).status_code == 403
    delete = reverse("admin:daily_reports_dailyreport_delete", args=[report.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    report.refresh_from_db()
    assert report.fever_cases == 2
