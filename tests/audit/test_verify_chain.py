"""The nightly verification: an intact chain passes; a row changed or removed behind the
trigger's back is found, logged, mailed and notified."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

import audit
from audit import chain, tasks
from audit.models import AuditEvent
from notifications.models import Notification
from tests.audit.helpers import events, tamper


@pytest.fixture
def logged(db):
    return [audit.record(audit.Event.LOGIN_FAILED, username=f"user{n}") for n in range(7)]


def test_an_intact_chain_verifies(logged):
    result = chain.verify()
    assert result.intact
    assert result.rows == AuditEvent.objects.count()
    assert result.last_hash == logged[-1].hash


def test_a_row_changed_behind_the_triggers_back_is_found(logged):
    tamper("UPDATE audit_auditevent SET username = 'innocent' WHERE id = %s", [logged[3].pk])
    result = chain.verify()
    assert not result.intact
    assert [(b.event_id, b.kind) for b in result.breaks] == [(logged[3].pk, "altered")]


def test_a_row_removed_breaks_the_link_of_the_next(logged):
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [logged[2].pk])
    result = chain.verify()
    assert [(b.event_id, b.kind) for b in result.breaks] == [(logged[3].pk, "link")]


def test_a_row_rehashed_by_the_tamperer_still_breaks_the_next_link(logged):
    row = AuditEvent.objects.get(pk=logged[4].pk)
    row.username = "innocent"
    tamper(
        "UPDATE audit_auditevent SET username = %s, hash = %s WHERE id = %s",
        [row.username, row.computed_hash(), row.pk],
    )
    result = chain.verify()
    assert [(b.event_id, b.kind) for b in result.breaks] == [(logged[5].pk, "link")]


def test_the_walk_reads_in_chunks(logged, django_assert_num_queries):
    rows = AuditEvent.objects.count()
    assert rows % 3
    chunks = -(-rows // 3)
    lock = 1 if connection.vendor == "postgresql" else 0
    # savepoint pair, the lock, the archive records, the anchor, the end, then the chunks
    with django_assert_num_queries(2 + lock + 3 + chunks):
        assert chain.verify(chunk_size=3).rows == rows


def test_a_break_is_logged_mailed_notified_and_recorded(
    logged, auditor, security_admin, officer, settings, caplog
):
    settings.ADMINS = [("安全管理员", "security@example.org")]
    tamper("UPDATE audit_auditevent SET username = 'innocent' WHERE id = %s", [logged[1].pk])
    with pytest.raises(CommandError):
        call_command("verify_audit_chain")
    assert "audit chain broken" in caplog.text
    assert len(mail.outbox) == 1
    assert str(logged[1].pk) in mail.outbox[0].subject
    told = set(
        Notification.objects.filter(rule=chain.ALERT_RULE).values_list("recipient", flat=True)
    )
    assert told == {auditor.pk, security_admin.pk}
    (recorded,) = events(audit.Event.CHAIN_BROKEN)
    assert recorded.outcome == audit.Outcome.FAILURE
    assert recorded.detail["first"][0]["event_id"] == logged[1].pk


def test_the_nightly_task_alerts_once_a_day_per_person(logged, auditor):
    tamper("UPDATE audit_auditevent SET username = 'innocent' WHERE id = %s", [logged[1].pk])
    rows = AuditEvent.objects.count()
    assert tasks.verify_chain() == {"rows": rows, "breaks": 1}
    tasks.verify_chain()
    assert Notification.objects.filter(rule=chain.ALERT_RULE, recipient=auditor).count() == 1


def test_an_intact_chain_alerts_nobody(logged, auditor, capsys):
    call_command("verify_audit_chain")
    assert "哈希链完整" in capsys.readouterr().out  # "the chain is intact", in Chinese
    assert not Notification.objects.exists()
    assert events(audit.Event.CHAIN_BROKEN) == []
