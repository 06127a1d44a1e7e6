"""Large exports: a Celery job with a progress page, a file for its requester only, a day."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from exports import services, tasks
from exports.models import ExportJob, JobStatus
from tests.exports.conftest import data_rows, workbook_of

URL = "inspections:ledger_xlsx"


@pytest.fixture
def large(settings):
    settings.EXPORT_ASYNC_ROWS = 5


@pytest.fixture
def queued(client_for, officer, hazards, large, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(officer).get(reverse(URL), {"category": "fire"})
    job = ExportJob.objects.get()
    assert len(callbacks) == 1  # the task is sent once the job is committed
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    return job


def test_a_large_export_is_a_job_with_a_polling_progress_bar(client_for, officer, queued):
    assert queued.is_async and queued.status == JobStatus.QUEUED and queued.row_count == 8
    page = client_for(officer).get(queued.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s"' in page and "progress-bar" in page
    assert not re.findall(r"<script(?![^>]*\bsrc=)", page)  # no inline script


def test_the_task_writes_the_file_and_the_page_offers_it(client_for, officer, queued):
    tasks.export_run(queued.pk)
    queued.refresh_from_db()
    assert queued.status == JobStatus.DONE and queued.rows_written == 8 and queued.file
    client = client_for(officer)
    fragment = client.get(queued.get_absolute_url(), headers={"HX-Request": "true"})
    assert "every 2s" not in fragment.content.decode()  # polling stops
    assert reverse("exports:download", args=[queued.pk]) in fragment.content.decode()
    download = client.get(reverse("exports:download", args=[queued.pk]))
    rows = data_rows(workbook_of(download).active)
    assert [row[0] for row in rows] == list(range(1, 9))


def test_only_the_requester_may_see_or_download_it(client_for, queued, admin_user):
    tasks.export_run(queued.pk)
    client = client_for(admin_user)
    assert client.get(queued.get_absolute_url()).status_code == 404
    assert client.get(reverse("exports:download", args=[queued.pk])).status_code == 404
    assert queued.title not in client.get(reverse("exports:index")).content.decode()


def test_running_the_task_twice_writes_one_file(queued):
    tasks.export_run(queued.pk)
    name = ExportJob.objects.get().file.name
    tasks.export_run(queued.pk)
    assert ExportJob.objects.get().file.name == name


def test_an_expired_file_is_not_served_and_is_removed_by_the_sweep(client_for, officer, queued):
    tasks.export_run(queued.pk)
    job = ExportJob.objects.get()
    storage, name = job.file.storage, job.file.name
    ExportJob.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert client_for(officer).get(reverse("exports:download", args=[job.pk])).status_code == 404
    assert tasks.purge_expired() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.EXPIRED and not job.file
    assert not storage.exists(name)
    assert services.purge_expired() == 0


def test_a_file_within_its_day_is_kept_by_the_sweep(queued):
    tasks.export_run(queued.pk)
    assert services.purge_expired() == 0
    assert ExportJob.objects.get().is_downloadable()


def test_my_exports_lists_direct_and_background_exports(client_for, officer, hazards, settings):
    client = client_for(officer)
    workbook_of(client.get(reverse(URL)))
    page = client.get(reverse("exports:index")).content.decode()
    assert "隐患台账" in page


def test_a_failed_export_reads_as_failed_not_as_a_failed_inspection_item():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(JobStatus.FAILED.label) == "失败"
