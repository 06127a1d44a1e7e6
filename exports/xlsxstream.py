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

import dataclasses
import datetime
import zipfile
from collections.abc import Callable, Iterable
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from config.xlsx import safe_cell_value

CHUNK_ROWS = 500
EPOCH = datetime.datetime(1899, 12, 30)
EPOCH_DATE = EPOCH.date()
# cellXfs below: 0 plain, 1 date, 2 date and time, 3 header, 4 title, 5 money (two
# decimals, thousands separated), 6 bold (a totals row).
DATE_STYLE, DATETIME_STYLE, HEADER_STYLE, TITLE_STYLE, MONEY_STYLE, BOLD_STYLE = 1, 2, 3, 4, 5, 6
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

ROOT_RELS = (
    HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)


def _content_types(sheet_count):
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, sheet_count + 1)
    )
    return (
        HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{sheets}"
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    )


def _workbook_rels(sheet_count):
    sheets = "".join(
        f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheet_count + 1)
    )
    return (
        HEAD
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{sheets}"
        f'<Relationship Id="rId{sheet_count + 1}" Type="{REL}/styles" Target="styles.xml"/>'
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
    '<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" '
    'applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
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
        if kind is int or kind is float:
            append(f'<c r="{letter}{number}"{styled}><v>{value}</v></c>')
            continue
        if kind is Decimal:  # money, in yuan: a number shown with two decimals
            append(f'<c r="{letter}{number}" s="{MONEY_STYLE}"><v>{value}</v></c>')
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


@dataclasses.dataclass
class Sheet:
    """One worksheet of a streamed workbook.

    `preamble` rows go above the header (the first one's first cell is the title, bold
    and large) and the rows down to the header stay frozen and repeat on every printed
    page. `widths` are column widths in characters. With `numbered`, a first column 序号
    counts the rows 1…N. `footer`, called once the rows are written, gives the rows below
    them (totals, signature lines), so a source can sum while it streams. `counted` says
    whether the rows count toward the progress of the export (a summary sheet does not).
    Printing: A4, fitted to the page's width, `landscape` or not, with grid lines when
    `grid_lines` (a roster signed on paper); `row_height` in points for rows to sign on.
    """

    title: str
    headers: list
    rows: Iterable
    widths: list | None = None
    preamble: list = dataclasses.field(default_factory=list)
    numbered: bool = True
    footer: Callable[[], list] | None = None
    counted: bool = True
    landscape: bool = False
    grid_lines: bool = False
    row_height: float | None = None


def sheet_name(title, taken=()):
    """A name Excel accepts: none of []:*?/\\, at most 31 characters, unique in the book."""
    name = str(title).translate(SHEET_NAME_FORBIDDEN).strip()[:31] or "Sheet1"
    base, n = name, 2
    while name in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    return name


def stream_xlsx(*, title, headers, rows, widths=None, preamble=(), numbered=True, **options):
    """A one-sheet workbook: stream_workbook with a single Sheet."""
    sheet = Sheet(
        title=title,
        headers=headers,
        rows=rows,
        widths=widths,
        preamble=list(preamble),
        numbered=numbered,
    )
    return stream_workbook([sheet], **options)


def stream_workbook(sheets, *, on_rows=None, chunk_rows=CHUNK_ROWS, compresslevel=1):
    """Yield the bytes of a workbook as its sheets' rows are produced.

    `sheets` may be a generator: each sheet is written whole before the next is asked
    for, and the parts that list the sheets (workbook, relationships, content types) are
    written last, which zip allows. `on_rows(n)` is called after every chunk and at the
    end with the counted rows written so far (a progress bar).
    """
    sink = _Sink()
    archive = zipfile.ZipFile(
        sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
    )
    archive.writestr("_rels/.rels", ROOT_RELS)
    archive.writestr("xl/styles.xml", STYLES)
    yield sink.take()

    names = []
    print_titles = []
    written = [0]
    for index, sheet in enumerate(sheets, start=1):
        name = sheet_name(sheet.title, names)
        names.append(name)
        part = archive.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True)
        yield from _write_sheet(part, sink, sheet, written, on_rows, chunk_rows)
        print_titles.append(len(sheet.preamble) + 1)
    if not names:  # a workbook needs a sheet
        names.append("Sheet1")
        print_titles.append(0)
        empty = Sheet(title="Sheet1", headers=[], rows=(), numbered=False)
        part = archive.open("xl/worksheets/sheet1.xml", "w")
        yield from _write_sheet(part, sink, empty, written, None, chunk_rows)

    archive.writestr("xl/workbook.xml", _workbook(names, print_titles))
    archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(names)))
    archive.writestr("[Content_Types].xml", _content_types(len(names)))
    archive.close()
    if on_rows:
        on_rows(written[0])
    yield sink.take()


def _workbook(names, header_rows):
    sheets = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
        for n, name in enumerate(names, start=1)
    )
    # The rows down to the header print on every page (Excel's 打印标题).
    titles = "".join(
        f'<definedName name="_xlnm.Print_Titles" localSheetId="{n}">'
        f"{escape(_quoted_sheet(name))}!$1:${rows}</definedName>"
        for n, (name, rows) in enumerate(zip(names, header_rows, strict=True))
        if rows
    )
    defined = f"<definedNames>{titles}</definedNames>" if titles else ""
    return HEAD + f"<workbook {NS} {NS_R}><sheets>{sheets}</sheets>{defined}</workbook>"


def _quoted_sheet(name):
    return "'" + name.replace("'", "''") + "'"


def _write_sheet(part, sink, sheet, written, on_rows, chunk_rows):
    headers, widths = list(sheet.headers), sheet.widths
    if sheet.numbered:
        from django.utils.translation import gettext

        headers = [gettext("No."), *headers]
        widths = [6, *widths] if widths else None
    preamble = sheet.preamble
    count = max(len(headers), *map(len, preamble or [[]]), 1)
    letters = [column_letter(i) for i in range(1, count + 1)]
    header_row = len(preamble) + 1
    start = [HEAD, f"<worksheet {NS} {NS_R}>"]
    start.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
    start.append('<sheetViews><sheetView workbookViewId="0">')
    if headers:
        start.append(
            f'<pane ySplit="{header_row}" topLeftCell="A{header_row + 1}" '
            'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/>'
        )
    start.append("</sheetView></sheetViews>")
    if sheet.row_height:
        start.append(f'<sheetFormatPr defaultRowHeight="{sheet.row_height}" customHeight="1"/>')
    else:
        start.append('<sheetFormatPr defaultRowHeight="15"/>')
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
    if headers:
        start.append(_cells(headers, header_row, letters, HEADER_STYLE))
    part.write("".join(start).encode())

    chunk = []
    row_number = header_row if headers else len(preamble)
    numbered = sheet.numbered
    for serial, row in enumerate(sheet.rows, start=1):
        row_number += 1
        chunk.append(_cells((serial, *row) if numbered else row, row_number, letters))
        if len(chunk) >= chunk_rows:
            part.write("".join(chunk).encode())
            chunk.clear()
            if sheet.counted:
                written[0] += chunk_rows
                if on_rows:
                    on_rows(written[0])
            data = sink.take()
            if data:
                yield data
    if sheet.counted:
        written[0] += len(chunk)
    for line in sheet.footer() if sheet.footer else ():
        row_number += 1
        chunk.append(_cells(line, row_number, letters, BOLD_STYLE))
    chunk.append("</sheetData>")
    if sheet.grid_lines:
        chunk.append('<printOptions gridLines="1"/>')
    chunk.append(
        '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
    )
    orientation = "landscape" if sheet.landscape else "portrait"
    chunk.append(
        f'<pageSetup paperSize="9" orientation="{orientation}" fitToWidth="1" fitToHeight="0"/>'
    )
    chunk.append("</worksheet>")
    part.write("".join(chunk).encode())
    part.close()
    data = sink.take()
    if data:
        yield data
