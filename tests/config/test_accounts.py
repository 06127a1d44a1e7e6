"""Logging in and out, and locking an account after repeated failures."""

import pytest
from django.urls import reverse

from tests.factories import TownshipStaffFactory


@pytest.fixture
def clerk(db):
    return TownshipStaffFactory(username="clerk")


def test_login_page_uses_djangos_field_names(client, db):
    page = client.get(reverse("login")).content.decode()
    assert 'name="username"' in page
    assert 'name="password"' in page


def test_right_password_logs_in_and_lands_on_home(client, clerk):
    response = client.post(reverse("login"), {"username": "clerk", "password": "test-pass-123"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_is_refused_in_chinese(client, clerk):
    response = client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()


def test_five_failures_lock_the_account_even_with_the_right_password(client, clerk):
    for _ in range(5):
        client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "clerk", "password": "test-pass-123"})
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_ends_the_session(client, clerk):
    client.force_login(clerk)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302
