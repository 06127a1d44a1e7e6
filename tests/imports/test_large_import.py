"""Beyond SYNC_ROWS rows, the check and then the import run as Celery tasks, with a
progress bar that htmx asks for again every second."""

import os
import time

import pytest
from django.urls import reverse

from imports import progress, views
from imports.tasks import import_check, import_rows
from relief.models import Person
from tests.imports.helpers import headers, person_row, upload, workbook_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_sync_limit(settings, tmp_path, monkeypatch):
    settings.IMPORTS_DIR = tmp_path / "imports"
    monkeypatch.setattr(views, "SYNC_ROWS", 2)


def uploaded(client, rows, callbacks):
    data = workbook_bytes(headers("people"), rows)
    with callbacks(execute=False) as queued:
        response = client.post(reverse("imports:upload", args=["people"]), {"file": upload(data)})
    assert response.status_code == 302 and len(queued) == 1
    return response.url.rstrip("/").split("/")[-2]


def fragment(client, url):
    return client.get(url, headers={"HX-Request": "true"}).content.decode()


def test_a_large_file_is_checked_then_imported_by_tasks_with_a_progress_bar(
    client_for, town1, township1, django_capture_on_commit_callbacks
):
    client = client_for(town1)
    rows = [person_row(n) for n in range(3)] + [person_row(9, phone="12")]
    token = uploaded(client, rows, django_capture_on_commit_callbacks)
    url = reverse("imports:progress", args=["people", token])
    page = client.get(url).content.decode()
    assert "<progress" in page and 'hx-trigger="every 1s"' in page
    waiting = fragment(client, url)
    assert "<progress" in waiting and "<script" not in waiting

    import_check.run("people", token, town1.pk)  # what the worker runs
    checked = fragment(client, url)
    assert "3 行新数据可以导入" in checked and "1 行有错误" in checked
    assert "hx-trigger" not in checked and Person.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            reverse("imports:confirm", args=["people", token]), {"mode": "valid"}
        )
    assert response.status_code == 302 and response.url == url and len(queued) == 1
    assert "<progress" in fragment(client, url)
    import_rows.run("people", token, town1.pk, True)
    done = fragment(client, url)
    assert Person.objects.count() == 3
    assert "已新建 3 条记录" in done and "hx-trigger" not in done
    assert reverse("imports:rejects", args=["people", token]) in done


def test_the_task_reports_progress_as_it_checks(town1, township1, monkeypatch):
    token = "00000000-0000-0000-0000-000000000000"
    progress.imports_dir().mkdir(parents=True)
    progress.kept_path(token).write_bytes(
        workbook_bytes(headers("people"), [person_row(n) for n in range(4)])
    )
    seen = []
    monkeypatch.setattr(progress, "REPORT_EVERY", 2)
    original = progress.save
    monkeypatch.setattr(
        progress, "save", lambda token, **state: (seen.append(state), original(token, **state))
    )
    progress.import_kept_file(kind="people", token=token, user_id=town1.pk, valid_only=False)
    assert [state["done"] for state in seen if state["state"] == "checking"] == [0, 2, 4]
    assert progress.get(token)["created"] == 4


def test_another_user_cannot_watch_an_import(
    client, client_for, town1, town2, township1, django_capture_on_commit_callbacks
):
    rows = [person_row(n) for n in range(3)]
    token = uploaded(client_for(town1), rows, django_capture_on_commit_callbacks)
    client.force_login(town2)
    assert client.get(reverse("imports:progress", args=["people", token])).status_code == 404


def test_kept_uploads_are_deleted_after_a_day():
    progress.imports_dir().mkdir(parents=True)
    old, new = progress.kept_path("old"), progress.kept_path("new")
    old.write_bytes(b"x")
    new.write_bytes(b"x")
    day_ago = time.time() - progress.KEPT_SECONDS - 10
    os.utime(old, (day_ago, day_ago))
    progress.prune_kept()
    assert not old.exists() and new.exists()
