"""Background exports and imports asked for while Redis was down: beat's sweep sends their
tasks again when it is back, at most a few times, then says in Chinese that they failed; and
the original message and its copy never both run.

The broker is a real redis-server of the test's own (started, stopped and started again);
the worker's part is the task run in this process, as in tests/exports and
tests/config/test_faults_broker.py."""

import datetime
import json
import logging
import threading
import time

import pytest
import redis
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from exports import services, tasks
from exports.models import ExportJob, JobStatus
from imports import progress
from imports import tasks as import_tasks
from institutions.models import Institution
from tests.config.test_faults_broker import broker_at
from tests.config.test_faults_cache import RedisServer
from tests.imports.helpers import headers, institution_row, workbook_bytes

LEDGER = "inspections.exports.hazard_ledger"


@pytest.fixture
def broker(tmp_path):
    """This process's broker: a redis-server of the test's own."""
    server = RedisServer(tmp_path).start()
    with broker_at(server.url):
        yield server
    server.stop()


def messages(server, queue="bulk"):
    """The tasks waiting in a queue of the broker: [(task name, args)]."""
    raw = redis.Redis(port=server.port).lrange(queue, 0, -1)
    found = []
    for message in raw:
        body = json.loads(message)
        found.append((body["headers"]["task"], body["headers"]["argsrepr"]))
    return found


def minutes_later(minutes):
    return timezone.now() + datetime.timedelta(minutes=minutes)


def queued_job(user, **fields):
    fields.setdefault("is_async", True)
    return ExportJob.objects.create(
        requester=user,
        kind="hazards",
        title="隐患台账",
        source=LEDGER,
        filename="隐患台账.xlsx",
        **fields,
    )


# --- Exports ------------------------------------------------------------------------


def test_an_export_asked_for_while_redis_was_down_is_sent_again_once_it_is_back(
    broker, client_for, officer, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EXPORT_ASYNC_ROWS = -1  # every export is built by the worker
    broker.stop()
    with (
        caplog.at_level(logging.ERROR, logger="config.celery"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client_for(officer).get(reverse("inspections:ledger_xlsx"))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.status == JobStatus.QUEUED
    assert "exports.export_run not sent" in caplog.text

    broker.start()
    assert services.resend_queued(now=minutes_later(4)) == (0, 0)  # not yet
    later = minutes_later(6)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.resend_queued.run() == (0, 0)  # beat's task: the same rule, now
        assert services.resend_queued(now=later) == (1, 0)
    assert messages(broker) == [("exports.export_run", f"({job.pk},)")]
    job.refresh_from_db()
    assert (job.status, job.resent, job.sent_at) == (JobStatus.QUEUED, 1, later)
    # Sent again only after twice the wait.
    assert services.resend_queued(now=later + datetime.timedelta(minutes=9)) == (0, 0)

    tasks.export_run(job.pk)  # the worker takes the message
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.file


def test_the_original_message_and_its_copy_build_the_file_once(officer, hazards):
    job = queued_job(officer, resent=1)
    tasks.export_run(job.pk)
    job.refresh_from_db()
    name, finished = job.file.name, job.finished_at
    tasks.export_run(job.pk)  # the copy, or the original held up
    job.refresh_from_db()
    assert (job.status, job.file.name, job.finished_at) == (JobStatus.DONE, name, finished)


def test_a_copy_arriving_while_the_job_runs_leaves_it_alone(officer, hazards):
    job = queued_job(officer)
    ExportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)  # a run under way
    tasks.export_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and not job.file
    # Celery sending the message again after its worker died does take it over.
    tasks.export_run.apply(args=(job.pk,), retries=1)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.file and job.row_count == len(hazards)


def test_only_background_jobs_still_queued_are_sent_again(officer):
    long_ago = minutes_later(-60)
    queued_job(officer, status=JobStatus.RUNNING, sent_at=long_ago)
    queued_job(officer, status=JobStatus.DONE, sent_at=long_ago)
    queued_job(officer, status=JobStatus.FAILED, sent_at=long_ago)
    queued_job(officer, is_async=False, sent_at=long_ago)  # streamed to the browser
    assert services.resend_queued() == (0, 0)


def test_a_job_that_never_starts_is_given_up_with_the_reason_in_chinese(
    broker, officer, django_capture_on_commit_callbacks, caplog
):
    job = queued_job(officer)
    broker.stop()  # down the whole time: each send is logged, and counts
    now = timezone.now()
    with caplog.at_level(logging.ERROR):
        for wait in (5, 10, 20):
            now += datetime.timedelta(minutes=wait)
            with django_capture_on_commit_callbacks(execute=True):
                assert services.resend_queued(now=now) == (1, 0)
        assert caplog.text.count("exports.export_run not sent") == 3
        assert services.resend_queued(now=now + datetime.timedelta(minutes=39)) == (0, 0)
        assert services.resend_queued(now=now + datetime.timedelta(minutes=40)) == (0, 1)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at
    assert job.error == "后台任务一直未能开始（任务队列无法连接，已重新发送 3 次）。请重新导出。"
    tasks.export_run(job.pk)  # a message that turns up after all
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.file


def test_the_sweep_waits_and_the_tries_follow_the_settings(officer, settings):
    settings.QUEUED_JOB_RESEND_MINUTES = 1
    settings.QUEUED_JOB_MAX_RESENDS = 0
    job = queued_job(officer)
    assert services.resend_queued(now=minutes_later(2)) == (0, 1)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "0 次" in job.error


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_a_job_once(broker, officer):
    job = queued_job(officer)
    later = minutes_later(6)
    locked, release = threading.Event(), threading.Event()

    def other_sweep_holding_the_job():
        try:
            with transaction.atomic():
                ExportJob.objects.select_for_update().get(pk=job.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    other = threading.Thread(target=other_sweep_holding_the_job)
    other.start()
    try:
        assert locked.wait(10)
        assert services.resend_queued(now=later) == (0, 0)  # locked: skipped, not waited for
    finally:
        release.set()
        other.join()
    assert services.resend_queued(now=later) == (1, 0)
    assert services.resend_queued(now=later) == (0, 0)
    assert messages(broker) == [("exports.export_run", f"({job.pk},)")]


# --- Imports --------------------------------------------------------------------------

TOKEN = "00000000-0000-4000-8000-00000000c0de"


@pytest.fixture
def kept_upload(settings, tmp_path, town1):
    settings.IMPORTS_DIR = tmp_path / "imports"
    progress.imports_dir().mkdir(parents=True)
    rows = [institution_row(n) for n in range(3)]
    progress.kept_path(TOKEN).write_bytes(workbook_bytes(headers("institutions"), rows))
    progress.save(TOKEN, state="queued", done=0, total=3)
    return ("institutions", TOKEN, town1.pk, False)


def marks():
    return sorted(path.name.split(".", 1)[1] for path in import_tasks.queue_dir().iterdir())


def imported():
    return Institution.objects.filter(name__startswith="导入敬老院").count()


def test_an_import_confirmed_while_redis_was_down_is_sent_again_and_imported_once(
    broker, kept_upload, caplog
):
    broker.stop()
    with caplog.at_level(logging.ERROR, logger="config.celery"):
        assert import_tasks.import_rows.delay(*kept_upload) is None
    assert "imports.import_rows not sent" in caplog.text
    assert marks() == ["import_rows.queued-0"]

    broker.start()
    assert import_tasks.resend_queued(now=time.time() + 4 * 60) == (0, 0)
    assert import_tasks.resend_queued(now=time.time() + 6 * 60) == (1, 0)
    assert marks() == ["import_rows.queued-1"]
    assert messages(broker) == [("imports.import_rows", repr(kept_upload))]

    import_tasks.import_rows.apply(args=kept_upload)  # the worker takes it
    assert imported() == 3 and marks() == ["import_rows.done"]
    assert progress.get(TOKEN)["state"] == "done"
    # The original, held up: its mark says done, so it runs nothing, even where the
    # progress in Redis has been lost (without the mark it would say "failed").
    progress.save(TOKEN, state="queued", done=0, total=3)
    import_tasks.import_rows.apply(args=kept_upload)
    assert imported() == 3 and progress.get(TOKEN)["state"] == "queued"


def test_a_copy_arriving_while_the_import_runs_leaves_it_alone(kept_upload):
    import_tasks.mark_queued("imports.import_rows", kept_upload)
    assert import_tasks.take("imports.import_rows", TOKEN)  # a run under way
    assert not import_tasks.take("imports.import_rows", TOKEN)
    import_tasks.import_rows.apply(args=kept_upload)
    assert imported() == 0 and marks() == ["import_rows.running"]
    assert import_tasks.resend_queued(now=time.time() + 60 * 60) == (0, 0)  # started: no copy
    import_tasks.import_rows.apply(args=kept_upload, retries=1)  # its worker died: again
    assert imported() == 3 and marks() == ["import_rows.done"]


def test_an_import_that_never_starts_is_given_up_with_the_reason_in_chinese(
    broker, kept_upload, caplog
):
    broker.stop()
    import_tasks.import_rows.delay(*kept_upload)
    now = time.time()
    with caplog.at_level(logging.ERROR):
        for wait in (5, 10, 20):
            now += wait * 60
            assert import_tasks.resend_queued(now=now) == (1, 0)
        assert import_tasks.resend_queued(now=now + 39 * 60) == (0, 0)
        assert import_tasks.resend_queued(now=now + 40 * 60) == (0, 1)
    assert caplog.text.count("imports.import_rows not sent") == 4  # the first send too
    assert marks() == ["import_rows.failed"]
    state = progress.get(TOKEN)
    assert state["state"] == "failed"
    assert (
        state["reason"] == "导入一直未能开始（任务队列无法连接，已重新发送 3 次）。请重新上传文件。"
    )
    import_tasks.import_rows.apply(args=kept_upload)  # a message that turns up after all
    assert imported() == 0


def test_a_check_then_its_import_each_run_once(kept_upload):
    check_args = kept_upload[:3]
    import_tasks.mark_queued("imports.import_check", check_args)
    import_tasks.import_check.apply(args=check_args)
    assert progress.get(TOKEN)["state"] == "checked"
    import_tasks.import_check.apply(args=check_args)  # again: nothing
    import_tasks.mark_queued("imports.import_rows", kept_upload)
    import_tasks.import_rows.apply(args=kept_upload)
    assert imported() == 3
    assert marks() == ["import_check.done", "import_rows.done"]


def test_old_marks_are_removed_with_the_uploads(kept_upload):
    import_tasks.mark_queued("imports.import_rows", kept_upload)
    day_later = time.time() + progress.KEPT_SECONDS + 60
    assert import_tasks.resend_queued(now=day_later) == (0, 0)
    assert marks() == []
