"""Password rules: each refusal is a clear Chinese sentence."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import PasswordHistory
from tests.accounts.conftest import PASSWORD, sign_in
from tests.factories import TownshipStaffFactory


@pytest.fixture
def clerk(db):
    return TownshipStaffFactory(username="clerk", full_name="李春梅")


def refusals(password, user=None):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    return refused.value.messages


def change_password(client, old, new):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_two_kinds_of_character_are_refused(db):
    assert refusals("harbourbells77") == [
        "密码须至少包含大写字母、小写字母、数字、符号四类字符中的 3 类。"
    ]


def test_three_kinds_of_character_pass(clerk):
    validate_password("Harbour-bells", clerk)
    validate_password("harbour-bell5", clerk)
    validate_password("HARBOURBELL5!", clerk)


def test_a_short_password_is_refused_in_chinese(clerk):
    assert "密码太短：至少需要 10 个字符。" in refusals("Ab1-xyz", clerk)


def test_a_common_password_is_refused_in_chinese(clerk):
    assert "这个密码太常见了。" in refusals("Password123", clerk)


def test_a_password_like_the_username_is_refused(db):
    user = TownshipStaffFactory(username="liuchunmei2026")
    assert any("太相似" in message for message in refusals("LiuChunmei2026", user))


def test_the_current_password_is_refused(clerk):
    assert refusals(PASSWORD, clerk) == ["该密码最近用过：新密码不能与最近 5 次使用的密码相同。"]


def test_each_of_the_last_five_passwords_is_refused_and_the_sixth_is_free(clerk):
    passwords = [f"Harbour-bell{n}" for n in range(1, 6)]
    for password in passwords:
        clerk.set_password(password)
        clerk.save()
    for password in passwords:
        assert refusals(password, clerk) == [
            "该密码最近用过：新密码不能与最近 5 次使用的密码相同。"
        ]
    # The factory's password was the sixth before the last: it may come back.
    validate_password(PASSWORD, clerk)
    assert PasswordHistory.objects.filter(user=clerk).count() == 5


def test_a_password_set_before_history_was_kept_still_counts(clerk):
    PasswordHistory.objects.filter(user=clerk).delete()
    assert refusals(PASSWORD, clerk)


def test_the_change_page_shows_every_refusal_beside_the_field(client, clerk):
    sign_in(client, "clerk")
    page = change_password(client, PASSWORD, "letters").content.decode()
    assert "密码太短：至少需要 10 个字符。" in page
    assert "密码须至少包含大写字母、小写字母、数字、符号四类字符中的 3 类。" in page


def test_the_change_page_lists_the_rules(client, clerk):
    sign_in(client, "clerk")
    page = client.get(reverse("password_change")).content.decode()
    assert "不能与最近 5 次使用的密码相同" in page
    assert "四类字符中的 3 类" in page


def test_a_good_new_password_is_taken_and_remembered(client, clerk):
    sign_in(client, "clerk")
    response = change_password(client, PASSWORD, "Harbour-bells9")
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password("Harbour-bells9")
    assert PasswordHistory.objects.filter(user=clerk).count() == 2
