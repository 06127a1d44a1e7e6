"""Registering people and moving applications through township review and bureau approval."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from relief import services
from relief.models import ApplicationStatus, DuplicateStatus, Payment
from tests.factories import TownshipStaffFactory
from tests.relief.factories import PersonFactory, TemporaryAssistanceFactory, id_number


def register(user, township, n=1, name="李秀英", **extra):
    return services.register_person(
        user=user, township=township, village="王庄村", name=name, id_number=id_number(n), **extra
    )


def test_the_same_id_number_cannot_be_registered_twice(town1, township1):
    register(town1, township1)
    with pytest.raises(ValidationError) as error:
        register(town1, township1, name="李秀英（重复）")
    assert "id_number" in error.value.error_dict


def test_same_name_and_birthday_in_the_township_is_flagged_not_refused(town1, township1):
    first = register(town1, township1, n=1)
    second = register(town1, township1, n=2)  # same birth date, another sequence number
    first.refresh_from_db()
    assert second.duplicate_status == DuplicateStatus.FLAGGED
    assert first.duplicate_status == DuplicateStatus.FLAGGED
    services.mark_distinct(person=second, user=town1)
    second.refresh_from_db()
    assert second.duplicate_status == DuplicateStatus.DISTINCT


def test_township_staff_cannot_register_in_another_township(town1, township2):
    with pytest.raises(PermissionDenied):
        register(town1, township2)


@pytest.fixture
def person(township1):
    return PersonFactory(township=township1)


@pytest.fixture
def reviewer(township1):
    return TownshipStaffFactory(township=township1, full_name="审核人")


@pytest.fixture
def application(town1, person):
    return services.file_application(
        user=town1,
        person=person,
        programme=TemporaryAssistanceFactory(),
        amount=Decimal("1500.00"),
        reason="火灾受损",
    )


def test_application_is_reviewed_by_the_township_then_approved_by_the_bureau(
    application, reviewer, officer, settings
):
    settings.RELIEF_PUBLIC_NOTICE_DAYS = (
        0  # paid at once (公示: tests/relief/test_public_notice.py)
    )
    services.review_application(application=application, user=reviewer)
    services.approve_application(application=application, user=officer)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert Payment.objects.get().amount == Decimal("1500.00")


def test_bureau_cannot_approve_before_township_review(application, officer):
    with pytest.raises(ValidationError):
        services.approve_application(application=application, user=officer)


def test_township_staff_cannot_give_the_bureau_approval(application, reviewer, town1):
    services.review_application(application=application, user=reviewer)
    with pytest.raises(PermissionDenied):
        services.approve_application(application=application, user=town1)


def test_the_clerk_who_filed_cannot_pass_the_township_review(application):
    with pytest.raises(PermissionDenied):
        services.review_application(application=application, user=application.filed_by)
    application.refresh_from_db()
    assert (application.status, application.reviewed_by) == (ApplicationStatus.SUBMITTED, None)


def test_the_clerk_who_filed_cannot_reject_at_the_township_review(application):
    with pytest.raises(PermissionDenied):
        services.reject_application(application=application, user=application.filed_by, note="x")


def test_the_database_refuses_a_review_by_the_filer(application):
    from django.db import IntegrityError, transaction

    from relief.models import Application

    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(reviewed_by=application.filed_by)


def test_amount_above_the_ceiling_is_refused(town1, person):
    with pytest.raises(ValidationError) as error:
        services.file_application(
            user=town1,
            person=person,
            programme=TemporaryAssistanceFactory(ceiling=1000),
            amount=Decimal("1000.01"),
            reason="x",
        )
    assert "amount" in error.value.error_dict


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5")])
def test_zero_or_negative_amount_is_refused(town1, person, amount):
    with pytest.raises(ValidationError):
        services.file_application(
            user=town1,
            person=person,
            programme=TemporaryAssistanceFactory(),
            amount=amount,
            reason="x",
        )


def test_returned_application_goes_back_to_its_filer(application, reviewer, officer):
    services.review_application(application=application, user=reviewer)
    services.return_application(application=application, user=officer, note="请补充医院诊断证明")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED
    services.resubmit_application(
        application=application, user=application.filed_by, reason="已补充诊断证明"
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_rejection_needs_a_reason(application, reviewer):
    with pytest.raises(ValidationError):
        services.reject_application(application=application, user=reviewer, note=" ")


def test_another_township_cannot_file_for_a_person(town2, person):
    with pytest.raises(PermissionDenied):
        services.file_application(
            user=town2,
            person=person,
            programme=TemporaryAssistanceFactory(),
            amount=Decimal(100),
            reason="x",
        )


def test_a_clerk_is_not_asked_to_review_what_they_filed(application, reviewer):
    from relief.models import Application

    assert not Application.objects.waiting_for(application.filed_by).exists()
    assert list(Application.objects.waiting_for(reviewer)) == [application]


def test_the_applications_page_offers_the_review_only_to_a_colleague(
    client_for, application, reviewer
):
    from django.urls import reverse

    review = reverse("relief:application_action", args=[application.pk, "review"])
    mine = client_for(application.filed_by).get(reverse("relief:applications"))
    assert review not in mine.content.decode()
    theirs = client_for(reviewer).get(reverse("relief:applications"))
    assert review in theirs.content.decode()
