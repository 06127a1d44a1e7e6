"""The county summary of a day: totals over current versions, the non-zero items, as a
print page for A4 and as .xlsx (title, day, made when and by whom, frozen header)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from daily_reports import services
from tests.daily_reports.conftest import DAY
from tests.daily_reports.factories import DailyReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(period, township1, township2, institution1, institution2):
    DailyReportFactory(period=period, township=township1, is_zero=True)
    # Corrected: only version 2 counts.
    DailyReportFactory(period=period, institution=institution1, fever_cases=9)
    DailyReportFactory(
        period=period,
        institution=institution1,
        version=2,
        fever_cases=2,
        sent_to_hospital=1,
        for_the_bureau='=HYPERLINK("http://x")',
    )
    DailyReportFactory(
        period=period,
        institution=institution2,
        incidents=1,
        incident_notes="老人摔倒",
        duty_in_place=False,
    )


def test_totals_count_current_versions_only(clock, reports, officer):
    data = services.summary(DAY, officer)
    totals = data["totals"]
    assert (totals["reports"], totals["zero"], totals["duty_not_in_place"]) == (3, 1, 1)
    assert (totals["fever_cases"], totals["sent_to_hospital"], totals["incidents"]) == (2, 1, 1)
    items = {
        report.unit_name: [str(label) for label, _value in found] for report, found in data["items"]
    }
    assert items == {
        "羊册镇敬老院": ["发热人员", "送医人员"],
        "马谷田镇敬老院": ["突发事件", "值班未在岗"],
    }


def test_a_township_clerks_summary_is_their_township(clock, reports, town1):
    assert services.summary(DAY, town1)["totals"]["reports"] == 2


def test_the_print_page_is_a4(clock, reports, officer, client_for):
    page = (
        client_for(officer)
        .get(reverse("daily_reports:summary", args=[DAY.isoformat()]))
        .content.decode()
    )
    assert "@page { size: A4" in page and "@media print" in page
    assert "日报汇总" in page and "老人摔倒" in page


def test_the_workbook_has_a_title_the_day_its_maker_and_formula_safe_text(
    clock, reports, officer, client_for
):
    response = client_for(officer).get(
        reverse("daily_reports:summary_xlsx", args=[DAY.isoformat()])
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    totals, items = workbook.worksheets
    assert totals["A1"].value == "日报汇总"
    assert totals["B2"].value.date() == DAY
    assert totals["D3"].value == officer.display_name
    assert totals.freeze_panes == "A6"
    assert [cell.value for cell in totals[5]][:2] == ["项目", "数值"]
    assert ["发热人员", 2] in [[c.value for c in row][:2] for row in totals.iter_rows(min_row=6)]
    rows = [[c.value for c in row] for row in items.iter_rows(min_row=6)]
    assert ["羊册镇", "羊册镇敬老院", "发热人员", 2, '\'=HYPERLINK("http://x")', 2] in rows
    note = next(row[4] for row in rows if row[1] == "羊册镇敬老院")
    assert note.startswith("'=") and items.cell(row=6, column=5).data_type == "s"
