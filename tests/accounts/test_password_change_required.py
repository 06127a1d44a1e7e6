"""A password an administrator set, or one past its age, must be changed before anything else."""

import datetime
import io
import time

import pytest
import time_machine
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.urls import reverse

from accounts import services
from accounts.middleware import SessionPolicyMiddleware
from accounts.models import PasswordState
from accounts.two_factor import required_for
from institutions.models import User
from tests.accounts.conftest import PASSWORD, sign_in
from tests.factories import TownshipStaffFactory

NEW_PASSWORD = "Harbour-bells9"


@pytest.fixture
def clerk(db):
    return TownshipStaffFactory(username="clerk")


@pytest.fixture
def reset_clerk(clerk):
    services.require_password_change(clerk)
    return clerk


def test_a_new_password_is_not_a_forced_change(clerk):
    state = PasswordState.objects.get(user=clerk)
    assert not state.must_change


def test_after_a_reset_every_page_leads_to_the_password_page_with_a_reason(client, reset_clerk):
    sign_in(client, "clerk")
    for url in [reverse("home"), reverse("institutions:list"), "/admin/"]:
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0] == reverse("password_change"), url
        assert "您的密码由管理员设置，请先设置自己的密码再继续使用。" in response.content.decode()


def test_the_password_page_logout_language_and_health_stay_open(client, reset_clerk):
    sign_in(client, "clerk")
    assert client.get(reverse("password_change")).status_code == 200
    assert client.get(reverse("healthz")).status_code in (200, 503)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.post(reverse("logout")).status_code == 302


def test_static_files_are_not_redirected(rf, reset_clerk, settings):
    middleware = SessionPolicyMiddleware(lambda request: None)

    def request_for(path):
        request = rf.get(path)
        request.user = reset_clerk
        request.session = SessionStore()
        request.session[services.SIGNED_IN_AT] = time.time()
        services.copy_password_state(request.session, reset_clerk)
        request._messages = FallbackStorage(request)
        return request

    static = request_for(settings.STATIC_URL + "css/app.css")
    assert middleware.process_view(static, None, (), {}) is None
    page = request_for(reverse("institutions:list"))
    assert middleware.process_view(page, None, (), {})["Location"] == reverse("password_change")


def test_changing_the_password_lifts_the_requirement_in_the_same_session(client, reset_clerk):
    sign_in(client, "clerk")
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("password_change_done")
    assert client.get(reverse("home")).status_code == 200
    assert not PasswordState.objects.get(user=reset_clerk).must_change


def test_a_password_older_than_the_limit_must_be_changed(client, clerk, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    PasswordState.objects.filter(user=clerk).update(
        changed_at=PasswordState.objects.get(user=clerk).changed_at - datetime.timedelta(days=91)
    )
    sign_in(client, "clerk")
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("password_change")
    assert "您的密码已使用超过 90 天，请设置新密码后再继续使用。" in response.content.decode()


def test_a_password_ages_out_in_a_session_that_began_before(client, clerk, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    settings.SESSION_ABSOLUTE_SECONDS = settings.SESSION_COOKIE_AGE = 200 * 24 * 3600
    sign_in(client, "clerk")
    assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(datetime.timedelta(days=91)):
        assert client.get(reverse("home"))["Location"] == reverse("password_change")


def test_passwords_never_age_when_the_limit_is_zero(client, clerk, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 0
    PasswordState.objects.filter(user=clerk).update(
        changed_at=PasswordState.objects.get(user=clerk).changed_at - datetime.timedelta(days=3650)
    )
    sign_in(client, "clerk")
    assert client.get(reverse("home")).status_code == 200


def test_an_account_from_before_the_policy_gets_its_state_at_sign_in(client, clerk):
    PasswordState.objects.filter(user=clerk).delete()
    sign_in(client, "clerk")
    assert client.get(reverse("home")).status_code == 200
    assert PasswordState.objects.filter(user=clerk, must_change=False).exists()


def test_demo_accounts_are_not_forced_to_change_and_their_password_works(client, db):
    call_command("seed_demo", stdout=io.StringIO())
    for username in ["admin", "town1", "sysadmin", "secadmin", "auditor"]:
        response = sign_in(client, username, "demo-pass-2026")
        assert response.status_code == 302, username
        if required_for(User.objects.get(username=username)):
            # The administrators' second step: the demo's code comes from `otp_code`.
            assert client.get(reverse("home")).url.startswith(reverse("two_factor"))
            client.get(reverse("two_factor"))  # the set-up page makes the authenticator
            code = io.StringIO()
            call_command("otp_code", username, stdout=code)
            client.post(reverse("two_factor"), {"token": code.getvalue().strip()})
        assert client.get(reverse("home")).status_code == 200, username
        client.post(reverse("logout"))
