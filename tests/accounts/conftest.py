import pytest

from institutions.models import Role
from tests.factories import UserFactory

PASSWORD = "test-pass-123"


@pytest.fixture
def sysadmin(db):
    return UserFactory(username="sysadmin", role=Role.SYSTEM_ADMIN)


@pytest.fixture
def secadmin(db):
    return UserFactory(username="secadmin", role=Role.SECURITY_ADMIN)


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", role=Role.AUDIT_ADMIN)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", role=Role.ADMIN, is_superuser=True)


def sign_in(client, username, password=PASSWORD, **extra):
    """Through the login page, as a person would (the sign-in signals and the middleware
    run as they do in production)."""
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)
