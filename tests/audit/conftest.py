import pytest
from django.db import connection

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


@pytest.fixture(autouse=True)
def _empty_audit_log(request):
    """Every test here starts from an empty log, as a new deployment's: a test with a real
    transaction elsewhere ends with a flush, whose post_migrate re-makes the role groups,
    and that (rightly) records a permission change that is not ours to count. TRUNCATE is
    not governed by the append-only trigger, and inside the test's transaction it is rolled
    back with it."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("db")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE audit_auditevent, audit_auditarchive")
        else:  # SQLite has no trigger to go round
            cursor.execute("DELETE FROM audit_auditevent")
            cursor.execute("DELETE FROM audit_auditarchive")
