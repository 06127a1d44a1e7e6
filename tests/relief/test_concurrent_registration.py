"""Two clerks register the same new number at the same moment: one person, one form error,
no 500 and no log line carrying the number. Needs two connections, so PostgreSQL."""

import logging
import threading
import time

import pytest
from django.db import connection, connections, transaction

from relief import services
from relief.models import Person
from tests.factories import TownshipFactory, TownshipStaffFactory

NUMBER = "11010519491231002X"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs a server database for two connections"
    ),
]


def register(clerk, outcomes):
    try:
        services.register_person(
            user=clerk, township=clerk.township, village="王庄村", name="王秀英", id_number=NUMBER
        )
        outcomes.append("registered")
    except services.IdNumberTaken:
        outcomes.append("refused")
    except Exception as error:
        outcomes.append(repr(error))
    finally:
        connections.close_all()


def run(*targets):
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)


def test_two_simultaneous_registrations_of_one_number_make_one_person(caplog):
    township = TownshipFactory(code="411726981")
    clerks = TownshipStaffFactory.create_batch(2, township=township)
    barrier = threading.Barrier(2)
    outcomes = []

    def go(clerk):
        barrier.wait(timeout=10)
        register(clerk, outcomes)

    with caplog.at_level(logging.DEBUG):
        run(lambda: go(clerks[0]), lambda: go(clerks[1]))
    assert sorted(outcomes) == ["refused", "registered"]
    assert Person.objects.count() == 1
    assert NUMBER not in caplog.text


def test_a_race_that_reaches_the_unique_constraint_is_a_form_error(caplog):
    """A writer that takes no lock (here a plain save) holds the number uncommitted while a
    registration inserts it: the registration waits on the unique index, gets the
    IntegrityError when the writer commits, and answers with the form error."""
    township = TownshipFactory(code="411726982")
    clerk = TownshipStaffFactory(township=township)
    inserted, release = threading.Event(), threading.Event()
    outcomes = []

    def other_writer():
        try:
            with transaction.atomic():
                Person(township=township, village="x", name="先登记者", id_number=NUMBER).save()
                inserted.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    def registration():
        inserted.wait(timeout=10)
        register(clerk, outcomes)

    def referee():
        # Let the writer commit only once the registration is blocked on the index.
        inserted.wait(timeout=10)
        deadline = time.monotonic() + 10
        with connections["default"].cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                if cursor.fetchone()[0]:
                    break
                time.sleep(0.02)
        release.set()
        connections.close_all()

    with caplog.at_level(logging.DEBUG):
        run(other_writer, registration, referee)
    assert outcomes == ["refused"]
    assert Person.objects.get().name == "先登记者"
    assert NUMBER not in caplog.text


def test_one_filing_form_sent_twice_at_once_files_once():
    import uuid
    from decimal import Decimal

    from relief.models import Application
    from tests.relief.factories import PersonFactory, TemporaryAssistanceFactory

    township = TownshipFactory(code="411726983")
    clerk = TownshipStaffFactory(township=township)
    person, programme = PersonFactory(township=township), TemporaryAssistanceFactory()
    token, barrier, filed = uuid.uuid4(), threading.Barrier(2), []

    def file():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():  # as a request is
                application = services.file_application(
                    user=clerk,
                    person=person,
                    programme=programme,
                    amount=Decimal(800),
                    reason="火灾",
                    submission_token=token,
                )
                time.sleep(0.2)  # keep the first transaction open while the second inserts
            filed.append(application.pk)
        except Exception as error:
            filed.append(repr(error))
        finally:
            connections.close_all()

    run(file, file)
    assert Application.objects.count() == 1
    assert filed == [Application.objects.get().pk] * 2
