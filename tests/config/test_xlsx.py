"""The shared .xlsx writer: real workbooks, read back with openpyxl."""

import datetime
import io
import zoneinfo
from decimal import Decimal

from openpyxl import load_workbook

from config.xlsx import safe_cell_value, write_workbook, xlsx_response

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def read_back(sheets):
    buffer = io.BytesIO()
    write_workbook(buffer, sheets)
    buffer.seek(0)
    return load_workbook(buffer)


def test_values_that_would_run_as_formulas_are_written_as_text():
    workbook = read_back(
        [("台账", ["内容"], [['=HYPERLINK("http://x")'], ["+1"], ["@SUM(A1)"]], None)]
    )
    values = [row[0].value for row in workbook["台账"].iter_rows(min_row=2)]
    assert values == ['\'=HYPERLINK("http://x")', "'+1", "'@SUM(A1)"]
    assert all(row[0].data_type == "s" for row in workbook["台账"].iter_rows(min_row=2))


def test_numbers_money_and_times_keep_their_types():
    occurred = datetime.datetime(2027, 2, 10, 23, 30, tzinfo=SHANGHAI)
    workbook = read_back(
        [("s", ["a", "b", "c"], [[3, Decimal("1200.50"), occurred]], [10, 12, 18])]
    )
    row = next(workbook["s"].iter_rows(min_row=2, values_only=True))
    assert row[0] == 3
    assert float(row[1]) == 1200.5
    assert row[2] == datetime.datetime(2027, 2, 10, 23, 30)


def test_aware_times_are_written_as_shanghai_wall_clock():
    utc = datetime.datetime(2027, 2, 10, 15, 30, tzinfo=datetime.UTC)
    assert safe_cell_value(utc) == datetime.datetime(2027, 2, 10, 23, 30)


def test_negative_numbers_stay_numbers():
    assert safe_cell_value(-5) == -5
    assert safe_cell_value("-5") == "'-5"


def test_download_is_an_xlsx_attachment():
    response = xlsx_response("值班表.xlsx", [("值班表", ["日期"], [["2027-02-10"]], None)])
    content = b"".join(response.streaming_content)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(content))["值班表"]["A2"].value == "2027-02-10"


def test_control_characters_are_dropped_instead_of_failing_the_download():
    workbook = read_back([("台账", ["内容"], [["疏散\x00通道\x1b堵塞"], ["\x0b=1+1"]], None)])
    values = [row[0].value for row in workbook["台账"].iter_rows(min_row=2)]
    assert values == ["疏散通道堵塞", "'=1+1"]
