"""Nobody changes or deletes the log: not the admin, not a page, not SQL (PostgreSQL's
trigger), except the archive's DELETE of rows past the legal 180 days."""

import datetime

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

import audit
from audit.models import AuditEvent
from tests.audit.helpers import requires_postgresql


def execute(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@requires_postgresql
def test_the_database_refuses_an_update(db):
    row = audit.record(audit.Event.LOGIN_FAILED, username="clerk")
    with pytest.raises(DatabaseError, match="append-only"):
        execute("UPDATE audit_auditevent SET username = 'someone' WHERE id = %s", [row.pk])
    assert AuditEvent.objects.get(pk=row.pk).username == "clerk"


@requires_postgresql
def test_the_database_refuses_a_delete(db):
    row = audit.record(audit.Event.LOGIN_FAILED, username="clerk")
    with pytest.raises(DatabaseError, match="append-only"):
        execute("DELETE FROM audit_auditevent WHERE id = %s", [row.pk])
    assert AuditEvent.objects.filter(pk=row.pk).exists()


@requires_postgresql
def test_archiving_on_deletes_old_rows_only(db):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=200)):
        old = audit.record(audit.Event.LOGIN)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=170)):
        young = audit.record(audit.Event.LOGIN)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL audit.archiving = 'on'")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [old.pk])
        assert cursor.rowcount == 1
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [young.pk])
        # Not even the archive may change a row.
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("UPDATE audit_auditevent SET username = 'x' WHERE id = %s", [young.pk])
        cursor.execute("SET LOCAL audit.archiving = 'off'")
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [young.pk]


@requires_postgresql
def test_archive_records_can_never_be_changed(db, archive_dir):
    from audit import chain

    with time_machine.travel(timezone.now() - datetime.timedelta(days=200)):
        audit.record(audit.Event.LOGIN)
    run = chain.archive()
    with pytest.raises(DatabaseError, match="append-only"):
        execute("UPDATE audit_auditarchive SET last_hash = 'x' WHERE id = %s", [run.pk])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL audit.archiving = 'on'")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("DELETE FROM audit_auditarchive")
        cursor.execute("SET LOCAL audit.archiving = 'off'")


def test_the_admin_shows_the_log_but_offers_no_way_to_change_it(client_for, admin_user):
    row = audit.record(audit.Event.LOGIN_FAILED, username="clerk")
    client = client_for(admin_user)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    page = client.get(reverse("admin:audit_auditevent_change", args=[row.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_delete", args=[row.pk])).status_code == 403
    response = client.post(
        reverse("admin:audit_auditevent_change", args=[row.pk]), {"username": "someone"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=row.pk).username == "clerk"


def test_no_permission_but_view_exists_to_be_granted(db):
    from django.contrib.auth.models import Permission

    codenames = set(
        Permission.objects.filter(content_type__app_label="audit").values_list(
            "codename", flat=True
        )
    )
    assert codenames == {"view_auditevent", "view_auditarchive"}


def test_reading_the_log_in_the_admin_is_recorded(client_for, admin_user):
    row = audit.record(audit.Event.LOGIN_FAILED, username="clerk")
    client = client_for(admin_user)
    client.get(reverse("admin:audit_auditevent_changelist"), {"event__exact": "login_failed"})
    client.get(reverse("admin:audit_auditevent_change", args=[row.pk]))
    viewed = AuditEvent.objects.filter(event=audit.Event.LOG_VIEWED).order_by("id")
    assert [(e.user, e.detail.get("event_id")) for e in viewed] == [
        (admin_user, None),
        (admin_user, str(row.pk)),
    ]
