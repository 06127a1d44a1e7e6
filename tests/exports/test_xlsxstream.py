"""The streaming writer: safe cells, real dates, a frozen header, bytes before the end."""

import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from config.xlsx import FORMULA_TRIGGERS, safe_cell_value
from exports.xlsxstream import Sheet, column_letter, stream_workbook, stream_xlsx


def sheet_of(rows, **options):
    data = b"".join(
        stream_xlsx(title=options.pop("title", "台账"), headers=["值"], rows=rows, **options)
    )
    return load_workbook(io.BytesIO(data)).active


def test_every_formula_trigger_is_written_as_text_as_the_shared_guard_says():
    values = [f"{trigger}1+1" for trigger in FORMULA_TRIGGERS] + ['=HYPERLINK("x")']
    sheet = sheet_of([[v] for v in values])
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [safe_cell_value(v) for v in values]
    assert all(c.data_type == "s" for c in cells)


def test_control_characters_are_dropped_and_markup_is_kept_as_text():
    sheet = sheet_of([["a\x00b\x0bc"], ["<b>&amp;</b>"], ["一\r二"]])
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "abc",
        "<b>&amp;</b>",
        "一\r二",
    ]


def test_values_keep_their_types():
    now = datetime.datetime(2026, 11, 29, 8, 30)
    sheet = sheet_of([[datetime.date(2026, 2, 17)], [now], [3], [Decimal("2.50")], [True], [None]])
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert cells[0].value == datetime.datetime(2026, 2, 17) and cells[0].is_date
    assert cells[0].number_format == "yyyy-mm-dd"
    assert cells[1].value == now and cells[1].number_format == "yyyy-mm-dd hh:mm"
    assert [c.value for c in cells[2:]] == [3, 2.5, True, None]


def test_the_header_is_frozen_below_the_preamble_and_rows_are_numbered():
    sheet = sheet_of([["x"], ["y"]], preamble=[["标题"], ["筛选"]], widths=[30])
    assert sheet.freeze_panes == "A4"
    assert sheet["A1"].value == "标题" and sheet["A1"].font.b
    assert [c.value for c in sheet[3]] == ["序号", "值"]
    assert [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)] == [1, 2]
    assert sheet.column_dimensions["B"].width == 30


def test_a_sheet_title_loses_the_characters_excel_refuses():
    assert sheet_of([], title="隐患/台账:2026[1]").title == "隐患 台账 2026 1"


def test_bytes_leave_before_the_rows_are_all_produced():
    produced = []

    def rows():
        for n in range(2000):
            produced.append(n)
            yield [n]

    stream = stream_xlsx(title="t", headers=["n"], rows=rows(), chunk_rows=500)
    assert next(stream) and not produced  # the package's parts before any row
    assert next(stream) and len(produced) < 2000


def test_column_letters():
    assert [column_letter(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]


def book_of(sheets, **options):
    return load_workbook(io.BytesIO(b"".join(stream_workbook(sheets, **options))))


def test_several_sheets_each_with_its_own_header_and_rows():
    def sheets():  # a generator: asked for one sheet at a time
        yield Sheet(
            title="羊册镇", headers=["姓名"], rows=[["张三"], ["李四"]], preamble=[["值班表"]]
        )
        yield Sheet(title="城关镇", headers=["姓名"], rows=[["王五"]], preamble=[["值班表"]])

    book = book_of(sheets())
    assert book.sheetnames == ["羊册镇", "城关镇"]
    first, second = book.worksheets
    assert list(first.iter_rows(min_row=3, values_only=True)) == [(1, "张三"), (2, "李四")]
    assert list(second.iter_rows(min_row=3, values_only=True)) == [(1, "王五")]
    assert first.freeze_panes == second.freeze_panes == "A3"
    # The rows down to the header repeat on every printed page.
    assert first.print_title_rows == "$1:$2"


def test_sheet_names_stay_unique_and_short():
    long = "很长的乡镇名称" * 6
    book = book_of([Sheet(title=long, headers=["x"], rows=[]) for _ in range(3)])
    assert len(set(book.sheetnames)) == 3
    assert all(len(name) <= 31 for name in book.sheetnames)


def test_money_is_a_number_with_two_decimals():
    sheet = sheet_of([[Decimal("1234.5")], [Decimal("0")]])
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [1234.5, 0]
    assert {c.number_format for c in cells} == {"#,##0.00"}


def test_the_footer_is_asked_for_after_the_rows_and_is_bold():
    seen = []

    def rows():
        for n in (3, 4):
            seen.append(n)
            yield [n]

    sheet = Sheet(
        title="花名册",
        headers=["金额"],
        rows=rows(),
        footer=lambda: [["合计", sum(seen)], ["经办人："]],
        grid_lines=True,
        landscape=True,
        row_height=24,
    )
    ws = book_of([sheet]).active
    assert list(ws.iter_rows(min_row=2, values_only=True)) == [
        (1, 3),
        (2, 4),
        ("合计", 7),
        ("经办人：", None),
    ]
    assert ws["A4"].font.b
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_options.gridLines
    assert ws.sheet_format.defaultRowHeight == 24


def test_progress_counts_only_the_counted_sheets():
    progress = []
    sheets = [
        Sheet(title="明细", headers=["n"], rows=[[n] for n in range(1200)]),
        Sheet(title="汇总", headers=["n"], rows=[[1], [2]], counted=False),
    ]
    book_of(sheets, on_rows=progress.append, chunk_rows=500)
    assert progress == [500, 1000, 1200]


def test_no_sheets_still_make_a_workbook_excel_opens():
    assert book_of([]).sheetnames == ["Sheet1"]
