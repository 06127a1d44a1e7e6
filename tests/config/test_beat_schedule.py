"""Beat sends tasks by name: a schedule entry naming a task no worker knows would be sent
every day and dropped by the worker ("Received unregistered task"), silently."""

from django.conf import settings

from config.celery import app


def test_every_scheduled_task_is_registered():
    app.autodiscover_tasks(force=True)
    registered = set(app.tasks)
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled - registered == set()
    assert "relief.release_after_notice" in scheduled
