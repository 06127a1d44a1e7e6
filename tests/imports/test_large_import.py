"""Beyond SYNC_ROWS rows, confirming queues a Celery task and shows a progress bar."""

import re

import pytest
from django.urls import reverse

from imports import progress, views
from imports.tasks import import_rows
from relief.models import Person
from tests.imports.helpers import headers, person_row, upload, workbook_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_sync_limit(settings, tmp_path, monkeypatch):
    settings.IMPORTS_DIR = tmp_path / "imports"
    monkeypatch.setattr(views, "SYNC_ROWS", 2)


def uploaded(client, rows):
    data = workbook_bytes(headers("people"), rows)
    response = client.post(reverse("imports:upload", args=["people"]), {"file": upload(data)})
    return re.search(r"/imports/people/([0-9a-f-]{36})/", response.content.decode()).group(1)


def test_a_large_import_runs_as_a_task_with_a_progress_bar(
    client_for, town1, township1, django_capture_on_commit_callbacks
):
    client = client_for(town1)
    token = uploaded(client, [person_row(n) for n in range(3)])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("imports:confirm", args=["people", token]), {"mode": "all"})
    url = reverse("imports:progress", args=["people", token])
    assert response.status_code == 302 and response.url == url
    assert len(callbacks) == 1 and Person.objects.count() == 0
    page = client.get(url).content.decode()
    assert "<progress" in page and 'hx-trigger="every 1s"' in page
    waiting = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<progress" in waiting and "<script" not in waiting

    # What the worker runs (the task's body, called as the worker would).
    import_rows.run("people", token, town1.pk, False)
    assert Person.objects.count() == 3
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "已新建 3 条记录" in fragment and "hx-trigger" not in fragment


def test_the_task_reports_progress_as_it_checks(town1, township1, tmp_path, monkeypatch):
    token = "0" * 8 + "-0000-0000-0000-" + "0" * 12
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


def test_another_user_cannot_watch_an_import(client, client_for, town1, town2, township1):
    token = uploaded(client_for(town1), [person_row(n) for n in range(3)])
    progress.save(token, state="queued", done=0, total=3)
    client.force_login(town2)
    assert client.get(reverse("imports:progress", args=["people", token])).status_code == 404
