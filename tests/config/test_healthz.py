"""/healthz answers for monitoring: the real database and the real broker."""

import pytest
from django.urls import reverse

from config import health


@pytest.mark.django_db
def test_healthz_is_ok_when_database_and_broker_answer(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["status"] == "ok"


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_does_not_answer(client, settings):
    # Nothing listens on port 1: a real connection refused, not a mock.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "error"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_healthz_needs_no_login_and_is_not_cached(client):
    response = client.get(reverse("healthz"))
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_worker_heartbeat_age_is_reported_after_the_task_runs(settings, tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    from config.celery import heartbeat

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": tmp_path,
        }
    }
    heartbeat()  # the task body, as the worker runs it
    later = timezone.now() + timedelta(seconds=90)
    assert 89 <= health.worker_heartbeat_age_seconds(now=later) <= 91
