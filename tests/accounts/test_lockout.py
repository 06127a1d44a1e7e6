"""Lockout (django-axes): 5 failures of one username from one address lock that pair for 30
minutes; a refused try during them does not start them again; a security administrator may
lift a lockout sooner."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.signals import lockout_released
from tests.accounts.conftest import sign_in
from tests.conftest import verify_second_factor
from tests.factories import TownshipStaffFactory

START = datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)
HOME_ADDRESS = "10.1.2.3"
OTHER_ADDRESS = "10.9.9.9"


@pytest.fixture
def clerk(db):
    return TownshipStaffFactory(username="clerk")


def fail(client, times=1, address=HOME_ADDRESS, username="clerk"):
    for _ in range(times):
        sign_in(client, username, "wrong-password", REMOTE_ADDR=address)


def signed_in(user):
    client = Client()
    client.force_login(user)
    verify_second_factor(client, user)
    return client


def is_refused_as_locked(response):
    return response.status_code == 429 and "账号已锁定" in response.content.decode()


def test_four_failures_do_not_lock(client, clerk):
    fail(client, 4)
    assert sign_in(client, "clerk", REMOTE_ADDR=HOME_ADDRESS).status_code == 302


def test_five_failures_lock_for_thirty_minutes(client, clerk):
    with time_machine.travel(START, tick=False) as traveller:
        fail(client, 5)
        traveller.shift(datetime.timedelta(minutes=29, seconds=59))
        assert is_refused_as_locked(sign_in(client, "clerk", REMOTE_ADDR=HOME_ADDRESS))
        traveller.shift(datetime.timedelta(seconds=2))
        assert sign_in(client, "clerk", REMOTE_ADDR=HOME_ADDRESS).status_code == 302


def test_refused_tries_during_the_lockout_do_not_start_it_again(client, clerk):
    with time_machine.travel(START, tick=False) as traveller:
        fail(client, 5)
        for _ in range(5):
            traveller.shift(datetime.timedelta(minutes=5))
            assert is_refused_as_locked(
                sign_in(client, "clerk", "wrong-password", REMOTE_ADDR=HOME_ADDRESS)
            )
        # Just over 30 minutes after the fifth failure.
        traveller.shift(datetime.timedelta(minutes=5, seconds=1))
        assert sign_in(client, "clerk", REMOTE_ADDR=HOME_ADDRESS).status_code == 302


def test_the_same_username_from_another_address_is_not_locked(client, clerk):
    fail(client, 5)
    assert sign_in(client, "clerk", REMOTE_ADDR=OTHER_ADDRESS).status_code == 302


def test_another_username_from_the_locked_address_is_not_locked(client, clerk):
    TownshipStaffFactory(username="colleague")
    fail(client, 5)
    assert sign_in(client, "colleague", REMOTE_ADDR=HOME_ADDRESS).status_code == 302


def test_a_right_password_resets_the_count(client, clerk):
    fail(client, 4)
    sign_in(client, "clerk", REMOTE_ADDR=HOME_ADDRESS)
    client.post(reverse("logout"))
    fail(client, 4)
    assert sign_in(client, "clerk", REMOTE_ADDR=HOME_ADDRESS).status_code == 302


# --- The security administrator's page -------------------------------------------------


def test_the_page_lists_current_lockouts_only(client, clerk, secadmin):
    TownshipStaffFactory(username="colleague")
    with time_machine.travel(START, tick=False):
        fail(client, 5)
        fail(client, 3, username="colleague")
    with time_machine.travel(START + datetime.timedelta(minutes=10), tick=False):
        page = signed_in(secadmin).get(reverse("lockouts"))
    assert page.status_code == 200
    lockouts = page.context["lockouts"]
    assert [(lockout.username, lockout.ip_address) for lockout in lockouts] == [
        ("clerk", HOME_ADDRESS)
    ]
    assert lockouts[0].unlocks_at == START + datetime.timedelta(minutes=30)
    assert "2026-12-01 16:30" in page.content.decode()  # shown in Asia/Shanghai


def test_failures_from_several_browsers_add_up_as_axes_counts_them(client, secadmin, clerk):
    for agent, times in [("Firefox", 3), ("Chrome", 2)]:
        for _ in range(times):
            client.post(
                reverse("login"),
                {"username": "clerk", "password": "wrong"},
                REMOTE_ADDR=HOME_ADDRESS,
                HTTP_USER_AGENT=agent,
            )
    assert AccessAttempt.objects.count() == 2
    [lockout] = signed_in(secadmin).get(reverse("lockouts")).context["lockouts"]
    assert lockout.failures == 5


def test_a_security_administrator_unlocks_and_the_user_signs_in_at_once(client, clerk, secadmin):
    released = []
    lockout_released.connect(lambda **kwargs: released.append(kwargs), weak=False, dispatch_uid="t")
    try:
        fail(client, 5)
        response = signed_in(secadmin).post(
            reverse("lockout_unlock"), {"username": "clerk", "ip_address": HOME_ADDRESS}
        )
        assert response.status_code == 302
    finally:
        lockout_released.disconnect(dispatch_uid="t")
    assert not AccessAttempt.objects.exists()
    assert [(r["username"], r["ip_address"], r["request"].user) for r in released] == [
        ("clerk", HOME_ADDRESS, secadmin)
    ]
    assert sign_in(client, "clerk", REMOTE_ADDR=HOME_ADDRESS).status_code == 302


def test_unlocking_one_address_leaves_the_others_locked(client, clerk, secadmin):
    fail(client, 5)
    fail(client, 5, address=OTHER_ADDRESS)
    signed_in(secadmin).post(
        reverse("lockout_unlock"), {"username": "clerk", "ip_address": HOME_ADDRESS}
    )
    assert AccessAttempt.objects.filter(ip_address=OTHER_ADDRESS).exists()
    assert not AccessAttempt.objects.filter(ip_address=HOME_ADDRESS).exists()


def test_a_superuser_may_unlock(client_for, superuser):
    assert client_for(superuser).get(reverse("lockouts")).status_code == 200


@pytest.mark.parametrize("who", ["sysadmin", "auditor", "clerk", "officer"])
def test_no_one_else_may_see_or_lift_lockouts(client, request, who, clerk, officer):
    user = request.getfixturevalue(who)
    fail(client, 5)
    client.force_login(user)
    verify_second_factor(client, user)
    assert client.get(reverse("lockouts")).status_code == 403
    response = client.post(
        reverse("lockout_unlock"), {"username": "clerk", "ip_address": HOME_ADDRESS}
    )
    assert response.status_code == 403
    assert AccessAttempt.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    assert client.get(reverse("lockouts"))["Location"].startswith(reverse("login"))


def test_unlocking_is_a_post(client_for, secadmin):
    assert client_for(secadmin).get(reverse("lockout_unlock")).status_code == 405


GARBAGE = ["²", "-1", "9" * 30, "1\x00", "<script>", "💥", "' OR 1=1 --", "", "::g", "999.1.1.1"]


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_is_never_a_500(client_for, secadmin, value):
    client = client_for(secadmin)
    assert client.get(reverse("lockouts"), {"page": value, "q": value}).status_code == 200
    for data in (
        {"username": value, "ip_address": HOME_ADDRESS},
        {"username": "clerk", "ip_address": value},
    ):
        response = client.post(reverse("lockout_unlock"), data)
        assert response.status_code == 302


def test_the_page_costs_the_same_queries_for_one_lockout_or_many(
    client, secadmin, django_assert_num_queries
):
    admin = signed_in(secadmin)

    def lock(n):
        for i in range(n):
            AccessAttempt.objects.create(
                username=f"user{n}-{i}",
                ip_address=HOME_ADDRESS,
                user_agent="x",
                failures_since_start=5,
                attempt_time=datetime.datetime.now(datetime.UTC),
            )

    lock(1)
    admin.get(reverse("lockouts"))
    with CaptureQueriesContext(connection) as one:
        assert len(admin.get(reverse("lockouts")).context["lockouts"]) == 1
    lock(10)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(admin.get(reverse("lockouts")).context["lockouts"]) == 11
