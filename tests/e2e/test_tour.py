"""A tour of the main pages in a real browser, on the demo county, as the role that uses
each: every page answers 200, shows its heading, logs no Content-Security-Policy violation
or script error, and is saved as a screenshot (var/screenshots/tour-*.png) on a 390-px
phone and on a desktop, so that a person can look at what users see."""

import io

from django.core.management import call_command
from django.urls import reverse

from institutions.models import Role, User
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.factories import UserFactory


def _person_with_history():
    from relief.models import Person

    return Person.objects.filter(township__name="羊册镇").order_by("pk").first()


def _hazard():
    from inspections.models import Hazard

    return Hazard.objects.filter(institution__township__name="羊册镇").order_by("pk").first()


def _institution(name):
    from institutions.models import Institution

    return Institution.objects.get(name=name)


def _village_person():
    from relief.models import Person

    return Person.objects.filter(township__name="羊册镇", village="王庄村").order_by("pk").first()


def _this_week():
    from django.utils import timezone

    year, week, _ = timezone.localdate().isocalendar()
    return f"{year}-W{week:02d}"


# (page name, who, how to build its path once the demo is seeded). Each is opened on a phone
# and on a desktop.
PAGES = [
    ("preparedness-plans", "officer", lambda: reverse("preparedness:index")),
    ("preparedness-supplies", "town1", lambda: reverse("preparedness:supplies")),
    ("preparedness-not-drilled", "officer", lambda: reverse("preparedness:not_drilled")),
    ("preparedness-responsibility", "officer", lambda: reverse("preparedness:responsibility")),
    (
        "preparedness-institution",
        "inst1",
        lambda: reverse("preparedness:institution", args=[_institution("羊册镇敬老院").pk]),
    ),
    ("epidemic-week", "town1", lambda: reverse("epidemic:index")),
    ("epidemic-county", "officer", lambda: reverse("epidemic:county")),
    (
        "epidemic-file",
        "inst1",
        lambda: reverse("epidemic:file", args=[_institution("羊册镇敬老院").pk, _this_week()]),
    ),
    ("spot-check-new", "officer", lambda: reverse("duty_roster:spot_check_new")),
    ("spot-checks-by-township", "officer", lambda: reverse("duty_roster:spot_check_summary")),
    ("spot-checks-township", "town1", lambda: reverse("duty_roster:spot_checks")),
    ("accountability-cases", "officer", lambda: reverse("accountability:list")),
    (
        "three-levels-compared",
        "officer",
        lambda: reverse("inspections:levels", args=[_institution("马谷田镇敬老院").pk]),
    ),
    ("self-inspection-not-credible", "officer", lambda: reverse("inspections:not_credible")),
    ("relief-visits", "town1", lambda: reverse("relief:visits")),
    ("people-found-township", "town1", lambda: reverse("relief:found_reports")),
    ("village-worker-home", "village1", lambda: reverse("home")),
    ("village-worker-people", "village1", lambda: reverse("relief:people")),
    ("village-worker-person", "village1", lambda: _village_person().get_absolute_url()),
    ("village-worker-report", "village1", lambda: reverse("relief:found_report_new")),
    ("county-roster-form", "officer", lambda: reverse("duty_roster:posts")),
    ("person-with-change-history", "officer", lambda: _person_with_history().get_absolute_url()),
    ("hazard-with-change-history", "officer", lambda: _hazard().get_absolute_url()),
    ("audit-log", "auditor", lambda: reverse("audit:list")),
    ("locked-sign-ins", "secadmin", lambda: reverse("lockouts")),
]


def test_the_main_pages_show_without_errors_on_a_phone_and_a_desktop(transactional_db, login):
    """One demo county for the whole tour (seeding it is the slow part); every page is
    visited even after one fails, and the failures are listed together."""
    call_command("seed_demo", stdout=io.StringIO())
    pages = {}  # username -> a signed-in page, resized for each size (a second sign-in of
    # an administrator in the same 30 s would be refused: a TOTP code is good once)
    problems = []
    for name, username, path_of in PAGES:
        path = path_of()
        for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
            if username not in pages:
                page = login(User.objects.get(username=username), size=size)
                page.errors = []
                page.on("console", lambda m, p=page: m.type == "error" and p.errors.append(m.text))
                page.on("pageerror", lambda e, p=page: p.errors.append(str(e)))
                pages[username] = page
            page = pages[username]
            page.set_viewport_size(size)
            page.errors.clear()
            response = page.goto(page.base_url + path)
            where = f"{name} ({label}, {path})"
            if response.status != 200:
                problems.append(f"{where}: {response.status}")
                continue
            if not page.locator("h1").first.is_visible():
                problems.append(f"{where}: no heading")
            if size is PHONE:
                # A phone page must not scroll sideways (a wide table scrolls inside its own
                # .table-responsive box instead).
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    problems.append(f"{where}: {width} px wide on a 390-px phone")
            else:
                # The menu keeps to one line on a desktop (it wrapped into columns once).
                height = page.evaluate("document.querySelector('nav.navbar').offsetHeight")
                if height > 70:
                    problems.append(f"{where}: the menu is {height} px high")
            screenshot(page, f"tour-{name}-{label}")
            problems += [f"{where}: {error}" for error in page.errors]
    assert problems == []


def test_an_administrator_without_an_authenticator_is_shown_the_set_up_page(
    transactional_db, browser, live_server, settings
):
    """The first sign-in of an account that needs a second factor: the QR code to scan."""
    settings.ALLOWED_HOSTS = ["*"]
    UserFactory(username="sysadmin", role=Role.SYSTEM_ADMIN, password="demo-pass-2026")
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(viewport=size, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", "sysadmin")
        page.fill("input[name=password]", "demo-pass-2026")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/accounts/two-factor/**")
        assert page.locator("main img").first.is_visible(), "no QR code"
        assert page.locator("input[name=token]").is_visible()
        screenshot(page, f"tour-two-factor-set-up-{label}")
        context.close()
