"""The home page's panel: one's own unit with the 零报告 button while a period covers today."""

import pytest
from django.urls import reverse

from tests.daily_reports.factories import DailyReportFactory

pytestmark = pytest.mark.django_db


def test_a_clerk_sees_the_zero_button_until_the_centre_has_filed(clock, period, town1, client_for):
    client = client_for(town1)
    zero = reverse("daily_reports:zero", args=["t", town1.township_id, "2027-02-10"])
    assert zero in client.get(reverse("home")).content.decode()
    # The panel is a cached figure whose generation is a timestamp: let the frozen clock move.
    clock.shift(1)
    DailyReportFactory(period=period, township=town1.township, submitted_by=town1)
    assert zero not in client.get(reverse("home")).content.decode()


def test_an_officer_sees_the_counts(clock, period, officer, township1, client_for):
    page = client_for(officer).get(reverse("home")).content.decode()
    assert "应报" in page and "未报" in page


def test_no_panel_outside_a_period(town1, client_for):
    page = client_for(town1).get(reverse("home")).content.decode()
    assert reverse("daily_reports:index") + '">日报</a> ·' not in page


def test_the_panel_is_counted_once_a_minute(clock, period, officer, django_assert_num_queries):
    from daily_reports.home import panels

    with django_assert_num_queries(3):  # the period and the two completion counts
        first = panels(officer)
    with django_assert_num_queries(0):
        assert panels(officer) == first
