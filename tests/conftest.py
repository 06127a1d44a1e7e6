"""Fixtures for the demo roles: two townships, an institution in each, a user per role."""

import pytest
from django.core.cache import cache

from tests.factories import (
    AdminFactory,
    InstitutionFactory,
    InstitutionStaffFactory,
    TownshipFactory,
    TownshipStaffFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs collectstatic; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Tests create many accounts; production keeps Django's slow, strong hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # Dashboard figures are cached for a minute (config/counts.py); in CI the cache is
    # Redis, shared by every test: each starts and ends with nothing cached.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def township1(db):
    return TownshipFactory(name="羊册镇", code="411726102")


@pytest.fixture
def township2(db):
    return TownshipFactory(name="马谷田镇", code="411726103")


@pytest.fixture
def institution1(township1):
    return InstitutionFactory(name="羊册镇敬老院", township=township1)


@pytest.fixture
def institution2(township2):
    return InstitutionFactory(name="马谷田镇敬老院", township=township2)


@pytest.fixture
def admin_user(db):
    return AdminFactory(username="admin")


@pytest.fixture
def officer(db):
    return UserFactory(username="officer")


@pytest.fixture
def town1(township1):
    return TownshipStaffFactory(username="town1", township=township1)


@pytest.fixture
def town2(township2):
    return TownshipStaffFactory(username="town2", township=township2)


@pytest.fixture
def inst1(institution1):
    return InstitutionStaffFactory(username="inst1", institution=institution1)


@pytest.fixture
def client_for(client):
    """client_for(user) logs the test client in as that user, all the way: a user whose
    role needs a second factor (accounts.two_factor) has typed it in this session too."""

    def login(user):
        client.force_login(user)
        verify_second_factor(client, user)
        return client

    return login


def verify_second_factor(client, user):
    """Mark the client's session as having passed the user's TOTP step, as
    django_otp.login does after a right code (tests/accounts/test_two_factor.py goes
    through the page itself)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.two_factor import required_for

    if not required_for(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
