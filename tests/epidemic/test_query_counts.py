"""The list pages cost the same number of queries with few homes or many."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epidemic import services
from tests.epidemic.factories import WEEK, WeeklyReportFactory
from tests.factories import InstitutionFactory, TownshipFactory

pytestmark = pytest.mark.django_db


def _homes(township, n, *, positive=False):
    for _n in range(n):
        report = WeeklyReportFactory(
            institution=InstitutionFactory(township=township),
            residents_positive=1 if positive else 0,
            residents_vaccinated=10,
        )
        services.open_follow_up(report, report.submitted_at)
        InstitutionFactory(township=township)  # one missing beside each filed


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _same_queries(client, url, grow, django_assert_num_queries):
    """The same queries cold (nothing cached: the county page's figures are kept a minute,
    config.counts) and warm, with few homes and with many."""
    client.get(url)  # the session and the like, once
    cache.clear()
    cold, warm = _queries(client, url), _queries(client, url)
    assert warm <= cold <= 16
    grow()
    cache.clear()
    with django_assert_num_queries(cold):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(warm):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        reverse("epidemic:index"),
        reverse("epidemic:week", args=["2027-W06"]) + "?missing=1",
        reverse("epidemic:county"),
        reverse("epidemic:follow_ups"),
    ],
)
def test_county_pages_cost_the_same_with_more_homes_and_townships(
    clock, officer, township1, client_for, django_assert_num_queries, url
):
    _homes(township1, 2, positive=True)
    _same_queries(
        client_for(officer),
        url,
        lambda: [_homes(TownshipFactory(), 4, positive=True) for _n in range(3)],
        django_assert_num_queries,
    )


def test_a_townships_week_page_costs_the_same_with_more_homes(
    clock, town1, township1, client_for, django_assert_num_queries
):
    _homes(township1, 1)
    _same_queries(
        client_for(town1),
        reverse("epidemic:index"),
        lambda: _homes(township1, 6),
        django_assert_num_queries,
    )


def test_a_homes_history_costs_the_same_with_more_weeks(
    clock, officer, institution1, client_for, django_assert_num_queries
):
    import datetime

    WeeklyReportFactory(institution=institution1)

    def grow():
        for n in range(1, 9):
            WeeklyReportFactory(institution=institution1, week=WEEK - datetime.timedelta(weeks=n))

    _same_queries(
        client_for(officer),
        reverse("epidemic:institution", args=[institution1.pk]),
        grow,
        django_assert_num_queries,
    )
