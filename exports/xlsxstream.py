"""An .xlsx written as it is sent: the sheet's XML goes into a zip stream row by row.

Neither openpyxl's write-only mode nor XlsxWriter's constant_memory mode can send a byte
before the last row is written (both write the sheet to a temporary file and zip it at
the end), so a 100,000-row ledger would start downloading after the whole file is built.
Here the workbook is a zip written to a non-seekable sink (entries carry data
descriptors, as zip allows), and the worksheet entry is compressed as its rows are
produced: the first bytes leave after the first chunk of rows, memory stays flat, and
each cell is one string format, which is also faster than either library
(see scripts/bench_exports.py).

Cells pass through config.xlsx.safe_cell_value, the same formula-injection guard and
control-character stripping as every other workbook of the project; text is always an
inline string, never a formula. Dates and times are real dates (serial numbers with a
date format), numbers are numbers.
"""

import datetime
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from config.xlsx import safe_cell_value

CHUNK_ROWS = 500
EPOCH = datetime.datetime(1899, 12, 30)
EPOCH_DATE = EPOCH.date()
# cellXfs below: 0 plain, 1 date, 2 date and time, 3 header, 4 title.
DATE_STYLE, DATETIME_STYLE, HEADER_STYLE, TITLE_STYLE = 1, 2, 3, 4
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = (
    HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    HEAD + f"<styleSheet {NS}>"
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="14"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" '
    'applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


class _Sink:
    """A write-only, non-seekable file: zipfile then streams with data descriptors."""

    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self):
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def column_letter(index):
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value):
    # \r would be read back as \n by any XML parser: keep it as a character reference.
    return escape(value).replace("\r", "&#13;")


def _cells(values, number, letters, style=0):
    """One <row>. Numbers, dates and booleans are written as they are (safe_cell_value
    returns them unchanged); text, times and anything else go through safe_cell_value."""
    out = [f'<row r="{number}">']
    append = out.append
    styled = f' s="{style}"' if style else ""
    for letter, value in zip(letters, values, strict=False):
        if value is None:
            continue  # safe_cell_value's "": an empty cell
        kind = type(value)
        if kind is int or kind is float or kind is Decimal:
            append(f'<c r="{letter}{number}"{styled}><v>{value}</v></c>')
            continue
        if kind is datetime.date:
            append(
                f'<c r="{letter}{number}" s="{DATE_STYLE}"><v>{(value - EPOCH_DATE).days}</v></c>'
            )
            continue
        if kind is bool:
            append(f'<c r="{letter}{number}"{styled} t="b"><v>{int(value)}</v></c>')
            continue
        value = safe_cell_value(value)
        kind = type(value)
        if kind is str:
            if value:
                append(
                    f'<c r="{letter}{number}"{styled} t="inlineStr"><is><t xml:space="preserve">'
                    f"{_text(value)}</t></is></c>"
                )
        elif kind is datetime.datetime:
            serial = (value - EPOCH).total_seconds() / 86400
            append(f'<c r="{letter}{number}" s="{DATETIME_STYLE}"><v>{serial!r}</v></c>')
        elif kind is datetime.date:  # a subclass of date that safe_cell_value passed on
            append(
                f'<c r="{letter}{number}" s="{DATE_STYLE}"><v>{(value - EPOCH_DATE).days}</v></c>'
            )
        elif kind is int or kind is float or kind is Decimal or kind is bool:
            append(
                f'<c r="{letter}{number}"{styled}><v>{int(value) if kind is bool else value}</v></c>'
            )
        else:  # a time of day, or anything else: its text
            append(
                f'<c r="{letter}{number}"{styled} t="inlineStr"><is><t xml:space="preserve">'
                f"{_text(str(value))}</t></is></c>"
            )
    append("</row>")
    return "".join(out)


def stream_xlsx(
    *,
    title,
    headers,
    rows,
    widths=None,
    preamble=(),
    numbered=True,
    on_rows=None,
    chunk_rows=CHUNK_ROWS,
    compresslevel=1,
):
    """Yield the bytes of a one-sheet workbook as its rows are produced.

    `preamble` rows go above the header (the first one's first cell is the title, bold
    and large), the rows down to the header stay frozen, `widths` are column widths in
    characters. With `numbered`, a first column 序号 counts the rows 1…N. `on_rows(n)` is
    called after every chunk and at the end with the rows written so far (a progress bar).
    """
    if numbered:
        from django.utils.translation import gettext

        headers = [gettext("No."), *headers]
        widths = [6, *widths] if widths else None
    count = len(headers)
    letters = [column_letter(i) for i in range(1, max(count, *map(len, preamble or [[]])) + 1)]
    sink = _Sink()
    archive = zipfile.ZipFile(
        sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
    )
    archive.writestr("[Content_Types].xml", CONTENT_TYPES)
    archive.writestr("_rels/.rels", ROOT_RELS)
    archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
    archive.writestr("xl/styles.xml", STYLES)
    sheet_name = quoteattr(str(title).translate(SHEET_NAME_FORBIDDEN).strip()[:31] or "Sheet1")
    archive.writestr(
        "xl/workbook.xml",
        HEAD + f"<workbook {NS} {NS_R}><sheets>"
        f'<sheet name={sheet_name} sheetId="1" r:id="rId1"/></sheets></workbook>',
    )
    yield sink.take()

    header_row = len(preamble) + 1
    sheet = archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
    start = [
        HEAD,
        f'<worksheet {NS} {NS_R}><sheetViews><sheetView workbookViewId="0">',
        f'<pane ySplit="{header_row}" topLeftCell="A{header_row + 1}" activePane="bottomLeft"'
        ' state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>',
        '<sheetFormatPr defaultRowHeight="15"/>',
    ]
    if widths:
        start.append("<cols>")
        start.extend(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(widths, start=1)
        )
        start.append("</cols>")
    start.append("<sheetData>")
    for number, line in enumerate(preamble, start=1):
        start.append(_cells(line, number, letters, TITLE_STYLE if number == 1 else 0))
    start.append(_cells(headers, header_row, letters, HEADER_STYLE))
    sheet.write("".join(start).encode())

    written = 0
    chunk = []
    row_number = header_row
    for row in rows:
        written += 1
        row_number += 1
        chunk.append(_cells((written, *row) if numbered else row, row_number, letters))
        if len(chunk) >= chunk_rows:
            sheet.write("".join(chunk).encode())
            chunk.clear()
            if on_rows:
                on_rows(written)
            data = sink.take()
            if data:
                yield data
    chunk.append("</sheetData></worksheet>")
    sheet.write("".join(chunk).encode())
    sheet.close()
    archive.close()
    if on_rows:
        on_rows(written)
    yield sink.take()
