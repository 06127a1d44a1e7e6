"""PostgreSQL that cannot be reached: pages answer a Chinese 503 page, /healthz says 503
within 2 s, and the next request after it returns is served again.

The web side here is in-process (the test client) with the connection pointed at a port
where nothing listens, or at a listener that never answers; tests/e2e/test_faults_database.py
does the same to gunicorn through a proxy that goes away and comes back.
"""

import contextlib
import socket
import time

import pytest
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from config import health
from config.middleware import DatabaseUnavailableMiddleware
from tests.config.test_faults_cache import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def database_at(port, *, keep_open=False):
    """New connections of this process go to 127.0.0.1:port (the test database's name
    and user unchanged); the one open now is closed, unless keep_open (then only new
    connections, such as /healthz's own, go there, and the test's transaction lives on)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's connect timeout is what is tested")
    before = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
    if not keep_open:
        connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(port))
    try:
        yield
    finally:
        if not keep_open:
            connection.close()
        connection.settings_dict.update(before)


@contextlib.contextmanager
def silent_listener():
    """A port that takes connections and never says a word, as a database host behind a
    firewall that drops packets would: the client waits for its connect timeout."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield sock.getsockname()[1]


@pytest.fixture
def logged_in(officer):
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    return client


def test_a_page_answers_a_chinese_503_page_while_the_database_cannot_be_reached(logged_in):
    with database_at(free_port()):
        response = logged_in.get(reverse("home"))
    page = response.content.decode()
    assert response.status_code == 503
    assert '<html lang="zh-hans">' in page
    assert "系统暂时无法使用" in page
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]


def test_the_503_page_is_english_for_a_user_who_chose_english(logged_in, settings):
    logged_in.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with database_at(free_port()):
        response = logged_in.get(reverse("inspections:ledger"))
    assert response.status_code == 503
    assert "Service temporarily unavailable" in response.content.decode()


def test_a_form_sent_while_the_database_cannot_be_reached_gets_the_503_page(logged_in):
    with database_at(free_port()):
        response = logged_in.post(reverse("home"), {"anything": "1"})
    assert response.status_code == 503


def test_the_next_page_after_the_database_returns_is_served(logged_in):
    with database_at(free_port()):
        assert logged_in.get(reverse("home")).status_code == 503
    assert logged_in.get(reverse("home")).status_code == 200


@pytest.mark.django_db(transaction=False)
def test_healthz_is_503_at_once_when_the_database_refuses(client):
    with database_at(free_port(), keep_open=True):
        started = time.monotonic()
        response = client.get(reverse("healthz"))
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["database"] == "error"
    assert elapsed < 2


@pytest.mark.django_db(transaction=False)
def test_healthz_is_503_within_two_seconds_when_the_database_does_not_answer(client):
    with silent_listener() as port, database_at(port, keep_open=True):
        started = time.monotonic()
        response = client.get(reverse("healthz"))
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["database"] == "error"
    assert elapsed < 2


@pytest.mark.django_db(transaction=False)
def test_the_database_check_says_up_when_it_answers():
    assert health.database_is_up() is True


# The middleware on its own, without a database at all.


def _middleware(view):
    from django.core.handlers.exception import convert_exception_to_response

    return DatabaseUnavailableMiddleware(convert_exception_to_response(view))


@pytest.mark.django_db(transaction=False)
def test_other_errors_stay_500(settings):
    settings.DEBUG = False

    def broken(request):
        raise ValueError("a bug, not the database")

    response = _middleware(broken)(RequestFactory().get("/"))
    assert response.status_code == 500


@pytest.mark.django_db(transaction=False)
def test_a_database_error_anywhere_below_is_a_503(settings):
    settings.DEBUG = False

    def unreachable(request):
        raise OperationalError("connection refused")

    response = _middleware(unreachable)(RequestFactory().get("/"))
    assert response.status_code == 503


@pytest.mark.django_db(transaction=False)
def test_good_pages_pass_untouched():
    def fine(request):
        return HttpResponse("ok")

    response = _middleware(fine)(RequestFactory().get("/"))
    assert response.status_code == 200
    assert response.content == b"ok"
