"""Two clerks writing the same post at once: the loser gets the form error, never a 500.

Needs two real connections, so PostgreSQL; SQLite serialises writers itself.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from duty_roster import services
from duty_roster.models import Shift
from tests.duty_roster.factories import DutyPostFactory, LeaveApproverFactory, at
from tests.factories import TownshipStaffFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs a server database for two connections"
    ),
]


def run_in_threads(*targets):
    outcomes = []

    def wrapped(target):
        try:
            outcomes.append(target())
        except ValidationError as error:
            outcomes.append(("refused", error))
        except Exception as error:
            outcomes.append(("crashed", error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrapped, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def waiting_for_a_lock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # fresh figures inside a transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0]


def wait_until(condition, timeout=10):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(0.05)


def test_two_clerks_adding_overlapping_shifts_at_once_create_one():
    post = DutyPostFactory()
    clerk_a, clerk_b = UserFactory(), UserFactory()
    leader_a = TownshipStaffFactory(township=post.township)
    leader_b = TownshipStaffFactory(township=post.township)
    barrier = threading.Barrier(2)

    def add(clerk, leader, start_hour):
        def target():
            barrier.wait(timeout=10)
            return services.create_shift(
                post=post,
                starts_at=at(10, start_hour),
                ends_at=at(11, start_hour),
                leader=leader,
                officers=[leader],
                user=clerk,
            )

        return target

    outcomes = run_in_threads(add(clerk_a, leader_a, 8), add(clerk_b, leader_b, 9))
    refused = [outcome for outcome in outcomes if isinstance(outcome, tuple)]
    assert [kind for kind, _error in refused] == ["refused"]
    assert "starts_at" in refused[0][1].error_dict
    assert Shift.objects.count() == 1


def test_shift_refused_by_the_overlap_constraint_is_a_form_error():
    # A writer that does not lock the post (the admin, an import) holds an overlapping row
    # it has not committed: the service's own check cannot see it, the constraint can.
    post = DutyPostFactory()
    clerk = UserFactory()
    first, second = (TownshipStaffFactory(township=post.township) for _ in range(2))
    inserted = threading.Event()

    def unlocked_writer():
        with transaction.atomic():
            Shift.objects.create(post=post, starts_at=at(10, 8), ends_at=at(11, 8), leader=first)
            inserted.set()
            wait_until(lambda: waiting_for_a_lock() > 0)
        return "written"

    def clerk_adds():
        inserted.wait(timeout=10)
        return services.create_shift(
            post=post,
            starts_at=at(10, 20),
            ends_at=at(11, 20),
            leader=second,
            officers=[second],
            user=clerk,
        )

    outcomes = run_in_threads(unlocked_writer, clerk_adds)
    assert "written" in outcomes
    refused = [outcome for outcome in outcomes if isinstance(outcome, tuple)]
    assert [kind for kind, _error in refused] == ["refused"], refused
    assert Shift.objects.count() == 1


def test_adding_a_shift_waits_for_another_roster_writer_at_the_post():
    post = DutyPostFactory()
    clerk = UserFactory()
    leader = TownshipStaffFactory(township=post.township)
    locked, events = threading.Event(), []

    def generating_writer():
        with transaction.atomic():
            services.lock_post(post)
            locked.set()
            wait_until(lambda: waiting_for_a_lock() > 0)
            events.append("writer saw the clerk wait")
        return "done"

    def clerk_adds():
        locked.wait(timeout=10)
        shift = services.create_shift(
            post=post,
            starts_at=at(10, 8),
            ends_at=at(11, 8),
            leader=leader,
            officers=[leader],
            user=clerk,
        )
        events.append("clerk added")
        return shift

    outcomes = run_in_threads(generating_writer, clerk_adds)
    assert "done" in outcomes, outcomes
    assert events == ["writer saw the clerk wait", "clerk added"]


def test_leave_approved_while_the_person_is_rostered_at_once_lets_only_one_through():
    from duty_roster.models import LeaveReport

    post = DutyPostFactory()
    approver = LeaveApproverFactory().user
    clerk = UserFactory()
    person = TownshipStaffFactory(township=post.township)
    leave = services.file_leave(
        person=person,
        destination="郑州",
        starts_at=at(10, 9),
        ends_at=at(10, 18),
        reason="开会",
        contact="13903960001",
        approver=approver,
    )
    barrier = threading.Barrier(2)

    def approve():
        barrier.wait(timeout=10)
        return services.decide_leave(leave=leave, user=approver, approve=True)

    def roster():
        barrier.wait(timeout=10)
        return services.create_shift(
            post=post,
            starts_at=at(10, 8),
            ends_at=at(10, 20),
            leader=person,
            officers=[],
            user=clerk,
        )

    outcomes = run_in_threads(approve, roster)
    assert sorted(type(o).__name__ if not isinstance(o, tuple) else o[0] for o in outcomes) in (
        ["LeaveReport", "refused"],
        ["Shift", "refused"],
    )
    approved = LeaveReport.objects.approved().exists()
    assert approved != Shift.objects.exists()


def test_the_same_incident_form_sent_twice_at_once_files_one_incident():
    import uuid

    from duty_roster.models import Incident
    from tests.factories import InstitutionStaffFactory

    reporter = InstitutionStaffFactory()
    token = uuid.uuid4()
    barrier = threading.Barrier(2)

    def send():
        barrier.wait(timeout=10)
        try:
            return services.report_incident(
                user=reporter,
                township=reporter.institution.township,
                institution=reporter.institution,
                submission_token=token,
                occurred_at=at(1, 8),
                place="1号楼",
                category="fire",
                severity="ordinary",
                deaths=0,
                injuries=0,
                summary="冒烟",
                actions_taken="已扑灭",
                who_was_told="镇值班室",
            )
        except services.AlreadySubmitted as sent:
            return ("already", sent.existing)

    outcomes = run_in_threads(send, send)
    assert Incident.objects.count() == 1
    kinds = sorted(o[0] if isinstance(o, tuple) else type(o).__name__ for o in outcomes)
    assert kinds == ["Incident", "already"], outcomes
