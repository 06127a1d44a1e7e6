"""A real browser (Debian's chromium, driven by Playwright) against a live server.

Every test here is marked e2e and runs with `make e2e`. Screenshots land in
var/screenshots/ so that a person can look at what users see.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import required_for

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the
    # tests themselves (fixtures, assertions) are still plain synchronous code. Set
    # here, not at import, so that no other test (or its subprocesses) inherits it.
    unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run scripts/ensure_chromium.sh (make e2e does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            # The browser's own controls (file and date inputs) in Chinese, as users see them
            # (with Debian's chromium-l10n; --lang alone does not do it).
            env={**os.environ, "LANG": "zh_CN.UTF-8", "LANGUAGE": "zh_CN"},
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    if unsafe is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = unsafe


@pytest.fixture
def login(browser, live_server, settings):
    """login(user, size=PHONE) -> a page logged in as user, at that viewport."""
    settings.ALLOWED_HOSTS = ["*"]
    contexts = []

    def open_as(user, size=PHONE, password="demo-pass-2026"):
        user.set_password(password)
        user.save()
        if required_for(user):
            TOTPDevice.objects.get_or_create(user=user, name="phone", defaults={"confirmed": True})
        context = browser.new_context(viewport=size, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        if required_for(user):
            # The administrators' second step, typed as from their phone's app.
            page.wait_for_url(re.compile(r"/accounts/two-factor/"))
            page.fill("input[name=token]", current_code(user))
            page.click("main button[type=submit]")
        try:
            page.wait_for_url(f"{live_server.url}/")
        except Exception as error:
            screenshot(page, f"failed-login-{user.username}")
            message = f"{user.username} did not reach the home page: {page.url}"
            raise AssertionError(message) from error
        page.base_url = live_server.url
        return page

    yield open_as
    for context in contexts:
        context.close()


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_js(page, expression, timeout=10.0):
    """Wait until `expression` is true in the page. Playwright's wait_for_function builds a
    function from the text inside the page, which the Content-Security-Policy refuses (no
    eval); page.evaluate goes through the DevTools protocol, which the policy does not
    govern, so poll with it."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(100)


def current_code(user):
    """The code the user's authenticator app shows now."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
