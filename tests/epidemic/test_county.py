"""The county's week by township, the eight-week trend, coverage and the homes to look at."""

import datetime

import pytest
from django.urls import reverse

from epidemic import services
from epidemic.models import coverage_percent
from tests.epidemic.factories import WEEK, WeeklyReportFactory
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def test_coverage_is_residents_vaccinated_over_residents_in_care():
    assert coverage_percent(70, 80) == 87.5
    assert coverage_percent(1, 3) == 33.3
    assert coverage_percent(0, 0) is None


def test_a_townships_coverage_sums_its_homes_before_dividing(
    clock, officer, institution1, township1
):
    WeeklyReportFactory(institution=institution1, residents=100, residents_vaccinated=90)
    WeeklyReportFactory(
        institution=InstitutionFactory(township=township1), residents=20, residents_vaccinated=6
    )
    rows, total = services.county_week(officer, WEEK)
    row = next(row for row in rows if row["pk"] == township1.pk)
    # (90 + 6) / (100 + 20), not the mean of 90% and 30%
    assert row["coverage"] == 80.0
    assert (row["expected"], row["filed"], row["missing"]) == (2, 2, 0)
    assert total["coverage"] == 80.0


def test_the_county_week_counts_expected_filed_and_missing_per_township(
    clock, officer, institution1, institution2, township1
):
    InstitutionFactory(township=township1)
    WeeklyReportFactory(institution=institution1, residents_positive=2, staff_positive=1)
    rows, total = services.county_week(officer, WEEK)
    by_name = {row["name"]: row for row in rows}
    assert (by_name["羊册镇"]["filed"], by_name["羊册镇"]["missing"]) == (1, 1)
    assert (by_name["马谷田镇"]["filed"], by_name["马谷田镇"]["missing"]) == (0, 1)
    assert by_name["马谷田镇"]["coverage"] is None
    assert (total["expected"], total["filed"], total["missing"], total["positives"]) == (3, 1, 2, 3)


def test_township_staff_see_their_township_only(clock, town1, institution1, institution2):
    WeeklyReportFactory(institution=institution1)
    WeeklyReportFactory(institution=institution2, residents_positive=5)
    rows, total = services.county_week(town1, WEEK)
    assert [row["name"] for row in rows] == ["羊册镇"]
    assert total["positives"] == 0


def test_the_trend_has_eight_weeks_oldest_first_with_empty_weeks_as_zero(
    clock, officer, institution1
):
    WeeklyReportFactory(institution=institution1, residents_positive=1)
    WeeklyReportFactory(
        institution=institution1,
        week=WEEK - datetime.timedelta(weeks=3),
        residents_vaccinated=40,
    )
    WeeklyReportFactory(institution=institution1, week=WEEK - datetime.timedelta(weeks=8))
    trend = services.trend(officer, WEEK)
    assert [row["label"] for row in trend][0::7] == ["2026-W52", "2027-W06"]
    assert [row["filed"] for row in trend] == [0, 0, 0, 0, 1, 0, 0, 1]
    assert [row["coverage"] for row in trend][3:5] == [None, 50.0]
    assert trend[-1]["positives"] == 1


def test_homes_with_positives_or_coverage_below_the_threshold_need_attention(
    clock, officer, township1, settings
):
    def home(name, **counts):
        return WeeklyReportFactory(
            institution=InstitutionFactory(township=township1, name=name), **counts
        )

    home("阳性敬老院", residents_positive=1)
    home("低接种敬老院", residents=100, residents_vaccinated=79)
    home("达标敬老院", residents=100, residents_vaccinated=80)
    found = {report.institution.name for report in services.needing_attention(officer, WEEK)}
    assert found == {"阳性敬老院", "低接种敬老院"}
    settings.EPIDEMIC_LOW_COVERAGE_PERCENT = 90
    found = {report.institution.name for report in services.needing_attention(officer, WEEK)}
    assert found == {"阳性敬老院", "低接种敬老院", "达标敬老院"}


def test_institution_staff_do_not_get_the_county_page(clock, inst1, client_for):
    assert client_for(inst1).get(reverse("epidemic:county")).status_code == 403


def test_the_county_page_draws_its_charts_from_json(clock, officer, institution1, client_for):
    WeeklyReportFactory(institution=institution1)
    page = client_for(officer).get(reverse("epidemic:county")).content.decode()
    for chart in ("chart-trend", "chart-coverage", "chart-townships"):
        assert f'id="{chart}" type="application/json"' in page
    assert "dashboards/charts.js" in page


def _county_page(client):
    response = client.get(reverse("epidemic:county"))
    assert response.status_code == 200
    return response.context


def test_a_late_report_of_a_past_week_is_in_the_trend_at_once(
    clock, officer, institution1, client_for
):
    client = client_for(officer)
    assert [row["filed"] for row in _county_page(client)["trend"]][-3:] == [0, 0, 0]
    WeeklyReportFactory(institution=institution1, week=WEEK - datetime.timedelta(weeks=2))
    assert [row["filed"] for row in _county_page(client)["trend"]][-3:] == [1, 0, 0]


def test_a_report_with_positives_needs_attention_at_once(clock, officer, township1, client_for):
    client = client_for(officer)
    assert _county_page(client)["attention"] == []
    report = WeeklyReportFactory(
        institution=InstitutionFactory(township=township1), residents_positive=2
    )
    assert _county_page(client)["attention"] == [report]


def test_a_new_home_is_expected_at_once(clock, officer, township1, client_for):
    client = client_for(officer)
    expected = {row["pk"]: row["expected"] for row in _county_page(client)["rows"]}
    InstitutionFactory(township=township1)
    after = {row["pk"]: row["expected"] for row in _county_page(client)["rows"]}
    assert after[township1.pk] == expected[township1.pk] + 1


def test_the_figures_kept_for_the_county_are_not_shown_to_a_township(
    clock, officer, town1, institution1, institution2, client_for
):
    past = WEEK - datetime.timedelta(weeks=1)
    WeeklyReportFactory(institution=institution1, week=past, residents_positive=1)
    WeeklyReportFactory(institution=institution2, week=past, residents_positive=1)
    WeeklyReportFactory(institution=institution2, residents_positive=1)
    county = _county_page(client_for(officer))
    assert county["trend"][-2]["filed"] == 2
    assert len(county["attention"]) == 1
    township = _county_page(client_for(town1))
    assert township["trend"][-2]["filed"] == 1
    assert township["attention"] == []
    assert [row["pk"] for row in township["rows"]] == [institution1.township_id]


def test_the_trend_takes_this_weeks_sums_from_the_county_week(clock, officer, institution1):
    WeeklyReportFactory(institution=institution1, residents_positive=1)
    _rows, total = services.county_week(officer, WEEK)
    assert services.trend(officer, WEEK, this_week_sums=total) == services.trend(officer, WEEK)
