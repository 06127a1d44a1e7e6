"""The home page's epidemic panel."""

import pytest
from django.urls import reverse

from epidemic import home
from tests.epidemic.factories import WeeklyReportFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_institution_staff_see_whether_their_week_is_filed(clock, inst1, client_for):
    page = client_for(inst1).get(reverse("home")).content.decode()
    assert "本周周报尚未报送" in page
    WeeklyReportFactory(institution=inst1.institution)
    page = client_for(inst1).get(reverse("home")).content.decode()
    assert "本周周报已报送" in page


def test_the_bureau_sees_filed_missing_and_open_follow_ups(clock, officer, institution1):
    from epidemic import services

    report = WeeklyReportFactory(institution=institution1, residents_positive=1)
    services.open_follow_up(report, report.submitted_at)
    [panel] = home.panels(officer)
    assert (panel["total"]["filed"], panel["total"]["positives"], panel["open_follow_ups"]) == (
        1,
        1,
        1,
    )


def test_the_three_administrators_get_no_panel(clock):
    from institutions.models import Role

    assert home.panels(UserFactory(role=Role.SECURITY_ADMIN)) == []
