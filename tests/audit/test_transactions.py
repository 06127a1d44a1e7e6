"""An event belongs to the transaction it is recorded in; concurrent writers never fork
the chain."""

import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

import audit
from audit import chain
from audit.models import AuditEvent
from tests.audit.helpers import events
from tests.factories import TownshipStaffFactory


class Refused(Exception):
    pass


def test_an_event_recorded_in_work_that_rolls_back_goes_with_it(officer):
    kept = audit.record(audit.Event.LOG_VIEWED)
    with pytest.raises(Refused), transaction.atomic():
        audit.record(audit.Event.EXPORT, user=officer, rows=3)
        raise Refused
    after = audit.record(audit.Event.LOG_VIEWED)
    assert events(audit.Event.EXPORT) == []
    assert after.prev_hash == kept.hash
    assert chain.verify().intact


def test_a_failed_write_leaves_the_callers_transaction_usable(officer, monkeypatch):
    def refuse(*args, **kwargs):
        raise IntegrityError("refused")

    with transaction.atomic():
        monkeypatch.setattr(AuditEvent, "save", refuse)
        with pytest.raises(IntegrityError):
            audit.record(audit.Event.LOG_VIEWED)
        monkeypatch.undo()
        # The savepoint was rolled back alone: the caller's work goes on.
        officer.full_name = "仍可保存"
        officer.save()
    officer.refresh_from_db()
    assert officer.full_name == "仍可保存"


def test_a_failed_sign_in_is_kept_though_the_request_is_atomic(client, settings, db):
    assert settings.DATABASES["default"]["ATOMIC_REQUESTS"]
    TownshipStaffFactory(username="clerk")
    client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    (failed,) = events(audit.Event.LOGIN_FAILED)
    assert failed.username == "clerk"


WRITERS = 6
EACH = 8


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite refuses concurrent writers outright"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_chain_one_after_another():
    start = threading.Barrier(WRITERS)
    errors = []

    def write(n):
        try:
            start.wait()
            for i in range(EACH):
                with transaction.atomic():
                    audit.record(audit.Event.LOG_VIEWED, writer=n, i=i)
                    # Hold the transaction open: a writer that read the same head now would fork.
                    time.sleep(0.002)
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = list(AuditEvent.objects.order_by("id").values_list("prev_hash", "hash"))
    assert len(rows) == WRITERS * EACH
    # No two rows follow the same row: a single line, no fork.
    assert len({prev for prev, _hash in rows}) == len(rows)
    assert chain.verify().intact
