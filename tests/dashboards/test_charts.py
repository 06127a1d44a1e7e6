"""Charts: the vendored ECharts, served by the app, and every chart's numbers in a table."""

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

from inspections.models import HazardStatus, InspectionStatus
from tests.dashboards.conftest import NOW, TODAY, moment
from tests.inspections.factories import HazardFactory, InspectionFactory

VENDOR = Path(settings.BASE_DIR) / "dashboards/static/dashboards/vendor/echarts"
CHARTS = {
    "chart-festival-coverage": "table-festival-coverage",
    "chart-hazard-trend": "table-hazard-trend",
    "chart-hazards-by-township": "table-hazards-by-township",
}


class TableReader(HTMLParser):
    """The rows of one table's body: (row heading, {series index: number})."""

    def __init__(self, table_id):
        super().__init__()
        self.table_id, self.inside, self.in_body = table_id, False, False
        self.rows, self.cell, self.text = [], None, ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append(["", {}])
        elif self.in_body and tag == "th":
            self.cell, self.text = "heading", ""
        elif self.in_body and tag == "td" and "data-series" in attrs:
            self.cell, self.text = int(attrs["data-series"]), ""

    def handle_data(self, data):
        if self.cell is not None:
            self.text += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None:
            if self.cell == "heading":
                self.rows[-1][0] = self.text.strip()
            else:
                self.rows[-1][1][self.cell] = int(self.text.strip())
            self.cell = None
        elif tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.inside = False


def _json_script(html, element_id):
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    assert found, element_id
    return json.loads(found.group(1))


def test_every_charts_numbers_are_the_table_beside_it(
    page, officer, festival, institution1, institution2
):
    InspectionFactory(
        institution=institution1,
        campaign=festival,
        version=festival.version,
        due_on=TODAY,
        status=InspectionStatus.SUBMITTED,
    )
    InspectionFactory(
        institution=institution2,
        campaign=festival,
        version=festival.version,
        due_on=moment(5).date(),
    )
    HazardFactory.create_batch(2, institution=institution1, found_at=moment(3))
    HazardFactory(institution=institution2, found_at=moment(4), deadline=moment(5).date())
    HazardFactory(
        institution=institution2, found_at=moment(4), status=HazardStatus.CLOSED, closed_at=NOW
    )

    html = page(officer).content.decode()

    for chart_id, table_id in CHARTS.items():
        chart = _json_script(html, chart_id)
        reader = TableReader(table_id)
        reader.feed(html)
        assert reader.rows, table_id
        assert [heading for heading, _ in reader.rows] == chart["categories"], chart_id
        for index, series in enumerate(chart["series"]):
            assert [cells[index] for _, cells in reader.rows] == series["data"], chart_id
        assert any(any(series["data"]) for series in chart["series"]), chart_id


def test_the_page_carries_its_charts_as_data_not_as_inline_script(page, officer, festival):
    html = page(officer).content.decode()

    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    inline = [attrs for attrs, body in scripts if body.strip() and "application/json" not in attrs]
    assert inline == []
    assert 'src="/static/dashboards/vendor/echarts/echarts.min.js"' in html
    assert 'src="/static/dashboards/charts.js"' in html
    # The chart boxes wait hidden for the script: without it, only the tables show.
    assert re.findall(r'<div class="dash-chart" data-chart="[^"]+" hidden', html)


def test_the_vendored_echarts_is_the_pinned_release(client, db):
    readme = (VENDOR / "README.txt").read_text()
    digest = hashlib.sha256((VENDOR / "echarts.min.js").read_bytes()).hexdigest()

    assert "5.6.0" in readme
    assert digest == "bf4a223524e40b77c304bec67e1222cf551f14880cf42c69dc046558e11c07b1"
    assert digest in readme
    assert (VENDOR / "LICENSE").read_text().lstrip().startswith("Apache License")
    assert (VENDOR / "NOTICE").exists()


def test_the_static_files_finder_finds_echarts_and_the_chart_script():
    # What collectstatic copies and WhiteNoise serves: no CDN anywhere.
    from django.contrib.staticfiles import finders

    echarts = Path(finders.find("dashboards/vendor/echarts/echarts.min.js"))
    assert echarts.read_bytes().lstrip().startswith(b"/*")
    assert "echarts.init" in Path(finders.find("dashboards/charts.js")).read_text()
