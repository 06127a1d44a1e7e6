"""A real Celery worker killed in the middle of a large import: the rows are imported once.

The import is stopped at a known point, in the middle of writing: the test holds a lock on
the institutions table, the worker's INSERT waits for it, and the worker is killed while it
waits (SIGKILL, as the out-of-memory killer would). Then:
- only the child killed: its parent sends the task again (`task_retry_on_worker_lost`,
  10 s later) and the new child imports everything;
- the whole worker killed: the message stays in Redis, unacknowledged, until the visibility
  timeout (set to 8 s here), and a worker started after it takes it up.
Either way the killed run's transaction is rolled back, and every row is there once.

Needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL); `-m e2e`.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import redis
from django.conf import settings
from django.db import connection

from imports import progress
from imports.tasks import import_rows
from institutions.models import Institution
from tests.factories import TownshipStaffFactory
from tests.imports.helpers import credit_code, headers, institution_row, workbook_bytes
from tests.processes import descendants

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROWS = 40


def wait_for(condition, timeout=60, every=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


class Worker:
    """`celery -A config worker` with one pool child, on the queues named (comma-separated)."""

    def __init__(self, env, queue, log_path):
        self.log_path = log_path
        self.log = log_path.open("a")
        self.process = subprocess.Popen(  # noqa: S603 - our own worker
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "config",
                "worker",
                "--concurrency=1",
                "--loglevel=INFO",
                f"--queues={queue}",
                f"--hostname=faults-{uuid.uuid4().hex[:8]}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log_text(self):
        return self.log_path.read_text()

    def wait_until_ready(self):
        assert wait_for(lambda: " ready." in self.log_text(), timeout=90), self.log_text()[-3000:]

    def children(self):
        return descendants(self.process.pid)

    def kill_child(self):
        (child,) = self.children()
        os.kill(child, signal.SIGKILL)
        return child

    def kill(self):
        """The whole worker at once: its main process and its child."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def environment_for_worker(media_root, **extra):
    """This process's environment, with the test database and `media_root`."""
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL), as in CI")
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "MEDIA_ROOT": str(media_root),
        **extra,
    }


@pytest.fixture
def worker_env(tmp_path):
    return environment_for_worker(tmp_path / "media")


@pytest.fixture
def start_worker(worker_env, tmp_path):
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    workers = []

    def start(**env):
        worker = Worker({**worker_env, **env}, queue, tmp_path / "worker.log")
        workers.append(worker)
        worker.wait_until_ready()
        return worker

    start.queue = queue
    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def upload(settings, tmp_path, township1):
    """A clerk's kept upload of ROWS institutions, as the confirm page leaves it."""
    settings.MEDIA_ROOT = tmp_path / "media"  # the worker's too (worker_env)
    clerk = TownshipStaffFactory(township=township1)
    token = str(uuid.uuid4())
    progress.imports_dir().mkdir(parents=True)
    rows = [institution_row(n) for n in range(ROWS)]
    progress.kept_path(token).write_bytes(workbook_bytes(headers("institutions"), rows))
    progress.save(token, state="queued", done=0, total=ROWS)
    return token, clerk


class TableLock:
    """SHARE on the institutions table from a connection of the test's own: reads go on,
    an INSERT waits until release()."""

    def __init__(self):
        db = connection.settings_dict
        self.conn = psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname=db["NAME"],
        )
        self.conn.execute(f"LOCK TABLE {Institution._meta.db_table} IN SHARE MODE")

    def release(self):
        if not self.conn.closed:
            self.conn.rollback()
            self.conn.close()


@pytest.fixture
def table_lock():
    lock = TableLock()
    yield lock
    lock.release()


def an_insert_is_waiting_for_the_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'
              AND query LIKE %s
            """,
            [f'INSERT INTO "{Institution._meta.db_table}"%'],
        )
        return cursor.fetchone()[0] == 1


def imported():
    codes = [credit_code(n) for n in range(ROWS)]
    return (
        Institution.objects.filter(credit_code__in=codes).count(),
        Institution.history.filter(credit_code__in=codes).count(),
    )


def state_of(token):
    return (progress.get(token) or {}).get("state")


def test_a_worker_child_killed_in_the_middle_of_an_import_has_it_done_once(
    start_worker, upload, table_lock
):
    token, clerk = upload
    worker = start_worker()
    import_rows.apply_async(("institutions", token, clerk.pk, False), queue=start_worker.queue)
    assert wait_for(an_insert_is_waiting_for_the_lock), worker.log_text()[-3000:]

    killed = worker.kill_child()
    table_lock.release()

    assert wait_for(lambda: state_of(token) == "done", timeout=90), worker.log_text()[-3000:]
    assert killed not in worker.children()  # a new child did it
    assert imported() == (ROWS, ROWS)  # every institution, and its history, once
    assert progress.get(token)["created"] == ROWS
    log = worker.log_text()
    assert "WorkerLostError" in log
    assert log.count("succeeded in") == 1
    time.sleep(2)  # a second run would have had every chance to land by now
    assert imported() == (ROWS, ROWS)


def test_a_whole_worker_killed_in_the_middle_of_an_import_leaves_it_to_the_next_worker(
    start_worker, upload, table_lock
):
    token, clerk = upload
    visibility = 8
    worker = start_worker(CELERY_VISIBILITY_TIMEOUT=str(visibility))
    import_rows.apply_async(("institutions", token, clerk.pk, False), queue=start_worker.queue)
    assert wait_for(an_insert_is_waiting_for_the_lock), worker.log_text()[-3000:]

    worker.kill()
    killed_at = time.monotonic()
    table_lock.release()
    # Nobody acknowledged the message: Redis keeps it aside until the visibility timeout.
    assert redis.Redis.from_url(settings.REDIS_URL).hlen("unacked") == 1
    time.sleep(max(0, visibility + 1 - (time.monotonic() - killed_at)))
    assert state_of(token) == "checking" and imported() == (0, 0)

    # A worker that starts after the timeout puts the message back and runs it.
    start_worker(CELERY_VISIBILITY_TIMEOUT=str(visibility))
    assert wait_for(lambda: state_of(token) == "done", timeout=90), worker.log_text()[-3000:]
    assert imported() == (ROWS, ROWS)
    assert progress.get(token)["created"] == ROWS
    time.sleep(2)
    assert imported() == (ROWS, ROWS)
    assert redis.Redis.from_url(settings.REDIS_URL).hlen("unacked") == 0
