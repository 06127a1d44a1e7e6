"""Issue 11 in a real browser: a clerk's daily report on a phone, the dashboard's charts
beside their tables, and a campaign created and launched from its form."""

import datetime
import re

import pytest
from django.utils import timezone

from daily_reports.models import DailyReport
from inspections.models import Campaign, Inspection, InspectionStatus, Level, Recurrence
from institutions.models import InstitutionKind
from tests.daily_reports.factories import DailyReportFactory, ReportingPeriodFactory
from tests.e2e.conftest import DESKTOP, screenshot
from tests.factories import InstitutionFactory
from tests.inspections.factories import HazardFactory, InspectionFactory, checklist

pytestmark = pytest.mark.django_db(transaction=True)

DAY = datetime.timedelta(days=1)
# The full report form's own button (the zero-report form above it has another).
SUBMIT_REPORT = "form:has(#id_hazards_found) button[type=submit]"
# Each chart box and the table carrying its numbers (dashboards/county.html).
CHART_TABLES = {
    "chart-festival-coverage": "table-festival-coverage",
    "chart-hazard-trend": "table-hazard-trend",
    "chart-hazards-by-township": "table-hazards-by-township",
}


def _period_covering_today():
    """A reporting period around today (Asia/Shanghai), due at 23:59 so that a report
    filed during the test is on time."""
    today = timezone.localdate()
    return ReportingPeriodFactory(
        name="元旦期间",
        start_date=today - 3 * DAY,
        end_date=today + 3 * DAY,
        cutoff=datetime.time(23, 59),
    )


def _watch_errors(page):
    """Script errors on the page, and static files (ECharts, charts.js) that failed to load."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if "/static/" in r.url and r.status >= 400
            else None
        ),
    )
    return errors


def _page_width_overflow(page):
    """How many CSS pixels the page is wider than the phone's screen (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


# --- Daily reports -------------------------------------------------------------


def test_a_clerk_files_nothing_to_report_with_one_tap_on_a_phone(
    login, town1, township1, institution1
):
    _period_covering_today()
    today = timezone.localdate()
    page = login(town1)
    page.set_default_timeout(10_000)
    page.goto(f"{page.base_url}/daily-reports/")

    card = page.locator(".card").first
    assert "羊册镇社会事务服务中心" in card.inner_text()
    assert "尚未报送" in card.inner_text()
    assert "border-danger" in card.get_attribute("class")
    # The centre and 羊册镇敬老院 (an elderly-care home) are both expected today.
    assert page.locator("#total-missing").inner_text() == "2"
    assert _page_width_overflow(page) <= 0
    screenshot(page, "daily-reports-day-before-zero-phone")

    card.get_by_role("button", name="零报告").click()
    page.wait_for_url(re.compile(r"/daily-reports/reports/\d+/$"))
    assert "零报告已报送。" in page.inner_text("body")

    report = DailyReport.objects.get()
    assert report.is_zero
    assert report.institution is None and report.township == township1
    assert report.day == today
    assert report.version == 1 and not report.is_late
    assert report.submitted_by == town1

    # Back to the day's page through the report's own link.
    page.locator(f'nav a[href$="/daily-reports/day/{today:%Y-%m-%d}/"]').click()
    page.wait_for_url(re.compile(r"/daily-reports/day/"))
    card = page.locator(".card").first
    assert "border-success" in card.get_attribute("class")
    assert "border-danger" not in card.get_attribute("class")
    assert card.locator(".text-success", has_text="已报送").count() == 1
    assert "零报告" in card.inner_text()
    assert card.locator(".text-danger").count() == 0
    row = page.locator("table tbody tr", has_text="羊册镇")
    assert row.locator(".badge.text-bg-success").count() == 1
    assert row.locator(".badge.text-bg-danger").count() == 0
    assert page.locator("#total-missing").inner_text() == "1"  # only the home is left
    screenshot(page, "daily-reports-day-after-zero-phone")


def test_a_clerk_sees_a_chinese_message_beside_a_bad_count_and_nothing_is_saved(
    login, town1, township1
):
    _period_covering_today()
    page = login(town1)
    page.set_default_timeout(10_000)
    page.goto(f"{page.base_url}/daily-reports/")
    page.locator(".card").first.get_by_role("link", name="填报日报").click()
    page.wait_for_url(re.compile(r"/daily-reports/file/t/\d+/"))

    page.fill("#id_safety_situation", "消防通道畅通")
    page.fill("#id_hazards_found", "-2")
    page.fill("#id_hazards_fixed", "0")
    page.fill("#id_fever_cases", "0")
    page.fill("#id_positive_tests", "0")
    page.fill("#id_sent_to_hospital", "0")
    page.fill("#id_incidents", "1")  # an incident, but nothing said about it
    page.locator(SUBMIT_REPORT).click()
    page.wait_for_load_state()

    error = page.locator("#id_hazards_found_error")
    assert error.is_visible()
    assert error.inner_text() == "确保该值大于或等于0。"
    # Beside the field: in the field's own group, just below its box.
    group = page.locator(".app-field", has=page.locator("#id_hazards_found"))
    assert group.locator("#id_hazards_found_error").count() == 1
    field_box, error_box = page.locator("#id_hazards_found").bounding_box(), error.bounding_box()
    assert 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 30
    notes_error = page.locator("#id_incident_notes_error")
    assert notes_error.inner_text() == "请简要说明发生了什么。"
    assert re.search(r"/daily-reports/file/t/\d+/", page.url)  # still the form
    # What was typed is still there to correct; nothing reached the database.
    assert page.input_value("#id_hazards_found") == "-2"
    assert page.input_value("#id_safety_situation") == "消防通道畅通"
    assert DailyReport.objects.count() == 0
    assert _page_width_overflow(page) <= 0
    screenshot(page, "daily-report-form-errors-phone")

    page.fill("#id_hazards_found", "2")
    page.fill("#id_hazards_fixed", "1")
    page.fill("#id_incident_notes", "厨房油锅起火，已扑灭")
    page.locator(SUBMIT_REPORT).click()
    page.wait_for_url(re.compile(r"/daily-reports/reports/\d+/$"))
    assert "日报已报送。" in page.inner_text("body")

    report = DailyReport.objects.get()
    assert (report.hazards_found, report.hazards_fixed, report.incidents) == (2, 1, 1)
    assert report.incident_notes == "厨房油锅起火，已扑灭"
    assert not report.is_zero and report.duty_in_place
    assert report.township == township1 and report.institution is None
    screenshot(page, "daily-report-filed-phone")


# --- Dashboard -------------------------------------------------------------------


def _county_in_a_festival(township1, township2, institution1, institution2, town1):
    """A festival sweep under way, hazards in both townships, today's daily reports.

    Overdue rate: 羊册镇 1 of 1 unresolved hazards overdue (100 %), 马谷田镇 1 of 2 (50 %).
    """
    today = timezone.localdate()
    version, _ = checklist(items_per_section=1, sections=1)
    campaign = Campaign.objects.create(
        name="春节消防安全排查",
        template=version.template,
        level=Level.TOWNSHIP,
        recurrence=Recurrence.ONCE,
        starts_on=today - 5 * DAY,
        ends_on=today + 20 * DAY,
        due_on=today + 5 * DAY,
    )
    for institution, due_on, status in (
        (institution1, today, InspectionStatus.SUBMITTED),
        (institution2, today - DAY, InspectionStatus.DRAFT),  # overdue
        (institution2, today + DAY, InspectionStatus.DRAFT),  # due
    ):
        InspectionFactory(
            institution=institution,
            campaign=campaign,
            version=version,
            due_on=due_on,
            status=status,
        )
    HazardFactory(institution=institution1, deadline=today - DAY)
    HazardFactory(institution=institution2, deadline=today - DAY)
    HazardFactory(institution=institution2)
    period = _period_covering_today()
    DailyReportFactory(
        period=period,
        day=today,
        township=township1,
        submitted_by=town1,
        submitted_at=timezone.now(),
    )
    return campaign


def _chart_and_table(page, chart_id, table_id):
    """({category: [series values]} as ECharts drew it, the same as the table reads)."""
    drawn = page.evaluate(
        """(id) => {
            const box = document.querySelector(`[data-chart="${id}"]`);
            const option = window.echarts.getInstanceByDom(box).getOption();
            const categories = option.xAxis[0].data;
            const rows = {};
            categories.forEach((name, i) => {
                rows[name] = option.series.map((series) => Number(series.data[i]));
            });
            return rows;
        }""",
        chart_id,
    )
    shown = page.evaluate(
        """(id) => {
            const rows = {};
            document.querySelectorAll(`#${id} tbody tr`).forEach((tr) => {
                const cells = [...tr.querySelectorAll("td[data-series]")]
                    .sort((a, b) => a.dataset.series - b.dataset.series);
                rows[tr.querySelector("th").innerText.trim()] =
                    cells.map((td) => Number(td.innerText.trim()));
            });
            return rows;
        }""",
        table_id,
    )
    return drawn, shown


def _league_names(page):
    return page.locator("#league-table tbody th[scope=row]").all_inner_texts()


def test_an_officer_sees_the_charts_drawn_with_their_numbers_in_the_tables(
    login, officer, town1, township1, township2, institution1, institution2
):
    _county_in_a_festival(township1, township2, institution1, institution2, town1)
    page = login(officer, size=DESKTOP)
    page.set_default_timeout(10_000)
    errors = _watch_errors(page)
    page.goto(f"{page.base_url}/dashboard/")

    for chart_id, table_id in CHART_TABLES.items():
        box = page.locator(f'[data-chart="{chart_id}"]')
        # Hidden unless charts.js drew it with the vendored ECharts (SVG renderer).
        box.locator("svg").first.wait_for()
        assert box.is_visible(), chart_id
        assert box.bounding_box()["height"] > 200, chart_id
        drawn, shown = _chart_and_table(page, chart_id, table_id)
        assert drawn, chart_id
        assert drawn == shown, chart_id
    # The numbers themselves, not only their agreement.
    _, festival = _chart_and_table(page, "chart-festival-coverage", "table-festival-coverage")
    assert festival == {"羊册镇": [1, 0, 0], "马谷田镇": [0, 1, 1]}
    _, by_township = _chart_and_table(
        page, "chart-hazards-by-township", "table-hazards-by-township"
    )
    assert by_township == {"羊册镇": [1, 0], "马谷田镇": [1, 1]}
    _, trend = _chart_and_table(page, "chart-hazard-trend", "table-hazard-trend")
    assert trend[timezone.localdate().isoformat()] == [3, 0]  # three found today

    daily = page.locator("#table-daily-reports tbody tr", has_text="羊册镇")
    assert daily.locator("td").all_inner_texts()[:4] == ["2", "1", "0", "1"]
    assert _league_names(page) == ["羊册镇", "马谷田镇"]  # township code order
    screenshot(page, "dashboard-officer-desktop")

    page.locator('#league-table a[data-sort="overdue_rate"]').click()
    page.wait_for_url(re.compile(r"sort=overdue_rate"))
    assert _league_names(page) == ["马谷田镇", "羊册镇"]  # 50 % before 100 %
    heading = page.locator("#league-table th[aria-sort]")
    assert heading.get_attribute("aria-sort") == "ascending"
    assert "隐患逾期率" in heading.inner_text()
    page.locator('#league-table a[data-sort="overdue_rate"]').click()
    page.wait_for_url(re.compile(r"sort=-overdue_rate"))
    assert _league_names(page) == ["羊册镇", "马谷田镇"]
    # The charts are drawn again on the sorted page.
    page.locator('[data-chart="chart-hazard-trend"] svg').first.wait_for()
    assert errors == []


def test_a_clerk_on_a_phone_sees_only_their_township(
    login, officer, town1, township1, township2, institution1, institution2
):
    _county_in_a_festival(township1, township2, institution1, institution2, town1)
    page = login(town1)
    page.set_default_timeout(10_000)
    errors = _watch_errors(page)
    page.goto(f"{page.base_url}/dashboard/")
    page.locator('[data-chart="chart-hazard-trend"] svg').first.wait_for()

    assert page.locator("h1").inner_text() == "羊册镇统计看板"
    assert _league_names(page) == ["羊册镇"]
    assert "马谷田镇" not in page.content()
    assert page.locator("select[name=township]").count() == 0
    _, festival = _chart_and_table(page, "chart-festival-coverage", "table-festival-coverage")
    assert festival == {"羊册镇": [1, 0, 0]}
    for chart_id, table_id in CHART_TABLES.items():
        drawn, shown = _chart_and_table(page, chart_id, table_id)
        assert drawn == shown, chart_id
        box = page.locator(f'[data-chart="{chart_id}"]')
        assert box.bounding_box()["width"] <= 390, chart_id
    assert _page_width_overflow(page) <= 0
    screenshot(page, "dashboard-clerk-phone")
    assert errors == []


# --- Campaigns -------------------------------------------------------------------


def test_an_officer_creates_and_launches_a_campaign_from_the_form(
    login, officer, town1, town2, township1, township2, institution1, institution2
):
    InstitutionFactory(
        name="羊册镇儿童福利院", kind=InstitutionKind.CHILD_WELFARE, township=township1
    )
    version, _ = checklist(items_per_section=1, sections=1)
    version.template.name = "节日消防安全检查表"
    version.template.save()
    today = timezone.localdate()
    page = login(officer, size=DESKTOP)
    page.set_default_timeout(10_000)
    page.goto(f"{page.base_url}/inspections/campaigns/")
    page.get_by_role("link", name="新建检查任务").click()
    page.wait_for_url(re.compile(r"/inspections/campaigns/new/$"))

    page.fill("#id_name", "元宵节消防排查")
    page.select_option("#id_template", label="节日消防安全检查表")
    page.select_option("#id_level", Level.TOWNSHIP)
    page.select_option("#id_recurrence", Recurrence.ONCE)
    page.locator(".picker", has_text="羊册镇").first.get_by_label("羊册镇", exact=True).check()
    page.fill("#id_starts_on", today.isoformat())
    page.fill("#id_due_on", (today + 2 * DAY).isoformat())
    page.fill("#id_ends_on", (today + 20 * DAY).isoformat())
    assert page.locator("#id_is_active").is_checked()
    screenshot(page, "campaign-form-desktop")
    page.get_by_role("button", name="保存并下发").click()
    page.wait_for_url(re.compile(r"/inspections/campaigns/$"))

    # Only 羊册镇 was ticked: its two institutions, not 马谷田镇's.
    assert "元宵节消防排查 已下发：已创建 2 项检查。" in page.inner_text("body")
    campaign = Campaign.objects.get(name="元宵节消防排查")
    inspections = Inspection.objects.filter(campaign=campaign)
    assert inspections.count() == 2
    assert set(inspections.values_list("institution__township", flat=True)) == {township1.pk}
    assert set(inspections.values_list("due_on", flat=True)) == {today + 2 * DAY}

    item = page.locator(".list-group-item", has_text="元宵节消防排查")
    badges = item.locator(".badge").all_inner_texts()
    assert badges == ["已完成 0", "待完成 2", "已逾期 0"]
    screenshot(page, "campaign-list-launched-desktop")

    # Launching again from the list creates nothing twice.
    item.get_by_role("button", name="下发").click()
    page.wait_for_url(re.compile(r"/inspections/campaigns/$"))
    assert "元宵节消防排查 已下发：没有新的检查。" in page.inner_text("body")
    assert Inspection.objects.filter(campaign=campaign).count() == 2

    # A clerk of 羊册镇 follows it on a phone; 马谷田镇's clerk is not sent it.
    page = login(town1)
    page.goto(f"{page.base_url}/inspections/campaigns/")
    item = page.locator(".list-group-item", has_text="元宵节消防排查")
    assert item.locator(".badge").all_inner_texts() == ["已完成 0", "待完成 2", "已逾期 0"]
    assert item.get_by_role("button", name="下发").count() == 0
    assert _page_width_overflow(page) <= 0
    screenshot(page, "campaign-list-clerk-phone")
    page = login(town2)
    page.goto(f"{page.base_url}/inspections/campaigns/")
    assert "元宵节消防排查" not in page.inner_text("main")
    assert page.locator(".list-group-item", has_text="元宵节消防排查").count() == 0
