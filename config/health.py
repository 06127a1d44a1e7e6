"""What /healthz checks: the database, the broker, and when the worker last ran."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from kombu import Connection

HEARTBEAT_CACHE_KEY = "health:celery-heartbeat"


def database_is_up():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def broker_is_up(url=None, timeout=2.0):
    from config.celery import app

    url = url or settings.CELERY_BROKER_URL
    transport_options = app.conf.broker_transport_options or {}
    try:
        with Connection(url, connect_timeout=timeout, transport_options=transport_options) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
            return True
    except Exception:
        return False


def record_worker_heartbeat(now=None):
    cache.set(HEARTBEAT_CACHE_KEY, (now or timezone.now()).isoformat(), timeout=None)


def worker_heartbeat_age_seconds(now=None):
    """Seconds since the worker last ran the heartbeat task, or None if never."""
    try:
        value = cache.get(HEARTBEAT_CACHE_KEY)
    except Exception:
        return None
    if not value:
        return None
    last = timezone.datetime.fromisoformat(value)
    return max(0, int(((now or timezone.now()) - last).total_seconds()))
