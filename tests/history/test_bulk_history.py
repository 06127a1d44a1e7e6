"""Rows made in bulk keep a history too: a batch's lines and payments each get their first
version (who, when, from where) in one statement, however many there are."""

import datetime

import pytest
from django.urls import reverse

from config.history import record_bulk_created
from relief import services
from relief.models import BatchLine, Household, Payment
from tests.factories import UserFactory
from tests.history.conftest import history_section
from tests.relief.factories import PersonCategoryFactory, PersonFactory, ProgrammeFactory


@pytest.fixture
def roster(township1):
    """A programme and three people eligible for it."""
    programme = ProgrammeFactory()
    for n in range(3):
        PersonCategoryFactory(person=PersonFactory(township=township1, village=f"村{n}"))
    return programme


def test_generating_a_batch_records_each_line_with_who_and_from_where(client_for, officer, roster):
    response = client_for(officer).post(
        reverse("relief:batches"),
        {"programme": roster.pk, "period": "2027-01"},
        REMOTE_ADDR="203.0.113.21",
    )
    assert response.status_code == 302
    lines = {line.pk: line for line in BatchLine.objects.all()}
    versions = list(BatchLine.history.all())
    assert len(lines) == 3
    assert sorted(v.id for v in versions) == sorted(lines)
    for version in versions:
        line = lines[version.id]
        assert version.history_type == "+"
        assert version.history_user == officer
        assert version.ip_address == "203.0.113.21"
        assert (version.person_id, version.person_name, version.amount, version.excluded) == (
            line.person_id,
            line.person_name,
            line.amount,
            False,
        )


def test_approving_a_batch_records_each_payment_with_the_approver(client_for, officer, roster):
    maker = UserFactory(username="maker")
    batch = services.generate_batch(programme=roster, period="2027-01", user=maker)
    response = client_for(officer).post(
        reverse("relief:batch_action", args=[batch.pk, "approve"]), REMOTE_ADDR="203.0.113.22"
    )
    assert response.status_code == 302
    payments = {p.pk: p for p in Payment.objects.filter(batch=batch)}
    versions = list(Payment.history.filter(batch_id=batch.pk))
    assert len(payments) == 3
    assert sorted(v.id for v in versions) == sorted(payments)
    for version in versions:
        assert version.history_type == "+"
        assert version.history_user == officer
        assert version.ip_address == "203.0.113.22"
        assert version.history_date == payments[version.id].approved_at
        assert version.amount == payments[version.id].amount


def test_a_batch_made_outside_a_request_keeps_its_maker_and_no_address(officer, roster):
    batch = services.generate_batch(programme=roster, period="2027-01", user=officer)
    versions = BatchLine.history.filter(batch_id=batch.pk)
    assert versions.count() == 3
    assert {(v.history_user_id, v.ip_address) for v in versions} == {(officer.pk, None)}


@pytest.mark.parametrize("count", [3, 40])
def test_recording_rows_made_in_bulk_is_one_statement_however_many(
    township1, count, django_assert_num_queries
):
    made = Household.objects.bulk_create(
        Household(township=township1, village="王庄村", address=f"{n}号", monthly_income=n)
        for n in range(count)
    )
    rows = Household.objects.filter(pk__in=[h.pk for h in made])
    when = datetime.datetime(2027, 1, 5, 9, 30, tzinfo=datetime.UTC)
    with django_assert_num_queries(1):
        record_bulk_created(rows, date=when)
    versions = {v.id: v for v in Household.history.all()}
    assert set(versions) == {h.pk for h in made}
    for household in made:
        version = versions[household.pk]
        assert (version.address, version.monthly_income) == (household.address, n_of(household))
        assert version.history_date == when
        assert version.history_user_id is None


def n_of(household):
    return int(household.address.removesuffix("号"))


def test_a_line_left_out_later_shows_on_the_batch_page_against_the_generated_one(
    client_for, officer, roster
):
    maker = UserFactory(username="maker")
    batch = services.generate_batch(programme=roster, period="2027-01", user=maker)
    line = batch.lines.order_by("village").first()
    client = client_for(officer)
    client.post(
        reverse("relief:batch_action", args=[batch.pk, "exclude"]),
        {"line": line.pk, "reason": "已迁出本县"},
    )
    page = client.get(batch.get_absolute_url()).content.decode()
    section = history_section(page)
    assert f"{line.person_name}" in section
    assert "已迁出本县" in section
    # Only the change: the roster's 3 generated lines are the page itself, not history.
    assert section.count(line.person_name) == 1
