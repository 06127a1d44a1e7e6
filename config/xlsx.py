"""Writing the ledgers bureau staff live in as .xlsx, one shared way.

Workbooks are written in openpyxl's write-only mode (rows go straight to the
file, so memory stays flat for long ledgers) and every text cell is guarded
against formula injection: a value that a spreadsheet would run as a formula
(starting with = + - @, or a tab/carriage return) is written as text. Control
characters that XML cannot hold (NUL and friends, which a pasted text may carry)
are dropped rather than failing the whole download.
"""

import datetime
import tempfile
from decimal import Decimal

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"


def safe_cell_value(value):
    """What goes into a cell: text that cannot run as a formula, naive local times."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: write Asia/Shanghai wall-clock time.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool | int | float | Decimal | datetime.date | datetime.time):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def write_workbook(file, sheets):
    """Write sheets to `file`: an iterable of (title, headers, rows, column_widths or None),
    optionally with a fifth element, a dict of options: "preamble" (rows written above the
    header, its first cell bold: a title, the day, who made it when) and "freeze_header"
    (the rows down to the header stay in view when scrolling)."""
    workbook = Workbook(write_only=True)
    for title, headers, rows, widths, *options in sheets:
        options = options[0] if options else {}
        preamble = options.get("preamble") or []
        sheet = workbook.create_sheet(title=title[:31])
        for index, width in enumerate(widths or [], start=1):
            sheet.column_dimensions[_column_letter(index)].width = width
        if options.get("freeze_header"):
            sheet.freeze_panes = f"A{len(preamble) + 2}"
        for number, line in enumerate(preamble):
            cells = [_cell(sheet, value) for value in line]
            if number == 0 and cells:
                cells[0] = WriteOnlyCell(sheet, value=safe_cell_value(line[0]))
                cells[0].font = Font(bold=True, size=14)
            sheet.append(cells)
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=safe_cell_value(header))
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            sheet.append([_cell(sheet, value) for value in row])
    workbook.save(file)


def xlsx_response(filename, sheets):
    """A download of the workbook, spooled to disk beyond 8 MB rather than held in memory."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    write_workbook(spool, sheets)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


def _cell(sheet, value):
    value = safe_cell_value(value)
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def _column_letter(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
