"""Disbursement batches: eligibility by category and dates, exclusions, freezing, no double pay."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from relief import services
from relief.models import BatchStatus, Payment
from tests.factories import UserFactory
from tests.relief.factories import PersonCategoryFactory, ProgrammeFactory


@pytest.fixture
def programme(db):
    return ProgrammeFactory(name="孤儿基本生活费")


@pytest.fixture
def clerk(db):
    return UserFactory(full_name="制表人")


def test_batch_takes_people_whose_category_covers_the_month(programme, officer, township1):
    current = PersonCategoryFactory(
        person__township=township1, start_date=datetime.date(2026, 6, 1)
    )
    PersonCategoryFactory(start_date=datetime.date(2027, 2, 1))  # recognised later
    PersonCategoryFactory(
        start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2026, 12, 31)
    )  # ended
    PersonCategoryFactory(category="dibao")  # not eligible
    batch = services.generate_batch(programme=programme, period="2027-01", user=officer)
    assert [line.person_id for line in batch.lines.all()] == [current.person_id]


def test_children_raised_in_an_institution_get_their_standard(programme, officer):
    PersonCategoryFactory(raised_in_institution=True)
    PersonCategoryFactory(raised_in_institution=False)
    batch = services.generate_batch(programme=programme, period="2027-01", user=officer)
    assert sorted(batch.lines.values_list("amount", flat=True)) == [Decimal(600), Decimal(1000)]
    assert batch.total == Decimal(1600)
    assert batch.count == 2


def test_excluding_a_person_needs_a_reason_and_updates_the_totals(programme, officer):
    PersonCategoryFactory()
    batch = services.generate_batch(programme=programme, period="2027-01", user=officer)
    line = batch.lines.get()
    with pytest.raises(ValidationError):
        services.exclude_from_batch(line=line, user=officer, reason="")
    services.exclude_from_batch(line=line, user=officer, reason="已于1月去世")
    batch.refresh_from_db()
    assert batch.count == 0 and batch.total == 0


def test_approved_batch_is_frozen_against_later_edits_to_people(programme, clerk, officer):
    category = PersonCategoryFactory(person__name="张小明")
    batch = services.generate_batch(programme=programme, period="2027-01", user=clerk)
    services.approve_batch(batch=batch, user=officer)
    category.person.name = "张晓明"
    category.person.save()
    category.raised_in_institution = True
    category.save()
    batch.refresh_from_db()
    line = batch.lines.get()
    assert (batch.total, batch.count, line.person_name, line.amount) == (
        Decimal(600),
        1,
        "张小明",
        Decimal(600),
    )
    with pytest.raises(ValidationError):
        services.exclude_from_batch(line=line, user=officer, reason="补录")


def test_nobody_approves_a_batch_they_made(programme, officer):
    from django.core.exceptions import PermissionDenied

    batch = services.generate_batch(programme=programme, period="2027-01", user=officer)
    with pytest.raises(PermissionDenied):
        services.approve_batch(batch=batch, user=officer)


def test_a_second_batch_for_the_same_month_cannot_pay_anyone_twice(programme, clerk, officer):
    PersonCategoryFactory()
    first = services.generate_batch(programme=programme, period="2027-01", user=clerk)
    second = services.generate_batch(programme=programme, period="2027-01", user=clerk)
    services.approve_batch(batch=first, user=officer)
    with pytest.raises(ValidationError):
        services.approve_batch(batch=second, user=officer)
    second.refresh_from_db()
    assert second.status == BatchStatus.DRAFT
    assert Payment.objects.count() == 1


def test_paid_batch_records_the_method(programme, clerk, officer):
    PersonCategoryFactory()
    batch = services.generate_batch(programme=programme, period="2027-01", user=clerk)
    services.approve_batch(batch=batch, user=officer)
    services.mark_batch_paid(batch=batch, user=officer, method="bank")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PAID and batch.method == "bank"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a server database for two connections"
)
def test_two_concurrent_approvals_pay_each_person_once():
    programme = ProgrammeFactory(name="并发测试项目")
    PersonCategoryFactory.create_batch(5)
    clerk, approver_a, approver_b = UserFactory(), UserFactory(), UserFactory()
    batches = [
        services.generate_batch(programme=programme, period="2027-01", user=clerk) for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(batch, user):
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            services.approve_batch(batch=batch, user=user)
            outcomes.append("approved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=approve, args=(batches[0], approver_a)),
        threading.Thread(target=approve, args=(batches[1], approver_b)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["approved", "refused"]
    assert Payment.objects.count() == 5
