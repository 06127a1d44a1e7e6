"""gunicorn while its PostgreSQL goes away and comes back.

gunicorn reaches the test database through a TCP proxy on loopback that the test stops,
starts again, or turns silent (it takes connections and says nothing, as a host behind a
firewall that drops packets would); the machine's PostgreSQL itself is never touched.
While the database cannot be reached, pages answer the 503 page and /healthz says 503
within 2 s; when it is back, the next request is served, with no restart. Needs
PostgreSQL; `-m e2e`.
"""

import asyncio
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.config.test_faults_cache import free_port
from tests.e2e.test_faults_worker import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Only a signed-in page links to the dashboard (a lost session would land on the login page).
SIGNED_IN = 'href="/dashboard/"'


class Proxy:
    """127.0.0.1:port → the database, run by an asyncio loop in a thread of its own."""

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.server = None
        self.silent = False
        self.writers = set()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    def start(self, *, silent=False):
        self.silent = silent
        self._run(self._listen())

    def stop(self):
        """Stop listening and cut every connection, as a database that goes down does."""
        self._run(self._close())

    def close(self):
        self.stop()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)

    async def _listen(self):
        self.server = await asyncio.start_server(
            self._accept, "127.0.0.1", self.port, reuse_address=True
        )

    async def _close(self):
        if self.server is not None:
            self.server.close()
        for writer in self.writers:
            writer.transport.abort()
        self.writers.clear()
        if self.server is not None:
            await self.server.wait_closed()
            self.server = None

    async def _accept(self, reader, writer):
        self.writers.add(writer)
        if self.silent:
            return  # kept open, never a word
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.writers.add(upstream_writer)
        await asyncio.gather(
            self._pipe(reader, upstream_writer),
            self._pipe(upstream_reader, writer),
            return_exceptions=True,
        )

    @staticmethod
    async def _pipe(reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            writer.transport.abort()


@pytest.fixture
def proxy():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL), as in CI")
    db = connection.settings_dict
    proxy = Proxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    proxy.start()
    yield proxy
    proxy.close()


@pytest.fixture
def gunicorn(proxy, tmp_path):
    """gunicorn (one sync worker, as in production but smaller) on the database through the
    proxy; its log is in tmp_path."""
    db = connection.settings_dict
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@127.0.0.1:{proxy.port}/{db['NAME']}",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - our own app server
        [
            str(Path(settings.BASE_DIR) / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "30",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    up = wait_for(lambda: get(base + "/healthz")[0] == 200, timeout=60, every=0.5)
    assert up, (tmp_path / "gunicorn.log").read_text()[-3000:]
    yield base
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    log.close()


def get(url, cookie=""):
    """(status, body, seconds taken) of a GET; (0, error, seconds) when nothing answers."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, response.read().decode(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), time.monotonic() - started
    except OSError as error:
        return 0, str(error), time.monotonic() - started


@pytest.fixture
def officer_cookie(officer):
    client = Client()
    client.force_login(officer)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_pages_say_503_while_the_database_is_gone_and_are_served_again_when_it_returns(
    gunicorn, proxy, officer_cookie
):
    status, page, _seconds = get(gunicorn + "/", officer_cookie)
    assert status == 200 and SIGNED_IN in page  # through the proxy

    # The database restarts between two requests: the connection gunicorn kept is dead,
    # and the next request notices (CONN_HEALTH_CHECKS) and connects again.
    proxy.stop()
    proxy.start()
    assert get(gunicorn + "/", officer_cookie)[0] == 200

    proxy.stop()
    status, page, seconds = get(gunicorn + "/", officer_cookie)
    assert status == 503
    assert '<html lang="zh-hans">' in page and "泌阳县民政局" in page  # the 503 page
    assert seconds < 2
    status, body, seconds = get(gunicorn + "/healthz")
    assert status == 503 and '"database": "error"' in body
    assert seconds < 2

    proxy.start()
    status, page, _seconds = get(gunicorn + "/", officer_cookie)
    assert status == 200 and SIGNED_IN in page  # the first request after it is back
    assert get(gunicorn + "/healthz")[0] == 200


def test_a_database_that_takes_connections_and_never_answers_is_503_too(
    gunicorn, proxy, officer_cookie
):
    proxy.stop()
    proxy.start(silent=True)
    status, body, seconds = get(gunicorn + "/healthz")
    assert status == 503 and '"database": "error"' in body
    assert seconds < 2
    # A page waits for the connect timeout (2 s), then says so.
    status, page, seconds = get(gunicorn + "/", officer_cookie)
    assert status == 503 and '<html lang="zh-hans">' in page
    assert seconds < 5

    proxy.stop()
    proxy.start()
    assert get(gunicorn + "/", officer_cookie)[0] == 200
