import pytest
from django.db import connection

from audit.models import AuditEvent

requires_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's"
)


def events(kind=None):
    """The log's rows, oldest first, of one kind or all."""
    rows = AuditEvent.objects.order_by("id")
    return list(rows.filter(event=kind) if kind else rows)


def tamper(sql, params=()):
    """Change the log as the database's superuser could: the append-only trigger off for
    this statement only (PostgreSQL; SQLite has no trigger to switch off)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
