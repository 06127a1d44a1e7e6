"""The county summary of a day: totals over current versions, the non-zero items, as a
print page for A4 and as .xlsx (title, day, made when and by whom, frozen header)."""

import io

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from daily_reports import services
from exports.models import ExportJob
from tests.daily_reports.conftest import DAY
from tests.daily_reports.factories import DailyReportFactory
from tests.exports.conftest import formula_cells

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
    # The print rules are the printable records' stylesheet, not an inline <style> (CSP).
    assert "/static/css/print.css" in page and "<style" not in page
    css = (settings.BASE_DIR / "static" / "css" / "print.css").read_text()
    assert "@page { size: A4" in css and "@media print" in css
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
    assert f"{DAY:%Y-%m-%d}" in totals["A2"].value
    assert officer.display_name in totals["A3"].value
    assert totals.freeze_panes == items.freeze_panes == "A5"
    assert [cell.value for cell in totals[4]][:2] == ["项目", "数值"]
    assert ["发热人员", 2] in [[c.value for c in row][:2] for row in totals.iter_rows(min_row=5)]
    assert [c.value for c in items[4]] == [
        "序号",
        "乡镇（街道）",
        "报送单位",
        "项目",
        "数值",
        "备注",
        "版本",
    ]
    rows = [[c.value for c in row] for row in items.iter_rows(min_row=5)]
    assert [1, "羊册镇", "羊册镇敬老院", "发热人员", 2, '\'=HYPERLINK("http://x")', 2] in rows
    assert [row[0] for row in rows] == list(range(1, len(rows) + 1))
    note = next(row[5] for row in rows if row[2] == "羊册镇敬老院")
    assert note.startswith("'=") and items.cell(row=5, column=6).data_type == "s"
    assert formula_cells(workbook) == []


def test_the_workbook_is_recorded_and_not_capped_like_the_page(
    clock, reports, officer, client_for, monkeypatch
):
    monkeypatch.setattr(services, "NONZERO_CAP", 1)
    response = client_for(officer).get(
        reverse("daily_reports:summary_xlsx", args=[DAY.isoformat()])
    )
    items = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[1]
    units = {row[2] for row in items.iter_rows(min_row=5, values_only=True)}
    assert units == {"羊册镇敬老院", "马谷田镇敬老院"}
    job = ExportJob.objects.get()
    assert (job.kind, job.requester, job.row_count) == ("daily_summary", officer, 2)
    assert job.params["day"] == [DAY.isoformat()]


def test_a_clerks_workbook_is_their_township(clock, reports, town1, client_for):
    response = client_for(town1).get(
        reverse("daily_reports:summary_xlsx", args=[DAY.isoformat()]), {"day": "2020-01-01"}
    )
    items = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[1]
    assert {row[1] for row in items.iter_rows(min_row=5, values_only=True)} == {"羊册镇"}
