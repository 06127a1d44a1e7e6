"""A cache that cannot be reached is a miss, not a 500 (config/cache.py).

Against a real Redis on a port of its own, started and stopped by the test: Django's
RedisCache raises when it is gone, and pages must go on counting without it.
"""

import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from config import cache as forgiving
from config.cache import ForgivingRedisCache

REDIS_SERVER = shutil.which("redis-server")

pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A throwaway redis-server on loopback that keeps nothing on disk: stopped and started
    again, it comes back empty, as a Redis without its append-only file would."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - the machine's redis-server
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.port, socket_timeout=1).ping():
                    return self
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _nothing_taken_as_down():
    forgiving._down_until.clear()
    yield
    forgiving._down_until.clear()


def forgiving_cache(url, **options):
    return ForgivingRedisCache(url, {"OPTIONS": {"socket_connect_timeout": 1, **options}})


def test_reads_are_misses_and_writes_are_skipped_while_redis_is_down(redis_server):
    cache_ = forgiving_cache(redis_server.url, skip_seconds=0)
    cache_.set("figure", 41)
    assert cache_.incr("figure") == 42

    redis_server.stop()
    assert cache_.get("figure", "counted again") == "counted again"
    assert cache_.get_many(["figure", "other"]) == {}
    assert cache_.get_or_set("figure", 7) == 7
    assert cache_.add("new", 1) is False
    assert cache_.has_key("figure") is False
    assert cache_.touch("figure") is False
    assert cache_.delete("figure") is False
    cache_.set("figure", 1)
    cache_.set_many({"a": 1, "b": 2})
    cache_.delete_many(["a", "b"])
    assert cache_.clear() is False
    # As for a key that is not there, which config.counts answers by starting a new one.
    with pytest.raises(ValueError):
        cache_.incr("figure")

    redis_server.start()  # empty: it kept nothing on disk
    assert cache_.get("figure") is None
    cache_.set("figure", 1)
    assert cache_.get("figure") == 1


def test_django_redis_cache_alone_raises_when_redis_is_down(redis_server):
    # What the wrapper is for: without it, the first cache read of a page is a 500.
    from django.core.cache.backends.redis import RedisCache

    plain = RedisCache(redis_server.url, {"OPTIONS": {"socket_connect_timeout": 1}})
    redis_server.stop()
    with pytest.raises(redis.ConnectionError):
        plain.get("figure")


def test_after_a_failure_redis_is_left_alone_for_a_while(redis_server):
    cache_ = forgiving_cache(redis_server.url, skip_seconds=0.5)
    redis_server.stop()
    assert cache_.get("figure") is None
    redis_server.start()
    redis.Redis(port=redis_server.port).set(cache_.make_key("figure"), b"1")
    # Within the pause nothing is asked of Redis, so a page does not wait for a connection
    # attempt at every call.
    assert cache_.get("figure", "skipped") == "skipped"
    time.sleep(0.6)
    assert cache_.get("figure", "skipped") == 1


def test_an_outage_is_logged_once_and_so_is_the_return(redis_server, caplog):
    cache_ = forgiving_cache(redis_server.url, skip_seconds=0)
    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        for _ in range(5):
            cache_.get("figure")
        redis_server.start()
        cache_.get("figure")
        cache_.get("figure")
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    assert "cannot be reached" in messages[0] and "answers again" in messages[1]


def test_the_password_of_the_redis_url_stays_out_of_the_log():
    url = "redis://:s3cret@10.0.0.5:6380/2"
    assert forgiving._without_password(url) == "redis://10.0.0.5:6380/2"


@pytest.fixture
def cache_down(redis_server, settings):
    """The project's cache on the throwaway Redis, which is then stopped."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ForgivingRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    cache.set("warm", 1)
    assert cache.get("warm") == 1  # the setting took: the cache is that Redis
    redis_server.stop()
    return redis_server


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "home",
        "dashboards:county",
        "inspections:index",
        "inspections:ledger",
        "institutions:list",
        "relief:index",
    ],
)
def test_pages_answer_while_the_cache_is_down(cache_down, officer, url):
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    response = client.get(reverse(url))
    assert response.status_code == 200
