"""What /healthz checks: the database, the broker, and when the worker last ran."""

import queue
import threading

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from kombu import Connection

HEARTBEAT_CACHE_KEY = "health:celery-heartbeat"

# /healthz answers within 2 s even when PostgreSQL does not: a monitor gives up about then,
# and a connection attempt alone may take DATABASES' connect_timeout (2 s, libpq's least).
DATABASE_CHECK_SECONDS = 1.5


def database_is_up(timeout=DATABASE_CHECK_SECONDS):
    """Whether a new connection answers SELECT 1 within `timeout` seconds.

    A connection of its own, in a thread of its own, so that the answer comes in time
    whatever the database does (the thread ends by itself at the connect timeout), and so
    that it says whether the database takes new connections now, not whether the web
    process still holds one."""
    answers = queue.SimpleQueue()

    def check():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                answers.put(cursor.fetchone() == (1,))
        except Exception:
            answers.put(False)
        finally:
            connection.close()

    threading.Thread(target=check, name="healthz-database", daemon=True).start()
    try:
        return answers.get(timeout=timeout)
    except queue.Empty:
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
