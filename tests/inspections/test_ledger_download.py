"""The ledger's .xlsx download follows the filters on the page, and numbers its rows."""

import io
import re
from html import unescape

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from inspections import services
from tests.inspections.factories import soon


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


def download_link(html):
    match = re.search(r'<a id="ledger-download"[^>]*href="([^"]*)"', html)
    assert match, "no download link"
    return unescape(match.group(1))


def rows_of(response):
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(min_row=5, values_only=True))


def test_the_htmx_refresh_of_a_filtered_ledger_carries_a_filtered_download_link(
    client_for, officer, hazards
):
    client = client_for(officer)
    fragment = client.get(
        reverse("inspections:ledger"), {"category": "fire"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert 'hx-swap-oob="true"' in fragment
    link = download_link(fragment)
    assert "category=fire" in link
    assert len(rows_of(client.get(link))) == 8


def test_a_filtered_ledger_page_links_to_a_filtered_file(client_for, officer, hazards):
    client = client_for(officer)
    page = client.get(reverse("inspections:ledger"), {"category": "gas", "page": "1"})
    link = download_link(page.content.decode())
    assert "page=" not in link
    assert len(rows_of(client.get(link))) == 5


def test_the_unfiltered_ledger_links_to_the_whole_file(client_for, officer, hazards):
    client = client_for(officer)
    link = download_link(client.get(reverse("inspections:ledger")).content.decode())
    assert len(rows_of(client.get(link))) == 13


def test_the_file_numbers_rows_from_one_and_keeps_the_hazard_number_apart(
    client_for, officer, hazards
):
    response = client_for(officer).get(reverse("inspections:ledger_xlsx"), {"category": "gas"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[4]]  # below the title, filter and author
    assert header[:2] == ["序号", "隐患编号"]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert [row[0] for row in rows] == [1, 2, 3, 4, 5]
    assert [row[1] for row in rows] == [h.pk for h in hazards[8:]]


def test_the_two_kinds_of_category_have_distinct_labels(client_for, officer):
    page = client_for(officer).get(reverse("inspections:ledger")).content.decode()
    labels = re.findall(r"<label[^>]*>([^<]*)</label>", page)
    assert "隐患类别" in "".join(labels)
    assert "机构类型" in "".join(labels)
    assert len(labels) == len(set(labels))
    assert "全部隐患类别" in page
    assert "全部机构类型" in page
