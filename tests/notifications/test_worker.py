"""A real Celery worker against the real Redis: each message is delivered once, even when
the task is sent twice and when the worker is killed in the middle of a delivery.

Needs PostgreSQL (the worker reads the test database) and Redis, as CI has; skipped
otherwise. Slow (it starts worker processes): `make e2e`.
"""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from notifications.models import Delivery, DeliveryState, Rule
from notifications.services import Message, notify
from notifications.tasks import deliver
from tests.notifications.factories import WebhookFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_env():
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL), as in CI")
    db = connection.settings_dict
    env = {**os.environ}
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    return env


class Worker:
    def __init__(self, env, queue, log):
        self.process = subprocess.Popen(  # noqa: S603 - our own worker
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "config",
                "worker",
                "--concurrency=2",
                "--loglevel=INFO",
                f"--queues={queue}",
                f"--hostname={queue}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_worker(worker_env, tmp_path):
    queue = f"e2e-{uuid.uuid4().hex[:8]}"
    workers = []
    log = (tmp_path / "worker.log").open("w")

    def start():
        worker = Worker(worker_env, queue, log)
        workers.append(worker)
        return worker

    start.queue = queue
    start.log_path = tmp_path / "worker.log"
    yield start
    for worker in workers:
        worker.stop()
    log.close()


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _one_robot_message(url):
    rule = Rule.objects.create(code="e2e-urgent", name="紧急", is_urgent=True)
    robot = WebhookFactory(kind="wecom", url=url)
    notify(rule, [Message(key="e2e", webhook_id=robot.pk, title="重大事故隐患")])
    return Delivery.objects.get()


def test_a_delivery_sent_twice_reaches_the_robot_once(robot_server, start_worker):
    server = robot_server()
    delivery = _one_robot_message(server.url)
    start_worker()
    deliver.apply_async(queue=start_worker.queue)
    deliver.apply_async(queue=start_worker.queue)
    assert wait_for(lambda: Delivery.objects.get(pk=delivery.pk).state == DeliveryState.SENT)
    time.sleep(2)  # give a duplicate every chance to arrive
    assert len(server.received) == 1
    assert server.requests == 1


def test_a_worker_killed_mid_delivery_leaves_it_pending_and_the_next_worker_sends_it_once(
    robot_server, start_worker
):
    server = robot_server()
    arrived = threading.Event()
    release = threading.Event()
    original = server.httpd.RequestHandlerClass.do_POST

    def stalled(handler):
        # The first request hangs before it is read: the worker dies waiting for it.
        if not arrived.is_set():
            arrived.set()
            release.wait(30)
            return None
        return original(handler)

    server.httpd.RequestHandlerClass.do_POST = stalled
    delivery = _one_robot_message(server.url)

    first = start_worker()
    deliver.apply_async(queue=start_worker.queue)
    assert arrived.wait(60), start_worker.log_path.read_text()[-3000:]
    first.kill()
    release.set()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING  # the row lock died with the worker

    start_worker()
    deliver.apply_async(queue=start_worker.queue)  # as beat does every minute
    assert wait_for(lambda: Delivery.objects.get(pk=delivery.pk).state == DeliveryState.SENT)
    time.sleep(2)
    assert len(server.received) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1
