import pytest

from institutions.models import Role
from tests.factories import UserFactory


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", role=Role.AUDIT_ADMIN)


@pytest.fixture
def security_admin(db):
    return UserFactory(username="security", role=Role.SECURITY_ADMIN)


@pytest.fixture
def archive_dir(settings, tmp_path):
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "audit-archive"
    return settings.AUDIT_ARCHIVE_DIR
