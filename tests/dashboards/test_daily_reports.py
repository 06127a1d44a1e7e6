"""Today's daily reports on the dashboard: filed, late and missing per township, in the
league table too, scoped like every other figure."""

import datetime

from tests.daily_reports.factories import DailyReportFactory, ReportingPeriodFactory
from tests.dashboards.conftest import TODAY, moment


def _rows(response):
    return {row["township"]: row for row in response.context["daily"]["rows"]}


def test_officers_see_each_townships_units_filed_late_and_missing(
    page, officer, town1, institution1, institution2
):
    period = ReportingPeriodFactory()
    DailyReportFactory(period=period, day=TODAY, township=institution1.township)
    DailyReportFactory(
        period=period, day=TODAY, institution=institution1, submitted_at=moment(10, hour=17)
    )

    response = page(officer)

    rows = _rows(response)
    # Each township: its centre and its one elderly-care home.
    assert (rows["羊册镇"]["expected"], rows["羊册镇"]["filed"]) == (2, 2)
    assert (rows["羊册镇"]["late"], rows["羊册镇"]["missing"]) == (1, 0)
    assert (rows["马谷田镇"]["filed"], rows["马谷田镇"]["missing"]) == (0, 2)
    assert response.context["daily"]["totals"]["missing"] == 2
    html = response.content.decode()
    assert 'id="table-daily-reports"' in html
    assert f"/daily-reports/day/{TODAY.isoformat()}/township/{institution2.township_id}/" in html


def test_the_league_table_has_the_share_filed_and_sorts_by_it(
    page, officer, institution1, institution2
):
    period = ReportingPeriodFactory()
    DailyReportFactory(period=period, day=TODAY, township=institution1.township)

    league = page(officer, sort="-daily").context["league"]

    assert [(row["name"], row["daily"]) for row in league] == [("羊册镇", 50.0), ("马谷田镇", 0.0)]
    assert [row["name"] for row in page(officer, sort="daily").context["league"]] == [
        "马谷田镇",
        "羊册镇",
    ]


def test_township_staff_see_their_township_only(page, town1, institution1, institution2):
    ReportingPeriodFactory()

    response = page(town1)

    assert list(_rows(response)) == ["羊册镇"]


def test_outside_a_reporting_period_the_section_is_not_shown(page, officer, institution1):
    ReportingPeriodFactory(
        start_date=TODAY + datetime.timedelta(days=10), end_date=TODAY + datetime.timedelta(days=20)
    )

    response = page(officer)

    assert response.context["daily"]["rows"] == []
    assert 'id="table-daily-reports"' not in response.content.decode()
