"""What htmx updates in place, seen in a real browser: the fill progress, the ledger's
download link, the inbox and its badge."""

import datetime

import pytest
from django.utils import timezone

from notifications.models import Rule
from notifications.services import Message, notify
from tests.e2e.conftest import DESKTOP, screenshot, wait_for_js
from tests.inspections.factories import InspectionFactory, checklist
from tests.notifications.factories import HazardFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_progress_bar_moves_when_an_answer_is_saved(login, town1, institution1):
    version, items = checklist(items_per_section=2, sections=1)
    inspection = InspectionFactory(institution=institution1, version=version)
    page = login(town1)
    page.goto(f"{page.base_url}/inspections/{inspection.pk}/")
    bar = page.locator("#fill-progress [role=progressbar]")
    assert bar.get_attribute("aria-valuenow") == "0"
    page.locator(f"label[for=id_item{items[0].pk}-value_0]").click()  # 合格
    wait_for_js(
        page,
        "document.querySelector('#fill-progress [role=progressbar]')"
        ".getAttribute('aria-valuenow') === '1'",
    )
    screenshot(page, "inspection-fill-progress-phone")


def test_the_ledger_download_follows_the_filter_chosen_on_the_page(login, officer, institution1):
    HazardFactory(institution=institution1, category="fire")
    HazardFactory(institution=institution1, category="gas")
    page = login(officer, size=DESKTOP)
    page.goto(f"{page.base_url}/inspections/hazards/")
    link = page.locator("#ledger-download")
    assert "category=gas" not in (link.get_attribute("href") or "")
    page.select_option("select[name=category]", "gas")
    wait_for_js(
        page,
        "document.querySelector('#ledger-download').getAttribute('href').includes('category=gas')",
    )
    screenshot(page, "hazard-ledger-filtered-desktop")


def test_a_clerk_sees_the_unread_badge_and_reads_the_message_on_a_phone(login, town1, township1):
    rule = Rule.objects.create(code="e2e", name="测试", is_urgent=True)
    notify(
        rule,
        [
            Message(
                key="e2e-1",
                recipient_id=town1.pk,
                title="羊册镇敬老院发现重大事故隐患",
                body="疏散通道堵塞 整改期限：" + str(timezone.localdate() + datetime.timedelta(1)),
                url="/inspections/",
            )
        ],
    )
    page = login(town1)
    page.click("button.navbar-toggler")
    badge = page.locator("#unread-badge .badge")
    badge.wait_for()
    assert badge.inner_text().startswith("1")
    page.click("text=消息")
    page.wait_for_url("**/notifications/")
    assert "羊册镇敬老院发现重大事故隐患" in page.content()
    screenshot(page, "notifications-inbox-phone")
    page.click("button:has-text('已读')")
    wait_for_js(page, "!document.querySelector('.list-group-item-warning')")
    page.reload()
    page.click("button.navbar-toggler")
    page.wait_for_timeout(500)
    assert page.locator("#unread-badge .badge").count() == 0
