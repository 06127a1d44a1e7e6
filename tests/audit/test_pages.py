"""/audit/: the audit administrator and superusers read the log, filtered and paged;
nobody else sees it, and nobody writes through it."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import audit
from audit.models import AuditEvent
from institutions.models import Role
from tests.audit.helpers import events
from tests.factories import UserFactory

URL = reverse("audit:list")
HUGE = "9" * 30
GARBAGE = [
    *["²", "٣", "-1", HUGE, "1e9999", "1\x00", "<script>", "💥", "' OR 1=1 --", ""],
    *["2024-13-45", "0001-01-01", "9999-12-31"],
]


@pytest.fixture
def logged(db):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)):
        audit.record(audit.Event.LOGIN_FAILED, username="clerk", outcome=audit.Outcome.FAILURE)
    with time_machine.travel(datetime.datetime(2026, 3, 5, 9, 0, tzinfo=datetime.UTC)):
        audit.record(audit.Event.LOCKOUT, username="clerk", outcome=audit.Outcome.DENIED)
    with time_machine.travel(datetime.datetime(2026, 3, 9, 9, 0, tzinfo=datetime.UTC)):
        audit.record(audit.Event.EXPORT, username="officer", kind="hazard_ledger", row_count=12)


def shown(response):
    return [(e.event, e.username) for e in response.context["page"]]


def test_the_audit_administrator_reads_the_log_newest_first(client_for, auditor, logged):
    response = client_for(auditor).get(URL)
    assert response.status_code == 200
    # (The auditor's own account and sign-in come first: they are the newest.)
    assert [row for row in shown(response) if row[1] in ("clerk", "officer")] == [
        ("export", "officer"),
        ("lockout", "clerk"),
        ("login_failed", "clerk"),
    ]
    assert "row_count: 12" in response.content.decode()


def test_a_superuser_reads_the_log(client_for, admin_user, logged):
    assert client_for(admin_user).get(URL).status_code == 200


@pytest.mark.parametrize(
    "role",
    [
        Role.ADMIN,
        Role.SYSTEM_ADMIN,
        Role.SECURITY_ADMIN,
        Role.BUREAU_OFFICER,
    ],
)
def test_everyone_else_is_refused(client_for, role, logged):
    user = UserFactory(role=role, is_staff=True)
    assert client_for(user).get(URL).status_code == 403


def test_township_staff_is_refused(client_for, town1):
    assert client_for(town1).get(URL).status_code == 403


def test_a_deactivated_auditor_is_refused(client_for, auditor):
    client = client_for(auditor)
    auditor.is_active = False
    auditor.save()
    assert client.get(URL).status_code in (302, 403)


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_page_writes_nothing_but_its_own_reading(client_for, auditor, logged):
    client = client_for(auditor)
    before = AuditEvent.objects.count()
    assert client.post(URL, {"event": "login"}).status_code == 405
    assert AuditEvent.objects.count() == before


def test_reading_the_log_is_itself_recorded(client_for, auditor, logged):
    client_for(auditor).get(URL, {"event": "lockout", "user": "clerk"}, REMOTE_ADDR="10.7.7.7")
    (viewed,) = events(audit.Event.LOG_VIEWED)
    assert (viewed.user, viewed.client_address) == (auditor, "10.7.7.7")
    assert viewed.detail["filters"] == {"event": "lockout", "user": "clerk"}


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"event": "lockout"}, [("lockout", "clerk")]),
        ({"user": "officer"}, [("export", "officer")]),
        ({"outcome": "failure"}, [("login_failed", "clerk")]),
        ({"date_from": "2026-03-04", "date_to": "2026-03-08"}, [("lockout", "clerk")]),
        ({"user": "clerk", "date_to": "2026-03-04"}, [("login_failed", "clerk")]),
    ],
)
def test_filters_narrow_the_list(client_for, auditor, logged, query, expected):
    response = client_for(auditor).get(URL, query)
    assert shown(response) == expected


def test_the_list_is_paged_and_keeps_its_filter(client_for, auditor, db):
    for n in range(60):
        audit.record(audit.Event.LOGIN_FAILED, username="clerk", n=n)
    client = client_for(auditor)
    first = client.get(URL, {"user": "clerk"})
    assert len(first.context["page"]) == 50
    assert "user=clerk&amp;page=2" in first.content.decode()
    second = client.get(URL, {"user": "clerk", "page": "2"})
    assert len(second.context["page"]) == 10


@pytest.mark.parametrize("value", GARBAGE)
@pytest.mark.parametrize("name", ["event", "user", "date_from", "date_to", "outcome", "page"])
def test_garbage_in_a_filter_is_ignored_not_a_500(client_for, auditor, logged, name, value):
    response = client_for(auditor).get(URL, {name: value})
    assert response.status_code == 200


def test_the_query_count_does_not_grow_with_the_rows(client_for, auditor):
    client = client_for(auditor)
    client.get(URL)  # the session is loaded once before counting
    counts = []
    for size in (3, 60):
        for n in range(size):
            audit.record(audit.Event.LOGIN_FAILED, username=f"u{n}")
        with CaptureQueriesContext(connection) as queries:
            client.get(URL, {"date_from": "2020-01-01"})
        counts.append(len(queries))
        # the capped count and the page, then the reading's record: the head and the insert
        audit_queries = [q["sql"] for q in queries if "audit_auditevent" in q["sql"]]
        assert len(audit_queries) == 4
    assert counts[0] == counts[1]


def test_the_page_lives_at_slash_audit():
    assert URL == "/audit/"
