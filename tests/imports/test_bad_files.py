"""Each kind of bad file gets a clear message in Chinese, never a 500."""

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation

from imports import reader
from imports.reader import BadFile, read_workbook
from imports.services import KINDS
from tests.imports.helpers import headers, institution_row, upload, workbook_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def read(data, kind="institutions"):
    return read_workbook(io.BytesIO(data), KINDS[kind].headers())


def refusal(data, kind="institutions"):
    with pytest.raises(BadFile) as error:
        read(data, kind)
    return str(error.value)


def test_a_text_file_named_xlsx_is_not_a_workbook():
    assert "不是 Excel 工作簿" in refusal("name,kind\n敬老院,养老机构\n".encode())


def test_a_password_protected_workbook_is_refused():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    assert "密码" in refusal(ole)


def test_a_zip_bomb_is_refused_before_it_is_inflated(monkeypatch):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        # 300 MB of zeros compresses to about 300 KB.
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(300):
                member.write(block)
    data = stream.getvalue()
    assert len(data) < 1024 * 1024
    assert "100 MB" in refusal(data)


def test_a_zip_that_lies_about_its_sizes_is_refused():
    stream = io.BytesIO()
    size = 300 * 1024 * 1024
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(300):
                member.write(b"\0" * (1024 * 1024))
    declared = size.to_bytes(4, "little")
    data = stream.getvalue()
    assert data.count(declared) == 2  # the local header and the central directory
    # Inflating stops at the declared size; the XML then is not XML, or the CRC is wrong.
    assert "损坏" in refusal(data.replace(declared, (1000).to_bytes(4, "little")))


def test_a_sheet_that_is_not_xml_is_refused():
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<<<not xml")
    assert "损坏" in refusal(stream.getvalue())


def test_a_malformed_row_deep_in_the_sheet_is_refused():
    good = workbook_bytes(headers("institutions"), [institution_row(1)])
    source = zipfile.ZipFile(io.BytesIO(good))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'<row r="2"', b'<row r="two"')
            archive.writestr(item, content)
    assert "损坏" in refusal(stream.getvalue())


def test_a_damaged_zip_is_refused():
    assert "损坏" in refusal(b"PK\x03\x04" + b"\0" * 100)


def test_a_formula_cell_is_refused_with_its_address():
    rows = [institution_row(1)]

    def add_formula(sheet):
        sheet["L2"] = "=SUM(1,2)"

    message = refusal(workbook_bytes(headers("institutions"), rows, add_formula))
    assert "L2" in message and "公式" in message


def test_merged_header_cells_are_refused():
    def merge(sheet):
        sheet.merge_cells("A1:B1")

    message = refusal(workbook_bytes(headers("institutions"), [institution_row(1)], merge))
    assert "合并" in message and "A1:B1" in message


def test_wrong_headers_name_what_is_missing():
    wrong = headers("institutions")
    wrong[1] = "类型"
    message = refusal(workbook_bytes(wrong, [institution_row(1)]))
    assert "机构类型" in message


def test_headers_in_english_are_accepted_too():
    with translation.override("en"):
        english = headers("institutions")
    sheet = read(workbook_bytes(english, [institution_row(1)]))
    assert len(sheet.rows) == 1


def test_a_huge_empty_dimension_reads_only_the_real_rows():
    def stretch(sheet):
        # The last row Excel has: read-only mode would pad a million empty rows up to it.
        sheet.cell(row=1_048_576, column=1, value=None)
        sheet["A1048576"] = ""

    data = workbook_bytes(headers("institutions"), [institution_row(1)], stretch)
    sheet = read(data)
    assert [number for number, _values in sheet.rows] == [2]


def test_empty_rows_between_rows_are_skipped_and_rows_keep_their_numbers():
    rows = [institution_row(1), [None] * 19, institution_row(2)]
    sheet = read(workbook_bytes(headers("institutions"), rows))
    assert [number for number, _values in sheet.rows] == [2, 4]


def test_more_rows_than_the_cap_are_refused(monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 3)
    rows = [institution_row(n) for n in range(4)]
    assert "超过" in refusal(workbook_bytes(headers("institutions"), rows))


def test_the_upload_page_shows_the_message_not_a_500(client_for, officer):
    client = client_for(officer)
    response = client.post(
        reverse("imports:upload", args=["institutions"]),
        {"file": upload(b"not a workbook at all")},
    )
    assert response.status_code == 200
    assert "不是 Excel 工作簿" in response.content.decode()
