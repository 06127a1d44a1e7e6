"""The scale-out settings: heavy reads to a replica when one is set, tasks queued by urgency."""

import pytest
from django.conf import settings
from django.db import connection, connections, router

from config.celery import app
from config.routers import reading_from_replica, reads_from_replica
from institutions.models import Institution


@pytest.fixture
def replica(monkeypatch):
    """A replica alias as Django's test runner makes a TEST MIRROR: the same database,
    so what the test writes on the primary is what the replica reads."""
    monkeypatch.setitem(
        settings.DATABASES,
        "replica",
        {**settings.DATABASES["default"], "TEST": {"MIRROR": "default"}},
    )
    connections["replica"] = connections["default"]
    yield "replica"
    del connections["replica"]


def test_reads_stay_on_the_primary_without_a_replica():
    with reading_from_replica():
        assert Institution.objects.all().db == "default"


@pytest.mark.django_db
def test_heavy_reads_go_to_the_replica_and_everything_else_to_the_primary(replica):
    institution = Institution.objects.first()
    assert Institution.objects.all().db == "default"
    with reading_from_replica():
        assert Institution.objects.all().db == "replica"
        assert router.db_for_write(Institution) == "default"
        assert list(Institution.objects.filter(pk=getattr(institution, "pk", 0))) == (
            [institution] if institution else []
        )
    assert Institution.objects.all().db == "default"
    assert not router.allow_migrate("replica", "institutions")


@pytest.mark.django_db
def test_a_view_marked_as_heavy_reads_from_the_replica(replica):
    seen = []

    @reads_from_replica
    def dashboard(request):
        seen.append(Institution.objects.all().db)
        return "ok"

    assert dashboard(None) == "ok"
    assert seen == ["replica"]
    assert Institution.objects.all().db == "default"


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("notifications.scan_urgent", "urgent"),
        ("notifications.deliver", "urgent"),
        ("duty_roster.mark_missed_check_ins", "urgent"),
        ("notifications.scan_routine", "default"),
        ("config.heartbeat", "default"),
        ("inspections.fan_out_campaigns", "bulk"),
        ("dashboards.warm", "bulk"),
        ("relief.export_roster", "bulk"),
    ],
)
def test_tasks_are_queued_by_urgency(task, queue):
    route = app.amqp.router.route({}, task)
    assert route["queue"].name == queue


def test_a_worker_without_queues_named_consumes_all_three():
    assert {q.name for q in app.conf.task_queues} == {"urgent", "default", "bulk"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
def test_the_application_connects_with_jit_off(db):
    # JIT compiled the dashboard's counts for longer than they ran (config/settings.py).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
