"""audit.record(): what a row holds, and how each row is chained to the one before it."""

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory

import audit
from audit.models import GENESIS_HASH, AppendOnlyError, AuditEvent
from tests.audit.helpers import events


def test_a_recorded_event_holds_who_where_what_and_how_it_ended(officer, institution1):
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    request.user = officer
    row = audit.record(
        audit.Event.FULL_ID_SHOWN, request=request, obj=institution1, reason="核对身份"
    )
    row = AuditEvent.objects.get(pk=row.pk)
    assert row.user == officer
    assert row.username == "officer"
    assert row.client_address == "10.1.2.3"
    assert row.event == "full_id_shown"
    assert (row.object_type, row.object_id) == ("institutions.institution", str(institution1.pk))
    assert row.object_text == "羊册镇敬老院"
    assert row.outcome == "success"
    assert row.detail == {"reason": "核对身份"}
    assert row.time is not None


def test_the_first_row_follows_the_genesis_hash_and_each_next_row_the_one_before(db):
    first = audit.record(audit.Event.LOG_VIEWED)
    second = audit.record(audit.Event.LOG_VIEWED)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert len({first.hash, second.hash}) == 2


def test_the_stored_row_still_hashes_to_its_hash(officer):
    row = audit.record(
        audit.Event.EXPORT,
        user=officer,
        rows=12,
        share=0.25,
        params={"township": ["3"], "q": ["王"]},
        nothing=None,
    )
    stored = AuditEvent.objects.get(pk=row.pk)
    assert stored.hash == row.hash
    assert stored.computed_hash() == stored.hash


PROXY_SETTINGS = {
    "AXES_IPWARE_PROXY_COUNT": 1,
    "AXES_IPWARE_PROXY_ORDER": "right-most",
    "AXES_IPWARE_META_PRECEDENCE_ORDER": ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
}


def test_the_address_is_the_one_the_lockout_counts(settings, db):
    for name, value in PROXY_SETTINGS.items():
        setattr(settings, name, value)
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 8.8.4.4"
    )
    row = audit.record(audit.Event.LOGIN_FAILED, request=request, username="x")
    assert row.client_address == get_client_ip_address(request)


def test_behind_a_trusted_proxy_the_address_is_the_forwarded_one(settings, db):
    for name, value in PROXY_SETTINGS.items():
        setattr(settings, name, value)
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 8.8.4.4"
    )
    row = audit.record(audit.Event.LOGIN_FAILED, request=request, username="x")
    assert row.client_address == "8.8.4.4"


def test_without_proxies_a_forged_forwarded_header_is_ignored(db):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.8", HTTP_X_FORWARDED_FOR="6.6.6.6")
    row = audit.record(audit.Event.LOGIN_FAILED, request=request, username="x")
    assert row.client_address == "10.0.0.8"


def test_id_numbers_are_masked_and_nul_dropped_before_hashing(db):
    row = audit.record(
        audit.Event.LOGIN_FAILED,
        username="41172619800101001X\x00",
        query="身份证 41172619800101001X",
    )
    stored = AuditEvent.objects.get(pk=row.pk)
    assert stored.username == "4117**********001X"
    assert stored.detail == {"query": "身份证 4117**********001X"}
    assert stored.computed_hash() == stored.hash


def test_text_is_cut_to_its_column(db):
    row = audit.record(audit.Event.LOGIN_FAILED, username="名" * 400)
    assert AuditEvent.objects.get(pk=row.pk).username == "名" * 150


def test_an_unknown_event_kind_is_refused(db):
    with pytest.raises(ValueError):
        audit.record("coffee_made")
    assert events() == []


def test_a_row_is_never_saved_twice_updated_or_deleted_through_the_orm(db):
    row = audit.record(audit.Event.LOG_VIEWED)
    row.username = "someone else"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=row.pk).update(username="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=row.pk).username == ""
