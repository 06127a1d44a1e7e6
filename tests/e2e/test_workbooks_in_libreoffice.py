"""The workbooks the app streams (exports/xlsxstream.py writes the .xlsx itself, so that a
download starts at once) open in a real spreadsheet program: LibreOffice Calc, headless,
reads them and converts them to CSV with the title, the filter, the header, every row,
Chinese text, dates as dates and formula-shaped text as text."""

import csv
import subprocess

from django.urls import reverse

from inspections import services
from tests.exports.conftest import soon, workbook_of


def _calc_rows(path, out_dir):
    subprocess.run(  # noqa: S603 - fixed arguments, our own temporary files
        [
            "/usr/bin/soffice",
            "--headless",
            f"-env:UserInstallation=file://{out_dir}/profile",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",  # comma, quote, UTF-8
            "--outdir",
            str(out_dir),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with open(out_dir / f"{path.stem}.csv", encoding="utf-8") as file:
        return list(csv.reader(file))


def test_libreoffice_reads_the_streamed_hazard_ledger(client_for, officer, institution1, tmp_path):
    hazards = [
        services.raise_hazard(
            institution=institution1,
            user=officer,
            category="fire",
            severity="general",
            description=f"隐患{n}",
            deadline=soon(n),
        )
        for n in range(5)
    ]
    hazards[0].description = '=HYPERLINK("http://example.com")'
    hazards[0].save(update_fields=["description"])
    response = client_for(officer).get(reverse("inspections:ledger_xlsx"))
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    header_row = [
        c.value
        for c in workbook_of(client_for(officer).get(reverse("inspections:ledger_xlsx"))).active[4]
    ]

    rows = _calc_rows(path, tmp_path)

    assert rows[0][0] == "隐患台账"
    assert rows[3][: len(header_row)] == [str(value) for value in header_row]
    data = [row for row in rows[4:] if any(row)]
    assert len(data) == len(hazards)
    assert [row[0] for row in data] == [str(n) for n in range(1, len(hazards) + 1)]
    descriptions = {row[6] for row in data}
    # Text, guarded as everywhere (config/xlsx.safe_cell_value), not a formula's result.
    assert '\'=HYPERLINK("http://example.com")' in descriptions
    found_at = data[0][9]
    assert len(found_at) == 16 and found_at[4] == "-" and found_at[13] == ":"  # a date-time cell


def test_libreoffice_reads_a_workbook_of_several_sheets_with_money_and_a_footer(tmp_path):
    """The package's parts that list the sheets are written last (the sheets come from a
    generator); LibreOffice must still find every sheet, the money as numbers, the footer
    and the rows to repeat on each printed page. It opens the file and saves it again as
    .xlsx, which openpyxl then reads."""
    from decimal import Decimal

    from openpyxl import load_workbook

    from exports.xlsxstream import Sheet, stream_workbook

    def sheets():
        for township, amounts in (("羊册镇", ["1234.50", "600.00"]), ("马谷田镇", ["88.80"])):
            rows = [[f"村民{n}", Decimal(a)] for n, a in enumerate(amounts)]
            total = sum(Decimal(a) for a in amounts)
            yield Sheet(
                title=township,
                headers=["姓名", "金额（元）"],
                rows=rows,
                preamble=[["发放花名册"], [f"乡镇：{township}"]],
                footer=lambda total=total: [["合计", total]],
                grid_lines=True,
            )

    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"".join(stream_workbook(sheets())))
    saved = tmp_path / "saved"
    saved.mkdir()
    subprocess.run(  # noqa: S603 - fixed arguments, our own temporary files
        [
            "/usr/bin/soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(saved),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    book = load_workbook(saved / "roster.xlsx")
    assert book.sheetnames == ["羊册镇", "马谷田镇"]
    first = book["羊册镇"]
    assert [c.value for c in first[3]] == ["序号", "姓名", "金额（元）"]
    assert [c.value for c in first[4]] == [1, "村民0", 1234.5]
    assert first["C4"].number_format == "#,##0.00"
    assert [c.value for c in first[6]][:2] == ["合计", 1834.5]
    assert book["马谷田镇"]["C4"].value == 88.8
    assert first.print_title_rows == "$1:$3"
