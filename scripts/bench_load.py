"""Serve a kept benchmark database with gunicorn and load it: throughput under many clients.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test_bench_10x \\
           .venv/bin/python scripts/bench_load.py [--clients 50] [--seconds 30] [--workers 3]

Point DATABASE_URL at a database built by `scripts/bench_data.py --scale 10` (or kept by
`scripts/bench.py --keep`). Starts gunicorn on loopback (3 workers, a generous timeout,
production settings otherwise: DEBUG off, WhiteNoise; static files are not collected, so
the plain static storage is used), logs the bureau officer in by making a session for it,
then for each page runs N client threads for S seconds, each requesting the page over a
kept-alive connection as fast as it is answered. Prints requests per second, p50 and p95
milliseconds, errors (anything but 200, or a timeout), and each page's throughput as a
share of the trivial logged-in page's, measured in the same run. The clients run in this
process and share the machine's cores with the server, as the issue's figures did.
"""

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    ("trivial (password changed)", "/accounts/password/done/"),
    ("officer home", "/"),
    ("officer hazard ledger", "/inspections/hazards/"),
]


def _setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOCAL_RUN", "true")  # a benchmark on this computer
    os.environ.setdefault(
        "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    import django

    django.setup()


def session_cookie(username):
    """A logged-in session for `username`, made as Django's test client's force_login does."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from institutions.models import User

    user = User.objects.get(username=username)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    # The first backend that loads users (django-axes' comes first and does not).
    store[BACKEND_SESSION_KEY] = next(
        path for path in settings.AUTHENTICATION_BACKENDS if "axes" not in path.lower()
    )
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port, workers, timeout, log):
    env = {
        **os.environ,
        "DEBUG": "false",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    server = subprocess.Popen(  # noqa: S603 - our own virtualenv's gunicorn
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            str(timeout),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stderr=log,
    )
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def load(port, path, cookie, clients, seconds, timeout):
    """`clients` threads request `path` for `seconds`; returns (timings ms, errors)."""
    timings, errors = [], []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        mine, failed = [], []
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                failed.append(type(error).__name__)
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                continue
            if status == 200:
                mine.append((time.perf_counter() - start) * 1000)
            else:
                failed.append(str(status))
        connection.close()
        with lock:
            timings.extend(mine)
            errors.extend(failed)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, errors, time.monotonic() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=120, help="gunicorn's and the clients'")
    args = parser.parse_args()
    _setup_django()
    from django.db import connection

    cookie = session_cookie("officer")
    connection.close()
    port = free_port()
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - read after the server stops
        "w+", prefix="bench_load_", suffix=".log", delete=False
    )
    server = start_server(port, args.workers, args.timeout, log)
    print(
        f"gunicorn, {args.workers} workers, {args.clients} clients for {args.seconds:g} s per "
        f"page, database {connection.settings_dict['NAME']}"
    )
    rows = []
    try:
        for label, path in PAGES:
            load(port, path, cookie, 3, 2, args.timeout)  # warm every worker up
            timings, errors, elapsed = load(
                port, path, cookie, args.clients, args.seconds, args.timeout
            )
            timings.sort()
            rate = len(timings) / elapsed
            p50 = statistics.median(timings) if timings else float("nan")
            p95 = timings[int(len(timings) * 0.95) - 1] if timings else float("nan")
            rows.append((label, rate, p50, p95, errors))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    floor = rows[0][1] or float("nan")
    print(f"{'page':28} {'req/s':>8} {'p50 ms':>9} {'p95 ms':>9} {'errors':>7} {'of trivial':>11}")
    failed = False
    for label, rate, p50, p95, errors in rows:
        share = rate / floor * 100
        print(f"{label:28} {rate:8.1f} {p50:9.0f} {p95:9.0f} {len(errors):7d} {share:10.0f}%")
        if errors:
            failed = True
            print(f"  errors: {sorted(set(errors))}")
    print(f"server log: {log.name}")
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
