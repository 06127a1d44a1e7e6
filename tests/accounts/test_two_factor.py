"""Two-factor sign-in (TOTP) for the administrators: set up on the first sign-in, asked
for on every sign-in after, nothing else reachable until it is typed."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import required_for
from institutions.models import Role
from tests.accounts.conftest import sign_in
from tests.factories import AdminFactory, UserFactory


def code_of(device, *, drift=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + drift * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def business_admin(db):
    return AdminFactory(username="bizadmin")


def test_the_administrators_need_it_and_the_business_roles_do_not(db, settings):
    assert required_for(AdminFactory(username="a"))
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        assert required_for(UserFactory(username=role, role=role))
    assert not required_for(UserFactory(username="o", role=Role.BUREAU_OFFICER))
    settings.OTP_REQUIRED_ROLES = [*settings.OTP_REQUIRED_ROLES, Role.BUREAU_OFFICER]
    assert required_for(UserFactory(username="o2", role=Role.BUREAU_OFFICER))


def test_a_first_sign_in_sets_up_an_authenticator_before_anything_else(client, business_admin):
    response = sign_in(client, "bizadmin")
    assert response.status_code == 302
    # Any page leads to the code page, the admin site too.
    for url in (reverse("home"), reverse("inspections:ledger"), "/admin/"):
        answer = client.get(url)
        assert answer.status_code == 302 and answer.url.startswith(reverse("two_factor")), url
    page = client.get(reverse("two_factor")).content.decode()
    assert "data:image/svg+xml;base64," in page and 'id="totp-key"' in page
    device = TOTPDevice.objects.get(user=business_admin)
    assert not device.confirmed

    wrong = client.post(reverse("two_factor"), {"token": "000000", "next": "/admin/"})
    assert "验证码不正确" in wrong.content.decode()
    assert client.get(reverse("home")).status_code == 302
    # Right away, even the right code waits: a wrong one costs a second (against guessing).
    hasty = client.post(reverse("two_factor"), {"token": code_of(device), "next": "/admin/"})
    assert "秒后再试" in hasty.content.decode()

    device.refresh_from_db()
    device.throttling_failure_timestamp = None  # the second has passed
    device.save()
    done = client.post(reverse("two_factor"), {"token": code_of(device), "next": "/admin/"})
    assert done.status_code == 302 and done.url == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200


def test_later_sign_ins_ask_for_the_code_and_show_no_key(client, business_admin):
    device = TOTPDevice.objects.create(user=business_admin, name="phone", confirmed=True)
    sign_in(client, "bizadmin")
    page = client.get(reverse("two_factor")).content.decode()
    assert "data:image/svg" not in page and "totp-key" not in page
    assert client.post(reverse("two_factor"), {"token": code_of(device)}).url == "/"
    assert client.get(reverse("home")).status_code == 200


def test_a_code_is_used_once(client, business_admin):
    device = TOTPDevice.objects.create(user=business_admin, name="phone", confirmed=True)
    code = code_of(device)
    sign_in(client, "bizadmin")
    client.post(reverse("two_factor"), {"token": code})
    client.post(reverse("logout"))
    sign_in(client, "bizadmin")
    again = client.post(reverse("two_factor"), {"token": code})
    assert again.status_code == 200  # refused: the same code may not sign in twice


def test_an_officer_signs_in_without_a_code(client, db):
    UserFactory(username="officer2", role=Role.BUREAU_OFFICER)
    sign_in(client, "officer2")
    assert client.get(reverse("home")).status_code == 200
    assert not TOTPDevice.objects.exists()


def test_an_htmx_request_is_sent_to_the_code_page_as_a_whole_page(client, business_admin):
    sign_in(client, "bizadmin")
    response = client.get(reverse("notifications:badge"), headers={"HX-Request": "true"})
    assert re.match(r"^/accounts/two-factor/", response["HX-Redirect"])


def test_the_next_page_must_be_this_site(client, business_admin):
    device = TOTPDevice.objects.create(user=business_admin, name="phone", confirmed=True)
    sign_in(client, "bizadmin")
    response = client.post(
        reverse("two_factor"), {"token": code_of(device), "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_garbage_codes_are_refused_beside_the_field_not_a_500(client, business_admin):
    TOTPDevice.objects.create(user=business_admin, name="phone", confirmed=True)
    sign_in(client, "bizadmin")
    for token in ("", "abc", "1" * 50, "12 34 5\\x00", "٣٣٣٣٣٣"):
        response = client.post(reverse("two_factor"), {"token": token})
        assert response.status_code == 200, token


def test_the_code_page_has_no_menu_to_lead_elsewhere(client, business_admin):
    sign_in(client, "bizadmin")
    page = client.get(reverse("two_factor")).content.decode()
    # No menu, and no badge that would poll a page sending it back here.
    assert 'id="main-nav"' not in page and "notifications/badge" not in page
