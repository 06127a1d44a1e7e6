"""Load test on loopback: township users filling in and submitting inspections while bureau
officers read the dashboards, against gunicorn and PostgreSQL (issue 13, "Faults").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python scripts/bench_load.py [--seconds 60] [--township-users 50] \\
        [--officers 10] [--workers 5] [--keep]

Builds a throwaway database beside DATABASE_URL's (test_NAME_load: migrated, then the demo
county at scale 1 by scripts/bench_data.py), creates in it the accounts (township staff spread
over the townships, one by one, and bureau officers; a valid password, no second factor for
these roles) and enough draft township inspections (the festival fire sweep, due today, in
each clerk's own township), then starts gunicorn on loopback (`--workers` sync workers as the
README's deployment recommends, DEBUG off, LOCAL_RUN=true, REDIS_URL passed on when set,
uploads into a temporary MEDIA_ROOT) and runs, in this process, one thread per simulated user.
First every user signs in once (the login page, then its form with the CSRF token, then the
home page it is sent to), all at once, the starts spread over `--ramp` seconds: a burst of
60 PBKDF2 checks (Django's 1,000,000 iterations, about half a CPU-second each) that takes a
2-core machine half a minute, measured and reported on its own. Then, all together for
`--seconds`:

- a township user loops: the inspection list, then a draft of its own (the first one partly
  done: a random number of its first items were answered in the set-up, so that the clerks
  are caught at different points of their work, not all starting together): each section's fill
  page, every item answered through the endpoint the browser's htmx posts to (multipart,
  CSRF header, the real field names read from the page; one inspection in five fails one
  item with a photo of the problem, so submitting it raises a hazard; the photo item gets a
  photo), the review page, the submit form, and the result page it is sent to;
- a bureau officer loops over the county dashboard, the inspections dashboard, the hazard
  ledger and the home page.

After every full page the browser's htmx asks for the unread badge: so do the clients.
No think time: each user sends its next request when the last is answered.

Per kind of request it prints the count, errors, p50 / p95 / max milliseconds and requests
per second, then the inspections submitted (as the clients saw it and as the database says)
and the machine (cores, CPU, load average before and after, PostgreSQL version). An error is
an exception (timeout, refused connection), a status other than 2xx/3xx, or a response that
says the work was not done (an answer not saved, a submit sent back to the review, a
redirect to the login page): samples are printed, and the run exits non-zero if there was
any. The database is dropped at the end unless --keep.

`--pages` keeps the earlier measurement of page throughput alone: against a kept database
(DATABASE_URL pointing at one built by `scripts/bench_data.py --scale 10`), N clients request
each of a few pages as the bureau officer for S seconds, each page's throughput given as a
share of a trivial logged-in page's.
"""

import argparse
import datetime
import http.client
import http.cookies
import io
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    ("trivial (password changed)", "/accounts/password/done/"),
    ("officer home", "/"),
    ("officer hazard ledger", "/inspections/hazards/"),
]
TEMPLATE_CODE = "festival-fire-sweep"  # the township sweep: 27 items over several sections
PASSWORD = "Load-Test-2026-" + "x9"  # 3+ classes, 10+ characters, not common
USER_PREFIX = "load_"
FAIL_EVERY = 5  # one inspection in five fails an item (a hazard on submit)


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
    from django.utils import timezone

    from accounts.services import SIGNED_IN_AT, copy_password_state
    from institutions.models import User

    user = User.objects.get(username=username)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    # The first backend that loads users (django-axes' comes first and does not).
    store[BACKEND_SESSION_KEY] = next(
        path for path in settings.AUTHENTICATION_BACKENDS if "axes" not in path.lower()
    )
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # What signing in puts there too (accounts.services.start_session): without it the
    # session policy takes the session for one that was never signed in.
    store[SIGNED_IN_AT] = timezone.now().timestamp()
    copy_password_state(store, user)
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port, workers, timeout, log, extra_env=None):
    env = {
        **os.environ,
        "DEBUG": "false",
        "LOCAL_RUN": "true",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        **(extra_env or {}),
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
        if server.poll() is not None:
            raise SystemExit(f"gunicorn ended at start (status {server.returncode}): {log.name}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    stop_server(server)
    raise SystemExit("gunicorn did not start")


def stop_server(server):
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


# --- Page throughput (--pages): the earlier measurement --------------------------------------


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


def pages_main(args):
    _setup_django()
    from django.db import connection

    cookie = session_cookie("officer")
    connection.close()
    port = free_port()
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - read after the server stops
        "w+", prefix="bench_load_", suffix=".log", delete=False
    )
    workers = args.workers or 3
    server = start_server(port, workers, args.timeout, log)
    print(
        f"gunicorn, {workers} workers, {args.clients} clients for {args.seconds:g} s per "
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
        stop_server(server)
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


# --- The scenario: set-up in the database ----------------------------------------------------


def passing_value(item):
    """What a careful clerk answers for an item that is in order."""
    from inspections.models import AnswerType, YesNo
    from inspections.validators import plain_number

    kind = item.answer_type
    if kind == AnswerType.PASS_FAIL:
        return "pass"
    if kind == AnswerType.YES_NO:
        return YesNo.NO if item.failing_yes_no == YesNo.YES else YesNo.YES
    if kind == AnswerType.CHOICE:
        failing = item.failing_choices if isinstance(item.failing_choices, list) else []
        options = [value for value, _label in item.choice_options() if value not in failing]
        return options[0] if options else ""
    if kind == AnswerType.NUMBER:
        number = 2
        for low in (item.min_value, item.fail_below):
            if low is not None:
                number = max(number, low)
        if item.max_value is not None:
            number = min(number, item.max_value)
        return plain_number(number)
    if kind == AnswerType.TEXT:
        return "已落实"
    return None  # a photo


def prepare(township_users, officers, drafts_per_user):
    """Accounts and drafts for the run; returns (clerks, officers, answers, failing item)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.password_validation import validate_password
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import PasswordState
    from inspections.models import (
        Answer,
        AnswerType,
        ChecklistTemplate,
        Inspection,
        InspectionStatus,
        Item,
        Level,
    )
    from institutions.models import Institution, Role, Township, User

    template = ChecklistTemplate.objects.get(code=TEMPLATE_CODE)
    version = template.current_version()
    items = list(
        Item.objects.filter(section__version=version).order_by("section__order", "order", "pk")
    )
    answers = {item.pk: passing_value(item) for item in items}
    failing = next(
        item.pk
        for item in items
        if item.answer_type == AnswerType.PASS_FAIL and item.photo_required_on_failure
    )
    townships = list(Township.objects.order_by("code"))
    today = timezone.localdate()
    # One hash for every account (hashing 60 times would only slow the set-up down); the
    # password is checked against the project's rules first.
    validate_password(PASSWORD)
    password_hash = make_password(PASSWORD)
    clerks, bureau = [], []
    with transaction.atomic():
        for n in range(township_users):
            township = townships[n % len(townships)]
            user = User.objects.create(
                username=f"{USER_PREFIX}town{n:02d}",
                full_name=f"压测干事{n:02d}",
                role=Role.TOWNSHIP_STAFF,
                township=township,
                password=password_hash,
            )
            clerks.append(
                {"user": user, "username": user.username, "index": n, "drafts": [], "skip": set()}
            )
        for n in range(officers):
            user = User.objects.create(
                username=f"{USER_PREFIX}officer{n:02d}",
                full_name=f"压测科员{n:02d}",
                role=Role.BUREAU_OFFICER,
                password=password_hash,
            )
            bureau.append({"username": user.username})
        PasswordState.objects.bulk_create(
            PasswordState(user=user, changed_at=timezone.now(), must_change=False)
            for user in User.objects.filter(username__startswith=USER_PREFIX)
        )
        # Each clerk's drafts in its own township's institutions, taken in turn so that
        # two clerks of one township never fill the same one.
        drafts = []
        for n in range(len(clerks)):
            township = townships[n % len(townships)]
            pool = list(
                Institution.objects.filter(township=township, is_active=True)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            turn = n // len(townships)
            for k in range(drafts_per_user):
                institution = pool[(turn * drafts_per_user + k) % len(pool)]
                drafts.append(
                    Inspection(
                        institution_id=institution,
                        version=version,
                        level=Level.TOWNSHIP,
                        due_on=today,
                        status=InspectionStatus.DRAFT,
                    )
                )
        created = Inspection.objects.bulk_create(drafts)
        # The working phase catches the clerks in the middle of their work, as a working day
        # would: each one's first draft has a random number of its first items answered
        # already (else all fifty would reach their first submit together, after a lap).
        generator = random.Random(7)  # noqa: S311 - how far each clerk had got
        resumed = []
        for n, clerk in enumerate(clerks):
            user = clerk.pop("user")
            mine = created[n * drafts_per_user : (n + 1) * drafts_per_user]
            clerk["drafts"] = [inspection.pk for inspection in mine]
            first = Inspection.objects.select_related("institution").get(pk=mine[0].pk)
            applicable = [
                item
                for item in items
                if item.applies_to(first.institution)
                and answers[item.pk] is not None
                and item.pk != failing  # a draft that fails it must still be able to
            ]
            for item in applicable[: generator.randrange(len(applicable))]:
                clerk["skip"].add(item.pk)
                resumed.append(
                    Answer(inspection=first, item=item, value=answers[item.pk], answered_by=user)
                )
        Answer.objects.bulk_create(resumed)
    return clerks, bureau, answers, failing


def photo_bytes():
    """A phone-sized JPEG (1600×1200, some texture so that it does not compress to nothing)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1600, 1200), (180, 190, 200))
    draw = ImageDraw.Draw(image)
    generator = random.Random(13)  # noqa: S311 - a picture's texture
    for _ in range(400):
        x, y = generator.randrange(1600), generator.randrange(1200)
        colour = tuple(generator.randrange(256) for _ in range(3))
        draw.rectangle((x, y, x + generator.randrange(10, 120), y + 40), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


# --- The scenario: clients ------------------------------------------------------------------


class Stop(Exception):
    """Not an error: the run's time is up."""


class Failed(Exception):
    """An error, already recorded: give up this piece of work."""


class Recorder:
    """One client's timings and errors by kind of request (merged after the run)."""

    def __init__(self):
        self.timings = {}
        self.errors = {}

    def ok(self, kind, ms):
        self.timings.setdefault(kind, []).append(ms)

    def error(self, kind, ms, message):
        self.timings.setdefault(kind, []).append(ms)
        self.errors.setdefault(kind, []).append(message)


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ITEM_FORM = re.compile(r'<form id="item-(\d+)".*?action="([^"]+)".*?</form>', re.S)
SECTION_SELECT = re.compile(r'data-navigate="s".*?</select>', re.S)
BADGE = re.compile(r'id="unread-badge" hx-get="([^"]+)"')


class Client:
    """A browser, as far as the server can tell: cookies, CSRF tokens, htmx's headers."""

    def __init__(self, port, timeout, deadline, recorder):
        self.port = port
        self.timeout = timeout
        self.deadline = deadline
        self.recorder = recorder
        self.cookies = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def close(self):
        self.connection.close()

    def _cookie_header(self):
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def _keep_cookies(self, response):
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def request(self, kind, method, path, *, body=None, headers=None, expect=None):
        """Send one request; record it under `kind`. `expect(status, location, text)` returns
        an error message when the answer shows the work was not done. Raises Stop when the
        run's time is up before the request, Failed after an error (recorded)."""
        if time.monotonic() >= self.deadline:
            raise Stop
        headers = {"Cookie": self._cookie_header(), **(headers or {})}
        start = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            ms = (time.perf_counter() - start) * 1000
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, self.timeout)
            self.recorder.error(kind, ms, f"{method} {path}: {type(error).__name__} {error}")
            raise Failed from error
        ms = (time.perf_counter() - start) * 1000
        self._keep_cookies(response)
        status = response.status
        location = response.headers.get("Location", "")
        problem = None
        if not 200 <= status < 400:
            problem = f"status {status}: {_snippet(text)}"
        elif "/accounts/login/" in location and "login" not in kind:
            problem = f"sent to the login page: {location}"
        elif expect is not None:
            problem = expect(status, location, text)
        if problem:
            self.recorder.error(kind, ms, f"{method} {path}: {problem}")
            raise Failed
        self.recorder.ok(kind, ms)
        return status, location, text

    def page(self, kind, path, expect=None):
        """A full page, then the unread badge its htmx asks for."""
        status, location, text = self.request(kind, "GET", path, expect=expect)
        badge = BADGE.search(text)
        if badge:
            self.request("unread badge (htmx)", "GET", badge.group(1), headers=HTMX)
        return status, location, text

    def sign_in(self, role, username):
        kind = f"sign-in, {role}"
        _status, _location, text = self.request(f"{kind}: login page", "GET", "/accounts/login/")
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": _csrf(text), "username": username, "password": PASSWORD}
        )
        self.request(
            f"{kind}: sign in (POST)",
            "POST",
            "/accounts/login/",
            body=form,
            headers=FORM,
            expect=lambda status, location, text: (
                None
                if status == 302 and location == "/"
                else f"not signed in (status {status}, to {location!r}): {_snippet(text)}"
            ),
        )
        self.page(f"{kind}: home after sign-in", "/")


HTMX = {"HX-Request": "true"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _csrf(text):
    found = CSRF_INPUT.search(text)
    return found.group(1) if found else ""


def _snippet(text, length=160):
    """The most telling bit of an answer: an alert or error message, else its start."""
    for pattern in (
        r'class="alert[^"]*"[^>]*>(.*?)</div>',
        r'class="invalid-feedback[^"]*"[^>]*>(.*?)</div>',
        r"<title>(.*?)</title>",
    ):
        found = re.search(pattern, text, re.S)
        if found:
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()[:length]
    return re.sub(r"\s+", " ", text).strip()[:length]


def multipart(fields, files):
    """A multipart/form-data body as a browser's FormData sends it."""
    boundary = "----LoadTestBoundary" + secrets.token_hex(8)
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for name, (filename, content) in files.items():
        kind = "image/jpeg" if content else "application/octet-stream"
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def township_user(client, clerk, answers, failing, photo, submitted):
    """Fill in and submit one draft after another until the time is up."""
    for number, pk in enumerate(clerk["drafts"]):
        try:
            client.page("township: inspection list", "/inspections/")
            fill_and_submit(
                client,
                pk,
                answers,
                failing if (clerk["index"] + number) % FAIL_EVERY == 0 else None,
                photo,
                clerk["skip"] if number == 0 else (),
                submitted,
            )
        except Failed:
            continue  # recorded: the next draft
    clerk["ran_out"] = True


def fill_and_submit(client, pk, answers, failing, photo, skip, submitted):
    """Every item of the draft answered (but those in `skip`, answered before), then submitted."""
    base = f"/inspections/{pk}/"
    _status, _location, text = client.page("township: fill page (a section)", base)
    select = SECTION_SELECT.search(text)
    sections = len(re.findall(r"<option value=", select.group(0))) if select else 1
    for index in range(sections):
        if index:
            _status, _location, text = client.page(
                "township: fill page (a section)", f"{base}?s={index}"
            )
        token = _csrf(text)
        for item_pk, action, form in ((int(m[1]), m[2], m[0]) for m in ITEM_FORM.finditer(text)):
            if item_pk in skip:
                continue
            answer_item(client, base, index, token, item_pk, action, form, answers, failing, photo)
    _status, _location, text = client.page("township: review", f"{base}review/")
    if f'action="{base}submit/"' not in text:
        client.recorder.error("township: review", 0, f"{base}review/: no submit form")
        raise Failed
    inspector = re.search(r'name="inspector_name"[^>]*value="([^"]*)"', text)
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": _csrf(text),
            "inspector_name": inspector.group(1) if inspector and inspector.group(1) else "压测",
            "person_present": "院长",
        }
    )
    client.request(
        "township: submit (POST)",
        "POST",
        f"{base}submit/",
        body=form,
        headers=FORM,
        expect=lambda status, location, text: (
            None
            if status == 302 and location == f"{base}result/"
            else f"not submitted (status {status}, to {location!r})"
        ),
    )
    submitted.append(pk)  # list.append is atomic
    client.page("township: result page", f"{base}result/")


def answer_item(client, base, index, token, item_pk, action, form, answers, failing, photo):
    """The htmx post a change on the item's form sends: the whole form, multipart."""
    prefix = f"item{item_pk}-"
    value = answers.get(item_pk)
    fields = {"csrfmiddlewaretoken": token, "s": str(index)}
    if value is not None:
        if f'name="{prefix}value"' not in form:
            client.recorder.error("township: answer (htmx POST)", 0, f"{action}: no value field")
            raise Failed
        fields[f"{prefix}value"] = value
    fields[f"{prefix}note"] = ""
    files = {f"{prefix}photo": ("", b"")}
    kind = "township: answer (htmx POST)"
    if item_pk == failing:
        fields[f"{prefix}value"] = "fail"
        fields[f"{prefix}note"] = "灭火器压力不足，已要求更换"
    if value is None or item_pk == failing:
        files = {f"{prefix}photo": ("photo.jpg", photo)}
        kind = "township: answer + photo (htmx POST)"
    body, content_type = multipart(fields, files)
    client.request(
        kind,
        "POST",
        action,
        body=body,
        headers={
            **HTMX,
            "HX-Target": f"item-{item_pk}",
            "HX-Current-URL": f"http://127.0.0.1:{client.port}{base}?s={index}",
            "X-CSRFToken": token,
            "Content-Type": content_type,
        },
        expect=lambda status, location, text: (
            None
            if status == 200 and 'class="small text-success"' in text
            else f"answer not saved: {_snippet(text)}"
        ),
    )


def officer_user(client, pages):
    while True:
        for kind, path in pages:
            try:
                client.page(kind, path)
            except Failed:
                continue


def in_threads(jobs, ramp):
    """Each job (a function of a Recorder) in a thread of its own, the starts spread over
    `ramp` seconds; returns the merged Recorder and the seconds it all took."""
    generator = random.Random(1)  # noqa: S311 - start times
    recorders = []

    def run(job, delay):
        time.sleep(delay)
        recorder = Recorder()
        recorders.append(recorder)  # list.append is atomic
        try:
            job(recorder)
        except (Stop, Failed):
            pass
        except Exception as error:  # a bug in the client: report it, don't hang
            recorder.error("client", 0, f"{type(error).__name__}: {error}")

    threads = [
        threading.Thread(target=run, args=(job, generator.uniform(0, ramp)), daemon=True)
        for job in jobs
    ]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    merged = Recorder()
    for recorder in recorders:
        for kind, timings in recorder.timings.items():
            merged.timings.setdefault(kind, []).extend(timings)
        for kind, errors in recorder.errors.items():
            merged.errors.setdefault(kind, []).extend(errors)
    return merged, elapsed


class CpuMeter:
    """CPU seconds spent during the working phase: by gunicorn's workers (exactly, from /proc),
    by PostgreSQL's backends of the run's database (sampled every second: a backend that
    ends between samples loses its last second), by this process (the clients), and by the
    whole machine (/proc/stat), so that what the server costs a request can be told apart
    from what the rest of a busy machine takes."""

    def __init__(self, server_pid, database):
        self.server_pid = server_pid
        self.database = database
        self.tick = os.sysconf("SC_CLK_TCK")
        self.backends = {}  # pid -> (first seen, last seen) CPU seconds
        self.running = False

    def _cpu(self, pid):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / self.tick

    def _workers(self):
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except (OSError, IndexError):
                    continue
                if int(fields[1]) == self.server_pid:
                    found.append(int(entry.name))
        return found

    def _machine(self):
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return (sum(values) - values[3] - values[4]) / self.tick  # all but idle and iowait

    def _sample_backends(self, cursor, first=False):
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [self.database],
        )
        for (pid,) in cursor.fetchall():
            cpu = self._cpu(pid)
            if cpu is None:
                continue
            seen = self.backends.get(pid)
            # A backend that appears during the run started with (almost) nothing.
            self.backends[pid] = (seen[0] if seen else (cpu if first else 0.0), cpu)

    def _watch(self):
        from django.db import connection

        with connection.cursor() as cursor:
            while self.running:
                self._sample_backends(cursor)
                time.sleep(1)
        connection.close()

    def start(self):
        from django.db import connection

        with connection.cursor() as cursor:
            self._sample_backends(cursor, first=True)
        connection.close()
        self.workers = {pid: self._cpu(pid) or 0.0 for pid in self._workers()}
        self.machine = self._machine()
        self.own = time.process_time()
        self.running = True
        self.watcher = threading.Thread(target=self._watch, daemon=True)
        self.watcher.start()

    def stop(self):
        self.running = False
        self.watcher.join()
        from django.db import connection

        with connection.cursor() as cursor:
            self._sample_backends(cursor)
        connection.close()
        self.result = {
            "gunicorn": sum((self._cpu(pid) or 0.0) - cpu for pid, cpu in self.workers.items()),
            "postgres": sum(last - first for first, last in self.backends.values()),
            "clients": time.process_time() - self.own,
            "machine": self._machine() - self.machine,
        }


def run_clients(port, clerks, officers, answers, failing, args, meter):
    """Everyone signs in (all at once, starts spread over args.ramp), then works for
    args.seconds. Returns ((sign-in Recorder, seconds), (work Recorder, seconds), submitted)."""
    from django.urls import reverse

    officer_pages = [
        ("officer: county dashboard", reverse("dashboards:county")),
        ("officer: inspections dashboard", reverse("dashboards:inspections")),
        ("officer: hazard ledger", reverse("inspections:ledger")),
        ("officer: home", reverse("home")),
    ]
    photo = photo_bytes()
    people = [("township", clerk) for clerk in clerks] + [("officer", o) for o in officers]
    clients = {}

    def sign_in(role, who):
        def job(recorder):
            client = Client(port, args.timeout, math.inf, recorder)
            client.sign_in(role, who["username"])
            clients[who["username"]] = client

        return job

    signing_in = in_threads([sign_in(role, who) for role, who in people], args.ramp)
    submitted = []
    deadline = time.monotonic() + args.seconds

    def work(role, who):
        client = clients[who["username"]]

        def job(recorder):
            client.recorder, client.deadline = recorder, deadline
            try:
                if role == "township":
                    township_user(client, who, answers, failing, photo, submitted)
                else:
                    officer_user(client, officer_pages)
            finally:
                client.close()

        return job

    meter.start()
    working = in_threads([work(role, who) for role, who in people if who["username"] in clients], 0)
    meter.stop()
    return signing_in, working, submitted


def percentile(ordered, share):
    """Nearest-rank percentile of a sorted list."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def report(title, recorder, elapsed, out):
    out.write(
        f"\n{title}\n\n"
        f"| {'request':42} | {'count':>6} | {'errors':>6} | {'p50 ms':>7} | {'p95 ms':>7} "
        f"| {'max ms':>7} | {'req/s':>6} |\n"
        f"|{'-' * 44}|{'-' * 8}|{'-' * 8}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 8}|\n"
    )
    everything = []

    def row(label, timings, errors):
        ordered = sorted(timings)
        out.write(
            f"| {label:42} | {len(ordered):6d} | {errors:6d} | {statistics.median(ordered):7.0f} "
            f"| {percentile(ordered, 0.95):7.0f} | {ordered[-1]:7.0f} "
            f"| {len(ordered) / elapsed:6.1f} |\n"
        )

    for kind in sorted(recorder.timings, key=lambda k: (not k.startswith("township"), k)):
        timings = recorder.timings[kind]
        everything.extend(timings)
        row(kind, timings, len(recorder.errors.get(kind, [])))
    total_errors = sum(len(errors) for errors in recorder.errors.values())
    if everything:
        row("all requests", everything, total_errors)
    return total_errors


def machine_line(cursor):
    cursor.execute("SHOW server_version")
    postgres = cursor.fetchone()[0]
    cpu = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = platform.processor()
    return postgres, f"{os.cpu_count()} cores ({cpu})"


def server_url(name):
    """DATABASE_URL with the throwaway database's name in it, for gunicorn."""
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def scenario_main(args):
    _setup_django()
    from django.db import connection

    from scripts import bench_data

    if connection.vendor != "postgresql":
        raise SystemExit("bench_load needs PostgreSQL: set DATABASE_URL")
    base_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"test_{base_name}_load"
    start = time.perf_counter()
    try:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        bench_data.build(args.scale, stdout=io.StringIO())
        total_errors = scenario(args, start)
    finally:
        connection.close()
        # The name changes once the database exists (a failed migration leaves it behind).
        if connection.settings_dict["NAME"] == base_name:
            pass
        elif args.keep:
            print(f"kept database {connection.settings_dict['NAME']}")
        else:
            connection.creation.destroy_test_db(base_name, verbosity=0)
    if total_errors:
        raise SystemExit(1)


def scenario(args, start):
    """Accounts and drafts, gunicorn, the clients, the report; returns the errors."""
    import django
    from django.db import connection

    from inspections.models import Inspection

    out = sys.stdout
    name = connection.settings_dict["NAME"]
    drafts_per_user = args.drafts or max(3, math.ceil(10 * args.seconds / 60))
    workers = args.workers or 5
    clerks, officers, answers, failing = prepare(
        args.township_users, args.officers, drafts_per_user
    )
    postgres, cores = machine_line(connection.cursor())
    out.write(
        f"database {name}: the demo county at scale {args.scale:g}, {len(clerks)} clerks × "
        f"{drafts_per_user} drafts of {len(answers)} items; built in "
        f"{time.perf_counter() - start:.0f} s\n"
    )
    connection.close()
    media = tempfile.mkdtemp(prefix="bench_load_media_")
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - read after the server stops
        "w+", prefix="bench_load_", suffix=".log", delete=False
    )
    port = free_port()
    redis = os.environ.get("REDIS_URL", "")
    server = start_server(
        port,
        workers,
        args.timeout,
        log,
        {
            "DATABASE_URL": server_url(name),
            "MEDIA_ROOT": media,
            # WhiteNoise's warning that static files were not collected, once per worker.
            "PYTHONWARNINGS": "ignore:No directory at",
        },
    )
    try:
        # Each worker loads the app on its first request: not part of the measurement.
        warm = Client(port, args.timeout, time.monotonic() + 60, Recorder())
        for _ in range(workers * 4):
            warm.request("warm-up", "GET", "/accounts/login/")
        warm.close()
        load_before = os.getloadavg()
        out.write(
            f"gunicorn {_gunicorn_version()}, {workers} sync workers on 127.0.0.1, "
            f"LOCAL_RUN=true, DEBUG off, {'Redis ' + redis if redis else 'no Redis'}; "
            f"{len(clerks)} township users and {len(officers)} officers for {args.seconds:g} s "
            f"(all signed in first, their starts spread over {args.ramp:g} s; then all at "
            "once, no think time), the clients in this process\n"
        )
        out.flush()
        meter = CpuMeter(server.pid, name)
        (signins, signin_seconds), (recorder, elapsed), submitted = run_clients(
            port, clerks, officers, answers, failing, args, meter
        )
        load_after = os.getloadavg()
    finally:
        stop_server(server)
        shutil.rmtree(media, ignore_errors=True)
    total_errors = report(
        f"Signing in: {len(clerks) + len(officers)} users at once, {signin_seconds:.1f} s",
        signins,
        signin_seconds,
        out,
    )
    total_errors += report(f"Working: {elapsed:.1f} s", recorder, elapsed, out)
    ours = [pk for clerk in clerks for pk in clerk["drafts"]]
    in_database = Inspection.objects.filter(pk__in=ours, status="submitted").count()
    hazards = Inspection.objects.filter(pk__in=ours, hazards__isnull=False).distinct().count()
    ran_out = sum(1 for clerk in clerks if clerk.get("ran_out"))
    out.write(
        f"\ninspections submitted: {len(submitted)} by the clients, {in_database} in the "
        f"database ({hazards} with a hazard raised), {len(submitted) / elapsed * 60:.0f} a "
        f"minute; run {elapsed:.1f} s"
        + (f"; {ran_out} clerks ran out of drafts (raise --drafts)" if ran_out else "")
        + "\n"
    )
    cpu = meter.result
    requests = sum(len(timings) for timings in recorder.timings.values())
    server = cpu["gunicorn"] + cpu["postgres"]
    cores_count = os.cpu_count() or 1
    others = max(0.0, cpu["machine"] - server - cpu["clients"])
    out.write(
        f"CPU while working: gunicorn {cpu['gunicorn']:.1f} s + PostgreSQL "
        f"≈{cpu['postgres']:.1f} s = {server / max(requests, 1) * 1000:.0f} ms a request "
        f"(≈{cores_count * requests / max(server, 0.001):.0f} requests/s on {cores_count} "
        f"cores the server had to itself); the clients {cpu['clients']:.1f} s; the machine "
        f"{cpu['machine']:.1f} of {elapsed * cores_count:.1f} CPU-seconds, {others:.1f} of "
        "them other work\n"
    )
    out.write(
        f"machine: {cores}, load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after (1 min); PostgreSQL {postgres}; "
        f"Python {platform.python_version()}, Django {django.get_version()}; "
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC\n"
    )
    if len(submitted) != in_database:
        out.write("MISMATCH: the database does not hold what the clients submitted\n")
        total_errors += 1
    if total_errors:
        out.write(f"\nERRORS ({total_errors}), samples:\n")
        for kind, errors in sorted([*signins.errors.items(), *recorder.errors.items()]):
            out.write(f"  {kind}: {len(errors)}\n")
            for message in errors[:3]:
                out.write(f"    {message}\n")
        log.seek(0)
        tail = log.read()[-3000:]
        if tail:
            out.write(f"gunicorn log ({log.name}), its end:\n{tail}\n")
    return total_errors


def _gunicorn_version():
    import gunicorn

    return gunicorn.__version__


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--township-users", type=int, default=50)
    parser.add_argument("--officers", type=int, default=10)
    parser.add_argument("--workers", type=int, help="gunicorn's (5; 3 with --pages)")
    parser.add_argument("--ramp", type=float, default=5, help="seconds over which users start")
    parser.add_argument("--drafts", type=int, help="per township user (10 a minute of run)")
    parser.add_argument("--scale", type=float, default=1, help="of scripts/bench_data.py")
    parser.add_argument("--timeout", type=int, default=120, help="gunicorn's and the clients'")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--pages", action="store_true", help="page throughput on DATABASE_URL instead"
    )
    parser.add_argument("--clients", type=int, default=50, help="with --pages")
    args = parser.parse_args()
    if args.pages:
        if args.seconds == 60:
            args.seconds = 30  # that measurement's own default, per page
        pages_main(args)
    else:
        scenario_main(args)


if __name__ == "__main__":
    main()
