"""The test suite's settings: the project's own, as a local run (plain HTTP and the
development key allowed; config/settings.py says what production requires instead).
Processes a test starts inherit DJANGO_SETTINGS_MODULE, and with it the same."""

import os
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("LOCAL_RUN", "true")


def _redis_db_of_worker(url, worker):
    """`make test` runs in parallel (pytest-xdist): every test starts and ends by clearing
    the cache, so each worker gets its own Redis database, gw0 the URL's, gwN the Nth after
    it. (The PostgreSQL test database gets the worker's suffix from pytest-django.)"""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + int(worker.removeprefix('gw'))}"))


if os.environ.get("REDIS_URL") and os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["REDIS_URL"] = _redis_db_of_worker(
        os.environ["REDIS_URL"], os.environ["PYTEST_XDIST_WORKER"]
    )

from config.settings import *  # noqa: E402, F403
