"""Sessions: 12 hours from sign-in at most, a new id at sign-in, at most N per account, and
all of them end when the password changes or the account is switched off."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import UserSession
from tests.accounts.conftest import PASSWORD, sign_in
from tests.factories import TownshipStaffFactory

NEW_PASSWORD = "Harbour-bells9"


@pytest.fixture
def clerk(db):
    return TownshipStaffFactory(username="clerk")


def signed_in_client(username="clerk"):
    client = Client()
    assert sign_in(client, username).status_code == 302
    return client


def is_signed_in(client):
    return client.get(reverse("home")).status_code == 200


def test_sign_in_gives_the_session_a_new_id(client, clerk):
    before = client.session
    before["seen_the_login_page"] = True
    before.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key
    sign_in(client, "clerk")
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before.session_key
    assert not Session.objects.filter(session_key=before.session_key).exists()
    assert UserSession.objects.filter(user=clerk, session_key=after).exists()


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(client, clerk):
    start = datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        sign_in(client, "clerk")
        # A page every 20 minutes keeps the 30-minute idle limit away all day.
        for _ in range(35):
            traveller.shift(datetime.timedelta(minutes=20))
            assert is_signed_in(client)
        traveller.shift(datetime.timedelta(minutes=20))  # 12 h after signing in
        response = client.get(reverse("institutions:list"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "您已登录满 12 小时，请重新登录。" in response.content.decode()
    assert not UserSession.objects.filter(user=clerk).exists()


def test_the_absolute_lifetime_is_a_setting(client, clerk, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 3600
    start = datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as t:
        sign_in(client, "clerk")
        for minutes in (20, 20, 19):
            t.shift(datetime.timedelta(minutes=minutes))
            assert is_signed_in(client)
        t.shift(datetime.timedelta(minutes=1))
        assert not is_signed_in(client)


def test_a_session_not_begun_by_signing_in_is_refused(client, clerk):
    sign_in(client, "clerk")
    session = client.session
    del session[services.SIGNED_IN_AT]
    session.save()
    assert not is_signed_in(client)


def test_the_fourth_sign_in_ends_the_oldest_session(clerk, settings):
    settings.SESSION_MAX_PER_USER = 3
    clients = []
    for minute in range(4):
        with time_machine.travel(datetime.timedelta(minutes=minute)):
            clients.append(signed_in_client())
    assert [is_signed_in(client) for client in clients] == [False, True, True, True]
    assert UserSession.objects.filter(user=clerk).count() == 3


def test_sessions_that_ended_by_themselves_do_not_count(clerk, settings):
    settings.SESSION_MAX_PER_USER = 2
    first, second = signed_in_client(), signed_in_client()
    # The second runs out by itself (30 minutes idle): its tracking row is left behind.
    Session.objects.filter(session_key=second.cookies[settings.SESSION_COOKIE_NAME].value).delete()
    third = signed_in_client()
    assert is_signed_in(first) and is_signed_in(third)
    assert UserSession.objects.filter(user=clerk).count() == 2


def test_another_accounts_sessions_are_not_counted(clerk, settings):
    settings.SESSION_MAX_PER_USER = 1
    TownshipStaffFactory(username="other")
    mine = signed_in_client()
    signed_in_client("other")
    assert is_signed_in(mine)


def test_changing_ones_password_ends_the_other_sessions_but_not_this_one(clerk):
    here, elsewhere = signed_in_client(), signed_in_client()
    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    # The session carried over is still tracked (and so counted and ended like the others).
    key = here.cookies[settings.SESSION_COOKIE_NAME].value
    assert list(UserSession.objects.filter(user=clerk).values_list("session_key", flat=True)) == [
        key
    ]


def test_a_password_set_by_anyone_else_ends_every_session(clerk):
    here, elsewhere = signed_in_client(), signed_in_client()
    clerk.set_password(NEW_PASSWORD)
    clerk.save()
    assert not is_signed_in(here) and not is_signed_in(elsewhere)
    assert not Session.objects.exists()


def test_switching_the_account_off_ends_every_session(clerk):
    here, elsewhere = signed_in_client(), signed_in_client()
    clerk.is_active = False
    clerk.save()
    assert not Session.objects.exists()
    assert not is_signed_in(here) and not is_signed_in(elsewhere)


def test_logging_out_forgets_the_session(client, clerk):
    sign_in(client, "clerk")
    client.post(reverse("logout"))
    assert not UserSession.objects.exists()
