"""A village worker reports a person found, on a phone, and the township answers it: in a
real browser, through the pages and their forms."""

from django.urls import reverse
from django.utils import timezone

from institutions.models import Role
from relief.models import FoundReport, FoundStatus
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.factories import TownshipStaffFactory, UserFactory
from tests.relief.factories import PersonFactory


def test_a_person_found_goes_from_the_village_to_the_township(transactional_db, login, township1):
    worker = UserFactory(
        username="village1",
        full_name="李桂芝",
        role=Role.VILLAGE_WORKER,
        township=township1,
        village="王庄村",
    )
    clerk = TownshipStaffFactory(username="town1", township=township1)
    registered = PersonFactory(township=township1, village="王庄村", name="马老汉")

    page = login(worker, size=PHONE)
    page.goto(page.base_url + reverse("home"))
    page.get_by_role("link", name="报告发现的困难群众").click()
    page.wait_for_url("**/relief/found/new/")
    # A first try with nothing filled: the errors stand beside the fields, nothing is saved.
    page.locator("main form button.btn-primary").click()
    assert page.locator(".invalid-feedback, .errorlist").count() >= 2
    assert not FoundReport.objects.exists()
    page.fill("input[name=name]", "马老汉")
    page.fill("input[name=address]", "王庄村三组")
    page.fill("textarea[name=situation]", "独居，家中无取暖设备，腿脚不便")
    page.check("input[name=needs][value=supplies]")
    page.check("input[name=is_urgent]")
    screenshot(page, "village-worker-report-filled-phone")
    page.locator("main form button.btn-primary").click()
    page.wait_for_url("**/relief/found/*/")
    report = FoundReport.objects.get()
    assert (report.village, report.is_urgent, report.reported_by) == ("王庄村", True, worker)
    assert page.get_by_text("今日需救助").first.is_visible()
    # The rest of the system stays closed to them.
    assert page.goto(page.base_url + reverse("institutions:list")).status == 403

    page = login(clerk, size=DESKTOP)
    page.goto(page.base_url + reverse("relief:found_reports"))
    page.get_by_role("link", name="马老汉").click()
    page.check(f"input[name=outcome][value={FoundStatus.REGISTERED}]")
    page.fill("input[name=id_number]", registered.id_number)
    page.fill("textarea[name=note]", "入户核实，已纳入特困供养")
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state()
    report.refresh_from_db()
    assert (report.status, report.person, report.handled_by) == ("registered", registered, clerk)
    assert report.handled_at.date() <= timezone.now().date()
    screenshot(page, "township-answered-person-found-desktop")
