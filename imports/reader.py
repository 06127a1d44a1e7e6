"""Reading an uploaded .xlsx safely: refuse what is not a plain workbook before openpyxl opens it.

Checks, in order, each answered with a message in Chinese (`BadFile`), never a 500:
- not a zip archive (a text or .csv file renamed .xlsx), or an encrypted workbook (Excel
  writes a password-protected .xlsx, and an old .xls, as an OLE compound file);
- a zip bomb: the sum of the members' declared uncompressed sizes over `MAX_UNCOMPRESSED_BYTES`
  (zipfile stops a member that inflates past its declared size, so the sum is a real cap);
- merged cells (read from the sheet's XML: openpyxl's read-only sheets do not load them);
- headers that are not the template's;
- formula cells (their cached value may be stale or absent: refused with the cell address);
- more than `MAX_ROWS` rows with something in them. Empty rows cost nothing but a loop
  turn, and reading ends after `EMPTY_ROWS_ENDING` empty rows in a row, so a sheet whose
  dimension claims 1,048,576 rows is read as fast as its real rows.
"""

import datetime
import io
import re
import zipfile
from dataclasses import dataclass

# The standard parser: expat 2.4.1+ refuses entity expansion bombs itself, and the sheet XML
# is size-capped by the zip check before it is parsed. (defusedxml is not installed.)
from xml.etree.ElementTree import ParseError, iterparse

from django.utils.translation import gettext as _
from openpyxl import load_workbook

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# 50,000 rows of 20 columns unpack to about 40 MB; openpyxl holds the shared strings in memory.
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ROWS = 50_000
EMPTY_ROWS_ENDING = 1000
SHEET_PATH_RE = re.compile(r"^xl/worksheets/sheet\d+\.xml$")


class BadFile(Exception):
    """The upload cannot be read as a workbook; str(error) is the message for the user."""


@dataclass
class Sheet:
    headers: list
    rows: list  # (row number, [cell values as text or date]) for each non-empty row


def read_workbook(upload, headers):
    """The first sheet of `upload` (a file object) as rows under `headers`, or BadFile.

    `headers` is a list of (label, accepted texts) per column, in template order.
    """
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise BadFile(_("The file is larger than 20 MB. Split it into smaller files."))
    if data.startswith(OLE_SIGNATURE):
        raise BadFile(
            _(
                "The file is password-protected or in the old .xls format. Remove the "
                "password, or save it as an Excel workbook (.xlsx), and upload it again."
            )
        )
    if not data.startswith(ZIP_SIGNATURE):
        raise BadFile(_("This is not an Excel workbook (.xlsx). Download the template and use it."))
    buffer = io.BytesIO(data)
    try:
        with zipfile.ZipFile(buffer) as archive:
            sheet_path = _check_archive(archive)
            merged = _merged_ranges(archive, sheet_path)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ParseError,
        KeyError,
        OSError,
        EOFError,
    ) as error:
        raise BadFile(_("The workbook is damaged and cannot be read.")) from error
    if merged:
        raise BadFile(
            _("The sheet has merged cells (%(ranges)s). Unmerge them and upload it again.")
            % {"ranges": ", ".join(merged[:5])}
        )
    buffer.seek(0)
    try:
        workbook = load_workbook(buffer, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds on a malformed workbook
        raise BadFile(_("The workbook is damaged and cannot be read.")) from error
    try:
        return _read_first_sheet(workbook, headers)
    except BadFile:
        raise
    except Exception as error:  # a malformed row deep in the sheet, found as it streams
        raise BadFile(_("The workbook is damaged and cannot be read.")) from error
    finally:
        workbook.close()


def _check_archive(archive):
    members = archive.infolist()
    if sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
        raise BadFile(_("The workbook unpacks to more than 100 MB; it cannot be an import file."))
    if any(member.flag_bits & 0x1 for member in members):
        raise BadFile(_("The file is password-protected. Remove the password and upload it again."))
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise BadFile(_("This is not an Excel workbook (.xlsx). Download the template and use it."))
    sheets = sorted(
        (name for name in names if SHEET_PATH_RE.match(name)),
        key=lambda name: int(re.sub(r"\D", "", name)),
    )
    if not sheets:
        raise BadFile(_("The workbook has no sheet."))
    return _first_sheet_path(archive) or sheets[0]


def _first_sheet_path(archive):
    """The path of the workbook's first sheet, through workbook.xml and its relationships."""
    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    first_id = None
    with archive.open("xl/workbook.xml") as stream:
        for _event, element in iterparse(stream):  # noqa: S314
            if element.tag == f"{ns_main}sheet":
                first_id = element.get(f"{ns_rel}id")
                break
    if not first_id or "xl/_rels/workbook.xml.rels" not in archive.namelist():
        return None
    with archive.open("xl/_rels/workbook.xml.rels") as stream:
        for _event, element in iterparse(stream):  # noqa: S314
            if element.tag.endswith("Relationship") and element.get("Id") == first_id:
                target = element.get("Target", "").lstrip("/")
                return target if target.startswith("xl/") else f"xl/{target}"
    return None


def _merged_ranges(archive, sheet_path):
    """The merged ranges of the sheet, streamed from its XML (rows are cleared as they pass)."""
    ranges = []
    with archive.open(sheet_path) as stream:
        for _event, element in iterparse(stream):  # noqa: S314
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "mergeCell":
                ranges.append(element.get("ref", ""))
            elif tag == "row":
                element.clear()
    return ranges


def _read_first_sheet(workbook, headers):
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows()
    first = next(rows, ())
    found = [_text(cell.value) for cell in first]
    while found and not found[-1]:
        found.pop()
    _check_headers(found, headers)
    width = len(headers)
    result = []
    empty_run = 0
    for number, row in enumerate(rows, start=2):
        values = []
        for cell in row[:width]:
            if getattr(cell, "data_type", None) == "f":
                raise BadFile(
                    _(
                        "Cell %(cell)s holds a formula. Replace formulas with their values "
                        "(copy, then paste as values) and upload it again."
                    )
                    % {"cell": cell.coordinate}
                )
            values.append(_value(cell.value))
        if not any(value not in ("", None) for value in values):
            empty_run += 1
            if empty_run >= EMPTY_ROWS_ENDING:
                break
            continue
        empty_run = 0
        if len(result) >= MAX_ROWS:
            raise BadFile(
                _("The sheet has more than %(count)s rows. Split it into smaller files.")
                % {"count": f"{MAX_ROWS:,}"}
            )
        values += [""] * (width - len(values))
        result.append((number, values))
    return Sheet(headers=found, rows=result)


def _check_headers(found, headers):
    expected = [label for label, _accepted in headers]
    if len(found) != len(headers) or any(
        text not in accepted for text, (_label, accepted) in zip(found, headers, strict=False)
    ):
        missing = [
            label
            for index, (label, accepted) in enumerate(headers)
            if index >= len(found) or found[index] not in accepted
        ]
        raise BadFile(
            _(
                "The first row must hold the template's headers, in order. "
                "Not found: %(missing)s. Download the template and copy your data into it."
            )
            % {"missing": "、".join(missing) or "、".join(expected)}
        )


def _text(value):
    if value is None:
        return ""
    return str(value).strip()


def _value(value):
    """Cell values as a form would get them: text, or a date for date cells."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date()
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value).strip()
