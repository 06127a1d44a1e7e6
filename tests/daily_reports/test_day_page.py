"""The bureau's day page and a township's drill-down: who filed, who is late, who is missing,
in a fixed number of queries however many units the county has."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from daily_reports import services
from institutions.models import InstitutionKind
from tests.daily_reports.conftest import DAY, at
from tests.daily_reports.factories import DailyReportFactory
from tests.factories import InstitutionFactory, TownshipFactory

pytestmark = pytest.mark.django_db


def day_url(day=DAY):
    return reverse("daily_reports:day", args=[day.isoformat()])


def row_of(rows, township):
    return next(row for row in rows if row["township_id"] == township.pk)


def test_completion_counts_filed_late_and_missing_per_township(
    clock, period, township1, township2, institution1, officer
):
    late_home = InstitutionFactory(township=township1)
    InstitutionFactory(township=township1)  # missing
    InstitutionFactory(township=township1, kind=InstitutionKind.MARRIAGE_REGISTRY)  # not expected
    DailyReportFactory(period=period, township=township1)  # the centre, on time
    DailyReportFactory(period=period, institution=institution1)
    DailyReportFactory(period=period, institution=institution1, version=2)  # a correction
    DailyReportFactory(period=period, institution=late_home, submitted_at=at(17))
    rows = services.completion(DAY, officer)
    assert row_of(rows, township1) == {
        "township_id": township1.pk,
        "township": "羊册镇",
        "code": township1.code,
        "centre_filed": True,
        "centre_late": False,
        "institutions_expected": 3,
        "institutions_filed": 2,
        "institutions_late": 1,
        "expected": 4,
        "filed": 3,
        "late": 1,
        "missing": 1,
    }
    assert row_of(rows, township2)["missing"] == 1  # its centre; it has no institution
    assert services.completion_totals(rows) == {"expected": 5, "filed": 3, "late": 1, "missing": 2}


def test_completion_is_empty_outside_a_period(clock, period, officer, township1):
    assert services.completion(DAY.replace(month=3), officer) == []


def test_township_staff_see_their_township_only(clock, period, town1, township2):
    rows = services.completion(DAY, town1)
    assert [row["township_id"] for row in rows] == [town1.township_id]


def test_the_day_page_shows_missing_in_red(clock, period, township1, officer, client_for):
    page = client_for(officer).get(day_url()).content.decode()
    assert "羊册镇" in page
    assert 'badge text-bg-danger">未报' in page


def _county(townships, institutions_each):
    for _n in range(townships):
        township = TownshipFactory()
        for _m in range(institutions_each):
            institution = InstitutionFactory(township=township)
            DailyReportFactory(day=DAY, institution=institution, period_id=_county.period.pk)
        DailyReportFactory(day=DAY, township=township, period_id=_county.period.pk)


def test_the_day_page_costs_the_same_queries_with_more_units(
    clock, period, officer, client_for, django_assert_num_queries
):
    _county.period = period
    client = client_for(officer)
    _county(2, 2)
    client.get(day_url())  # the session and the like, once
    cache.clear()  # the day's completion is a cached figure: count it each time
    with django_assert_num_queries(10) as small:
        assert client.get(day_url()).status_code == 200
    _county(6, 5)
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(day_url())
    assert response.context["totals"]["filed"] == 2 * 3 + 6 * 6


def test_the_township_page_costs_the_same_queries_with_more_institutions(
    clock, period, town1, township1, client_for, django_assert_num_queries
):
    url = reverse("daily_reports:township_day", args=[DAY.isoformat(), township1.pk])
    client = client_for(town1)
    InstitutionFactory(township=township1)
    client.get(url)
    with django_assert_num_queries(13) as small:
        assert client.get(url).status_code == 200
    for _n in range(8):
        DailyReportFactory(period=period, institution=InstitutionFactory(township=township1))
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('text-bg-success">已报') == 8
    assert page.count('text-bg-danger">未报') == 2  # one institution and the centre


def test_the_township_page_lists_only_the_missing_when_asked(
    clock, period, town1, township1, institution1, client_for
):
    filed = InstitutionFactory(township=township1, name="已报敬老院")
    DailyReportFactory(period=period, institution=filed)
    url = reverse("daily_reports:township_day", args=[DAY.isoformat(), township1.pk])
    page = client_for(town1).get(url + "?missing=1").content.decode()
    assert institution1.name in page and "已报敬老院" not in page


def test_a_township_clerk_cannot_open_another_townships_page(
    clock, period, town1, township2, client_for
):
    url = reverse("daily_reports:township_day", args=[DAY.isoformat(), township2.pk])
    assert client_for(town1).get(url).status_code == 404


def test_institution_staff_see_their_own_card_and_no_table(clock, period, inst1, client_for):
    response = client_for(inst1).get(reverse("daily_reports:index"))
    assert response.context["rows"] == []
    assert "零报告" in response.content.decode()


@pytest.mark.parametrize("day", ["2027-02-30", "１２３", "10000-01-01", "1999-12-31"])
def test_an_impossible_day_is_not_found(officer, client_for, day):
    assert client_for(officer).get(f"/daily-reports/day/{day}/").status_code == 404


def test_a_report_filed_shows_on_the_day_page_at_once(
    clock, period, officer, town1, township1, client_for
):
    client = client_for(officer)
    before = client.get(day_url()).context["totals"]["filed"]  # counted and cached

    DailyReportFactory(period=period, day=DAY, township=township1)

    assert client.get(day_url()).context["totals"]["filed"] == before + 1
