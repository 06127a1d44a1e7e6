import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from inspections import services


def soon(days):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def hazards(officer, institution1):
    """Eight fire hazards and five gas hazards at institution1."""
    return [
        services.raise_hazard(
            institution=institution1,
            user=officer,
            category="fire" if n < 8 else "gas",
            severity="general",
            description=f"隐患{n}",
            deadline=soon(n),
        )
        for n in range(13)
    ]


def workbook_of(response):
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(data))


HEADER_ROW = 4  # title, filter, who and when, then the header


def data_rows(sheet):
    return list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))


def header(sheet):
    return [cell.value for cell in sheet[HEADER_ROW]]


def formula_cells(book):
    """Every cell of every sheet that a spreadsheet would run: there must be none."""
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


# Text that a spreadsheet would take for a formula: each must come back as text that
# starts with an apostrophe (config.xlsx.safe_cell_value).
FORMULA_LIKE = ("=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", "\tx", "\rx")


# What recording an export in the audit log costs, whatever its size (audit.services.record):
# a savepoint, the chain's advisory lock, the previous row's hash, the insert, the release.
AUDIT_RECORD_QUERIES = 5
