"""A hostile user walks the whole site: no bad input may give a 500.

Each role crawls the demo county from the home page (links inside the site,
a few pages per URL pattern), collects every form it is shown, and then sends
each form back with one field at a time replaced by a hostile value (overlong,
NUL, emoji, huge and negative numbers, far dates, Unicode digits, another
township's or a non-numeric id, a file that is not what its name says), and
with random text from hypothesis. GET forms (filters, searches) get the same
treatment in their query strings. Any uncaught exception fails the test with
its traceback (the test client re-raises it); a 500 fails it too.
"""

import io
import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from institutions.models import User
from tests.conftest import verify_second_factor

# Thousands of requests: slow, so `make e2e` runs it (CI runs both).
pytestmark = pytest.mark.e2e

# Every field gets these; then more by what the field holds (see hostile_values_for).
HOSTILE_TEXT = ["", "x" * 5000, "\x00", "abc\x00def", "😀🔥" * 20, "<script>alert(1)</script>"]
HOSTILE_NUMBERS = [
    "abc",
    "-1",
    "-0",
    "2147483648",
    "99999999999999999999999999",
    "1e999999",
    "NaN",
    "Infinity",
    "²",
    "１２３",
    "1.5",
]
HOSTILE_DATES = [
    "abc",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2027-02-30",
    "9999-12",
    "0000-01",
]
HOSTILE_CHOICES = ["abc", "-1", "999999999", "99999999999999999999999999", "²"]
HOSTILE_URLS = ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
DATE_TYPES = {"date", "datetime-local", "month", "time"}
DATE_NAME = re.compile(r"(date|day|_on$|_at$|period|from|until|deadline)")


def hostile_values_for(form, name, plausible):
    kind = form["types"].get(name, "text")
    values = list(HOSTILE_TEXT)
    if kind in DATE_TYPES or DATE_NAME.search(name) or re.match(r"\d{4}-\d{2}", plausible):
        values += HOSTILE_DATES
    if kind == "number" or re.fullmatch(r"-?\d+(\.\d+)?", plausible or "x"):
        values += HOSTILE_NUMBERS
    if form["choices"].get(name):
        values += HOSTILE_CHOICES
    if name == "next":
        values += HOSTILE_URLS
    return values


POLYGLOT = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16 + b"<html><script>alert(1)</script></html>"
SKIP_PREFIXES = ("/admin/", "/accounts/logout/", "/i18n/", "/static/", "/media/", "/healthz")
PAGES_PER_PATTERN = 3
MAX_PAGES = 150
START_PAGES = [
    "/",
    "/institutions/",
    "/inspections/",
    "/inspections/hazards/",
    "/duty/",
    "/duty/leave/",
    "/duty/incidents/",
    "/relief/",
    "/relief/people/",
    "/relief/applications/",
    "/relief/batches/",
]


class FormCollector(HTMLParser):
    """Links and forms of a page: each form as (method, action, {name: [values]}, files)."""

    def __init__(self):
        super().__init__()
        self.links, self.forms = [], []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "fields": defaultdict(list),
                "files": [],
                "choices": defaultdict(list),
                "types": {},
                "formactions": [],
            }
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            name = attrs["name"]
            self._form["types"][name] = kind
            if kind == "file":
                self._form["files"].append(name)
            elif kind in ("checkbox", "radio"):
                self._form["choices"][name].append(attrs.get("value", "on"))
                if "checked" in attrs:
                    self._form["fields"][name].append(attrs.get("value", "on"))
            elif kind not in ("submit", "button", "reset", "image"):
                self._form["fields"][name].append(attrs.get("value") or "")
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._form["fields"].setdefault(self._select, [])
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            self._form["choices"][self._select].append(value)
            if "selected" in attrs:
                self._form["fields"][self._select].append(value)
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._form["fields"][self._textarea].append("")
        elif tag == "button":
            if attrs.get("name"):
                self._form["choices"][attrs["name"]].append(attrs.get("value", ""))
            if attrs.get("formaction"):
                self._form["formactions"].append(attrs["formaction"])

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def _route(path):
    try:
        return resolve(path).route
    except Resolver404:
        return None


def _plausible(form):
    """The form as the page filled it, with a first choice where nothing is selected."""
    data = {}
    for name, values in form["fields"].items():
        if values:
            data[name] = values
        elif form["choices"].get(name):
            data[name] = [next((c for c in form["choices"][name] if c), "")]
        else:
            data[name] = [""]
    for name, choices in form["choices"].items():
        data.setdefault(name, choices[:1])
    return data


def _check(response, what):
    assert response.status_code < 500, f"{response.status_code} for {what}"


def crawl(client):
    """Pages reachable from home for this client: {url: FormCollector}."""
    seen, per_route, todo, found = set(), defaultdict(int), list(START_PAGES), {}
    while todo and len(found) < MAX_PAGES:
        url = todo.pop(0)
        path = urlsplit(url).path
        route = _route(path)
        if url in seen or route is None or per_route[route] >= PAGES_PER_PATTERN:
            continue
        seen.add(url)
        per_route[route] += 1
        response = client.get(url)
        _check(response, f"GET {url}")
        if "html" not in response.get("Content-Type", ""):
            continue
        page = FormCollector()
        page.feed(response.content.decode())
        found[url] = page
        for href in page.links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(SKIP_PREFIXES) or target in seen:
                continue
            todo.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def distinct_forms(pages):
    """One of each form: same action pattern and same field names count once."""
    forms = {}
    for url, page in pages.items():
        for form in page.forms:
            targets = form["formactions"] or [form["action"]]
            for target in targets:
                action = urljoin(url, target) if target else url
                path = urlsplit(action).path
                if path.startswith(SKIP_PREFIXES) or _route(path) is None:
                    continue
                key = (form["method"], re.sub(r"\d+", "#", path), tuple(sorted(form["fields"])))
                forms.setdefault(key, (action, form))
    return list(forms.values())


def send(client, method, action, data, files=None):
    try:
        return _send(client, method, action, data, files)
    except Exception as error:
        shown = {name: [str(v)[:40] for v in values] for name, values in data.items()}
        raise AssertionError(f"{method.upper()} {action} with {shown} raised {error!r}") from error


def _send(client, method, action, data, files=None):
    if method == "post":
        payload = {name: values if len(values) != 1 else values[0] for name, values in data.items()}
        payload.update(files or {})
        return client.post(action, payload)
    base = urlsplit(action)
    query = [(k, v) for k, v in parse_qsl(base.query) if k not in data]
    query += [(name, value) for name, values in data.items() for value in values]
    return client.get(f"{base.path}?{urlencode(query)}")


def hostile_file(name):
    return SimpleUploadedFile(name, POLYGLOT, content_type="image/png")


@pytest.fixture
def demo_clients(db, client, django_user_model):
    call_command("seed_demo", stdout=io.StringIO())
    return {user.username: user for user in User.objects.filter(username__in=ROLES)}


ROLES = ["officer", "town1", "inst1", "admin", "village1"]


# The admin sees the officer's forms; it is left to the random walk below.
@pytest.mark.parametrize("username", ["officer", "town1", "inst1", "village1"])
def test_every_form_survives_hostile_values(demo_clients, client, username):
    client.force_login(demo_clients[username])
    verify_second_factor(client, demo_clients[username])
    forms = distinct_forms(crawl(client))
    assert forms, "the crawl found no forms"
    failures = []

    def attempt(method, action, data, files=None):
        try:
            response = send(client, method, action, data, files)
            _check(response, f"{method.upper()} {action} {data}")
        except AssertionError as error:
            failures.append(str(error).splitlines()[0][:300])

    for action, form in forms:
        method = form["method"]
        base = _plausible(form)
        fields = [name for name in base if name != "csrfmiddlewaretoken"]
        for name in fields:
            for value in hostile_values_for(form, name, base[name][0] if base[name] else ""):
                attempt(method, action, {**base, name: [value]})
        for name in form["files"]:
            attempt(method, action, base, {name: hostile_file("evil.html")})
    assert failures == [], f"{len(failures)} requests failed:\n" + "\n".join(failures[:40])


@pytest.mark.parametrize("username", ROLES)
def test_every_form_survives_random_text(demo_clients, client, username):
    client.force_login(demo_clients[username])
    verify_second_factor(client, demo_clients[username])
    forms = distinct_forms(crawl(client))

    @settings(
        max_examples=15,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(data=st.data())
    def fuzz(data):
        action, form = data.draw(st.sampled_from(forms))
        base = _plausible(form)
        fields = sorted(name for name in base if name != "csrfmiddlewaretoken")
        if not fields:
            return
        chosen = data.draw(st.lists(st.sampled_from(fields), min_size=1, unique=True))
        for name in chosen:
            base[name] = [data.draw(st.text(max_size=300))]
        response = send(client, form["method"], action, base)
        _check(response, f"{form['method'].upper()} {action} {base}")

    fuzz()
