"""Celery when things go wrong: a broker that is down is not a 500, every task has time
limits under the visibility timeout, a lost worker's task is sent again, and the long
tasks can run twice."""

import contextlib
import datetime
import logging
import time

import pytest
from django.conf import settings
from django.urls import reverse
from kombu.exceptions import OperationalError

from config.celery import app, heartbeat
from exports.models import ExportJob, JobStatus
from imports import progress
from imports.tasks import import_check, import_rows
from institutions.models import Institution
from tests.config.test_faults_cache import free_port
from tests.imports.helpers import headers, institution_row, workbook_bytes


@contextlib.contextmanager
def broker_at(url):
    """This process sends its tasks to `url` (Celery keeps its connection pools, so
    they are dropped on the way in and out)."""

    def drop_pools():
        app._pool = None
        app.amqp._producer_pool = None

    # Celery's conf reads Django's settings live under its own changes: put back the
    # change layer as it was (setting the value read on the way in would pin it for good,
    # whatever a test's settings override held then).
    changes = app.conf.changes
    had, before = "broker_url" in changes, changes.get("broker_url")
    app.conf.broker_url = url
    drop_pools()
    try:
        yield
    finally:
        if had:
            changes["broker_url"] = before
        else:
            changes.pop("broker_url", None)
        drop_pools()


@pytest.fixture
def broker_down():
    """A broker address where nothing listens: a real refused connection."""
    with broker_at(f"redis://127.0.0.1:{free_port()}/0"):
        yield


def project_tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


# --- Sending while the broker is down ---------------------------------------------


def test_delay_with_the_broker_down_logs_it_and_returns_none(broker_down, caplog):
    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="config.celery"):
        assert heartbeat.delay() is None
    assert time.monotonic() - started < 3
    assert "broker unreachable, config.heartbeat not sent" in caplog.text


def test_apply_async_still_raises_for_callers_that_must_know(broker_down):
    with pytest.raises(OperationalError):
        heartbeat.apply_async()


@pytest.mark.django_db(transaction=True)
def test_an_export_asked_for_while_the_broker_is_down_is_recorded_not_a_500(
    broker_down, client_for, officer, settings
):
    settings.EXPORT_ASYNC_ROWS = -1  # every export is built by the worker
    client = client_for(officer)
    client.raise_request_exception = False
    response = client.get(reverse("inspections:ledger_xlsx"))
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    assert job.status == JobStatus.QUEUED


# --- Time limits and the visibility timeout ---------------------------------------


def test_every_task_has_a_soft_limit_under_its_hard_limit():
    for name, task in project_tasks().items():
        assert task.time_limit, name
        assert 0 < task.soft_time_limit < task.time_limit, name


@pytest.mark.parametrize("name", settings.CELERY_LONG_TASKS)
def test_the_long_tasks_have_the_long_limit(name):
    task = project_tasks()[name]
    assert task.time_limit == settings.CELERY_LONG_TASK_SECONDS > settings.CELERY_TASK_TIME_LIMIT


def test_no_task_can_run_past_the_visibility_timeout():
    # Redis hands an unacknowledged message to another worker after the visibility
    # timeout: a task still running then would run twice at once.
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    longest = max(task.time_limit for task in project_tasks().values())
    assert longest < visibility <= 20 * 60


def test_every_task_is_acknowledged_late_and_sent_again_when_its_worker_is_lost():
    for name, task in project_tasks().items():
        assert task.acks_late, name
        assert task.reject_on_worker_lost, name
        assert task.retry_on_worker_lost, name
        # Bounded: a task that kills its worker every time is given up after three tries.
        assert task.max_retries == 3, name
        assert task.default_retry_delay < 60, name


def test_the_worker_waits_for_the_broker_however_long_it_is_down():
    assert app.conf.broker_connection_max_retries is None


# --- Safe to run twice --------------------------------------------------------------


@pytest.fixture
def kept_upload(settings, tmp_path, town1):
    settings.IMPORTS_DIR = tmp_path / "imports"
    token = "00000000-0000-0000-0000-00000000fa17"
    progress.imports_dir().mkdir(parents=True)
    rows = [institution_row(n) for n in range(3)]
    progress.kept_path(token).write_bytes(workbook_bytes(headers("institutions"), rows))
    return token


@pytest.mark.django_db
def test_an_import_run_twice_is_imported_once_and_still_says_done(kept_upload, town1):
    import_rows.run("institutions", kept_upload, town1.pk, False)
    import_rows.run("institutions", kept_upload, town1.pk, False)  # the message again
    assert Institution.objects.filter(name__startswith="导入敬老院").count() == 3
    state = progress.get(kept_upload)
    assert state["state"] == "done"
    assert state["created"] == 3


@pytest.mark.django_db
def test_a_check_sent_again_after_the_import_leaves_the_result_alone(kept_upload, town1):
    import_check.run("institutions", kept_upload, town1.pk)
    import_rows.run("institutions", kept_upload, town1.pk, False)
    import_check.run("institutions", kept_upload, town1.pk)
    assert progress.get(kept_upload)["state"] == "done"


@pytest.mark.django_db
def test_supervision_killed_before_its_timeline_rows_leaves_nothing_half_done(
    institution1, monkeypatch
):
    from inspections import tasks
    from inspections.models import Hazard, HazardEvent, Severity
    from tests.inspections.factories import HazardFactory

    hazard = HazardFactory(
        institution=institution1,
        severity=Severity.MAJOR,
        deadline=datetime.date.today() - datetime.timedelta(days=5),
    )

    def killed(*args, **kwargs):
        raise SystemExit("the worker process dies here")

    monkeypatch.setattr(HazardEvent.objects, "bulk_create", killed)
    with pytest.raises(SystemExit):
        tasks.place_under_supervision.run()
    hazard.refresh_from_db()
    assert hazard.supervised_at is None  # so the next run places it, with its timeline

    monkeypatch.undo()
    tasks.place_under_supervision.run()
    assert Hazard.objects.get(pk=hazard.pk).supervised_at is not None
    assert HazardEvent.objects.filter(hazard=hazard, kind="supervised").count() == 1
