"""The county's week as .xlsx through the exports app, scoped like the page."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from exports.models import ExportJob
from tests.epidemic.factories import WeeklyReportFactory

pytestmark = pytest.mark.django_db


def workbook(client):
    response = client.get(reverse("epidemic:county_xlsx", args=["2027-W06"]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def cells(sheet):
    return [value for row in sheet.iter_rows(values_only=True) for value in row if value]


def test_the_workbook_has_the_townships_and_every_homes_report(
    clock, officer, institution1, institution2, client_for
):
    WeeklyReportFactory(institution=institution1, residents=80, residents_vaccinated=60)
    WeeklyReportFactory(institution=institution2, residents_positive=4)
    book = workbook(client_for(officer))
    by_township, reports = book.worksheets
    assert {"羊册镇", "马谷田镇", "合计"} <= set(cells(by_township))
    rows = list(by_township.iter_rows(values_only=True))
    header = next(row for row in rows if row[0] == "序号")
    total = rows[-1]
    assert total[0] == "合计" and total[1] in (None, "")
    # Each figure under its own header: two homes expected, two filed, one positive.
    figures = dict(zip(header, total, strict=True))
    assert (figures["应报机构数"], figures["已报送"]) == (2, 2)
    report_cells = cells(reports)
    assert {"羊册镇敬老院", "马谷田镇敬老院", 75.0} <= set(report_cells)  # 60 / 80
    assert ExportJob.objects.get().kind == "epidemic_week"


def test_a_township_clerk_exports_their_township_only(
    clock, town1, institution1, institution2, client_for
):
    WeeklyReportFactory(institution=institution1)
    WeeklyReportFactory(institution=institution2)
    book = workbook(client_for(town1))
    text = " ".join(str(value) for sheet in book.worksheets for value in cells(sheet))
    assert "羊册镇敬老院" in text
    assert "马谷田镇" not in text


def test_institution_staff_get_no_county_export(clock, inst1, client_for):
    response = client_for(inst1).get(reverse("epidemic:county_xlsx", args=["2027-W06"]))
    assert response.status_code == 403
