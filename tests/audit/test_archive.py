"""The archive: rows past AUDIT_RETENTION_DAYS go to a gzip JSON-lines file with their
hashes, then leave the database; the chain runs on across the file."""

import datetime
import gzip
import json

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

import audit
from audit import chain, tasks
from audit.models import AuditArchive, AuditEvent
from tests.audit.helpers import events, tamper


def days_ago(days):
    return time_machine.travel(timezone.now() - datetime.timedelta(days=days), tick=False)


@pytest.fixture
def history(db, archive_dir):
    """Five rows from 200 days ago, three from 100 days ago."""
    rows = []
    with days_ago(200):
        rows += [audit.record(audit.Event.LOGIN_FAILED, username=f"old{n}") for n in range(5)]
    with days_ago(100):
        rows += [audit.record(audit.Event.LOGIN_FAILED, username=f"new{n}") for n in range(3)]
    return rows


def lines_of(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_old_rows_go_to_a_file_with_their_hashes_and_leave_the_database(history, archive_dir):
    run = chain.archive()
    assert run.rows == 5
    lines = lines_of(archive_dir / run.file_name)
    assert [line["username"] for line in lines] == [f"old{n}" for n in range(5)]
    assert [line["hash"] for line in lines] == [row.hash for row in history[:5]]
    assert lines[0]["prev_hash"] == "0" * 64
    assert set(lines[0]) >= {"id", "time", "user_id", "event", "outcome", "detail", "prev_hash"}
    kept = list(AuditEvent.objects.filter(event="login_failed").values_list("username", flat=True))
    assert sorted(kept) == ["new0", "new1", "new2"]
    assert (run.first_event_id, run.last_event_id) == (history[0].pk, history[4].pk)
    assert run.last_hash == history[4].hash


def test_the_kept_rows_verify_from_the_last_archived_hash(history):
    chain.archive()
    result = chain.verify()
    assert result.intact
    assert result.anchor == history[4].hash
    assert chain.verify_archives().intact


def test_the_archive_run_is_itself_recorded(history):
    run = chain.archive()
    (archived,) = events(audit.Event.LOG_ARCHIVED)
    assert archived.object_id == str(run.pk)
    assert archived.detail["rows"] == 5


def test_a_second_run_finds_nothing_more_to_archive(history, archive_dir):
    chain.archive()
    assert chain.archive() is None
    assert len(list(archive_dir.iterdir())) == 1


def test_appending_after_everything_was_archived_continues_the_chain(db, archive_dir):
    with days_ago(400):
        last = audit.record(audit.Event.LOGIN)
    chain.archive()
    # The archive's own record is the only row: it follows the archived one.
    (row,) = AuditEvent.objects.all()
    assert row.prev_hash == last.hash
    assert chain.verify().intact


def test_retention_is_the_settings_days_and_never_below_180(history, settings):
    settings.AUDIT_RETENTION_DAYS = 365
    assert chain.archive() is None
    settings.AUDIT_RETENTION_DAYS = 30
    assert chain.archive().rows == 5  # the 100-day-old rows stay: the floor is 180


def test_a_run_moves_at_most_max_rows_and_the_next_run_the_rest(history):
    first = chain.archive(max_rows=2, chunk_size=1)
    second = chain.archive(max_rows=10)
    assert (first.rows, second.rows) == (2, 3)
    assert second.first_prev_hash == first.last_hash
    assert chain.verify().intact
    assert chain.verify_archives().intact


def test_a_changed_archive_file_is_found(history, archive_dir):
    run = chain.archive()
    path = archive_dir / run.file_name
    lines = lines_of(path)
    lines[2]["username"] = "innocent"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    result = chain.verify_archives()
    assert {(b.event_id, b.kind) for b in result.breaks} == {
        (run.first_event_id, "archive"),  # the file's SHA-256
        (history[2].pk, "altered"),
    }


def test_old_rows_deleted_without_an_archive_break_the_chain(history):
    tamper("DELETE FROM audit_auditevent WHERE id <= %s", [history[4].pk])
    result = chain.verify()
    assert [(b.event_id, b.kind) for b in result.breaks] == [(history[5].pk, "link")]


def test_a_broken_chain_is_not_archived_but_alerted(history, archive_dir, auditor):
    tamper("UPDATE audit_auditevent SET username = 'x' WHERE id = %s", [history[1].pk])
    assert tasks.archive() == {"rows": 0}
    assert AuditEvent.objects.filter(pk=history[1].pk).exists()
    assert not AuditArchive.objects.exists()
    assert list(archive_dir.iterdir()) == []
    assert len(events(audit.Event.CHAIN_BROKEN)) == 1


def test_the_command_and_the_task_archive(history, archive_dir, capsys):
    call_command("archive_audit", "--max-rows", "3")
    assert "archived 3 rows" in capsys.readouterr().out
    assert tasks.archive()["rows"] == 2
    call_command("verify_audit_chain", "--archives")
    out = capsys.readouterr().out
    assert out.count("哈希链完整") == 2  # the files, then the database
