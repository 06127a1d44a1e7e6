"""Relief writes: registering people, applications through two levels, batches and visits.

Never log an ID number: messages name people by name and masked number only.
"""

import calendar
import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from relief.models import (
    Application,
    ApplicationStatus,
    BatchLine,
    BatchStatus,
    DisbursementBatch,
    DuplicateStatus,
    HomeVisit,
    Payment,
    Person,
    PersonCategory,
    ProgrammeKind,
)


def _in_township(user, township_id):
    return user.is_active and (
        user.is_county_wide or (user.is_township_staff and user.township_id == township_id)
    )


# --- People ------------------------------------------------------------------


@transaction.atomic
def register_person(*, user, **fields):
    """Save a new person; a same-name, same-birthday person in the township flags both for a decision."""
    if not (user.is_county_wide or user.is_township_staff) or not _in_township(
        user, fields["township"].pk
    ):
        raise PermissionDenied
    person = Person(**fields)
    _refuse_taken_id_number(person)
    person.save()
    _flag_likely_duplicates(person)
    return person


def _refuse_taken_id_number(person):
    number = person.id_number.strip().upper()
    if Person.objects.filter(id_number=number).exclude(pk=person.pk).exists():
        raise ValidationError(
            {"id_number": _("A person with this ID number is already registered.")}
        )


def _flag_likely_duplicates(person):
    """Same name and birth date in the township: flag both for a person to decide."""
    duplicates = person.likely_duplicates()
    if person.duplicate_status != DuplicateStatus.DISTINCT and duplicates.exists():
        duplicates.update(duplicate_status=DuplicateStatus.FLAGGED)
        person.duplicate_status = DuplicateStatus.FLAGGED
        person.save(update_fields=["duplicate_status"])


@transaction.atomic
def update_person(*, person, user, **fields):
    """Edit a person in the user's scope; a new likely duplicate flags both again."""
    if not (user.is_county_wide or user.is_township_staff) or not _in_township(
        user, person.township_id
    ):
        raise PermissionDenied
    if not _in_township(user, fields.get("township", person.township).pk):
        raise PermissionDenied
    for name, value in fields.items():
        setattr(person, name, value)
    _refuse_taken_id_number(person)
    person.save()
    _flag_likely_duplicates(person)
    return person


def mark_distinct(*, person, user):
    if not _in_township(user, person.township_id):
        raise PermissionDenied
    person.duplicate_status = DuplicateStatus.DISTINCT
    person.save(update_fields=["duplicate_status"])


def may_see_full_id(user, person):
    """Township staff of the person's township and the county roles; nobody else."""
    return _in_township(user, person.township_id)


# --- Applications --------------------------------------------------------------


def file_application(*, user, person, programme, amount, reason, is_emergency=False):
    if not (user.is_township_staff and user.township_id == person.township_id):
        raise PermissionDenied  # applications are filed by the person's township
    errors = {}
    if programme.kind != ProgrammeKind.ONE_OFF:
        errors["programme"] = _(
            "Only one-off assistance is applied for; the others are paid in batches."
        )
    if amount <= 0:
        errors["amount"] = _("The amount must be more than zero.")
    elif programme.ceiling is not None and amount > programme.ceiling:
        errors["amount"] = _(
            "The amount is above this programme's ceiling of %(ceiling)s yuan."
        ) % {"ceiling": programme.ceiling}
    if is_emergency and not programme.help_first:
        errors["is_emergency"] = _("This programme does not allow helping first.")
    if errors:
        raise ValidationError(errors)
    return Application.objects.create(
        person=person,
        programme=programme,
        amount=amount,
        reason=reason,
        is_emergency=is_emergency,
        filed_by=user,
    )


def _locked(application):
    return (
        Application.objects.select_for_update()
        .select_related("person", "programme")
        .get(pk=application.pk)
    )


@transaction.atomic
def review_application(*, application, user, note=""):
    application = _locked(application)
    if not (user.is_township_staff and user.township_id == application.person.township_id):
        raise PermissionDenied
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(_("Only an application waiting for township review can be reviewed."))
    application.status = ApplicationStatus.REVIEWED
    application.reviewed_by = user
    application.decision_note = note
    application.save()
    return application


@transaction.atomic
def approve_application(*, application, user, note=""):
    application = _locked(application)
    if not user.is_county_wide or user.pk in (application.filed_by_id, application.reviewed_by_id):
        raise PermissionDenied
    if application.status != ApplicationStatus.REVIEWED:
        raise ValidationError(
            _("The township must review an application before the bureau approves it.")
        )
    application.status = ApplicationStatus.APPROVED
    application.decided_by = user
    application.decided_at = timezone.now()
    application.decision_note = note
    application.save()
    Payment.objects.create(
        person=application.person,
        programme=application.programme,
        period=f"A{application.pk}",
        amount=application.amount,
        application=application,
    )
    return application


@transaction.atomic
def reject_application(*, application, user, note):
    return _close(application, user, note, ApplicationStatus.REJECTED)


@transaction.atomic
def return_application(*, application, user, note):
    return _close(application, user, note, ApplicationStatus.RETURNED)


def _close(application, user, note, status):
    application = _locked(application)
    reviewer_stage = (
        application.status == ApplicationStatus.SUBMITTED
        and user.is_township_staff
        and (user.township_id == application.person.township_id)
    )
    bureau_stage = application.status == ApplicationStatus.REVIEWED and user.is_county_wide
    if not (reviewer_stage or bureau_stage):
        raise PermissionDenied
    if bureau_stage and user.pk == application.filed_by_id:
        raise PermissionDenied
    if not (note or "").strip():
        raise ValidationError({"note": _("Give the reason.")})
    application.status = status
    application.decided_by = user if bureau_stage else None
    application.decision_note = note
    application.decided_at = timezone.now()
    application.save()
    return application


@transaction.atomic
def resubmit_application(*, application, user, reason):
    application = _locked(application)
    if application.status != ApplicationStatus.RETURNED or user.pk != application.filed_by_id:
        raise PermissionDenied
    application.reason = reason
    application.status = ApplicationStatus.SUBMITTED
    application.reviewed_by = None
    application.decided_by = None
    application.save()
    return application


# --- Disbursement batches ------------------------------------------------------


def period_bounds(period):
    year, month = (int(part) for part in period.split("-"))
    return datetime.date(year, month, 1), datetime.date(
        year, month, calendar.monthrange(year, month)[1]
    )


@transaction.atomic
def generate_batch(*, programme, period, user):
    """The people eligible for a programme in a month, from their categories and dates."""
    if not user.is_county_wide:
        raise PermissionDenied
    if programme.kind == ProgrammeKind.ONE_OFF:
        raise ValidationError(
            {"programme": _("One-off assistance is paid by application, not in batches.")}
        )
    try:
        first, last = period_bounds(period)
    except (ValueError, TypeError) as error:
        raise ValidationError(
            {"period": _("Enter the period as year-month, e.g. 2027-01.")}
        ) from error
    batch = DisbursementBatch.objects.create(programme=programme, period=period, created_by=user)
    categories = (
        PersonCategory.objects.filter(
            category__in=programme.eligible_categories, start_date__lte=last
        )
        .exclude(end_date__lt=first)
        .select_related("person")
        .order_by("person_id", "category")
    )
    lines, seen = [], set()
    for category in categories:
        if category.person_id in seen:
            continue  # one line a person, whatever number of eligible categories
        seen.add(category.person_id)
        lines.append(
            BatchLine(
                batch=batch,
                person=category.person,
                category=category.category,
                amount=programme.amount_for(category) or 0,
                person_name=category.person.name,
                village=category.person.village,
            )
        )
    BatchLine.objects.bulk_create(lines)
    _refresh_totals(batch)
    return batch


def _refresh_totals(batch):
    included = batch.lines.filter(excluded=False)
    batch.total = included.aggregate(total=Sum("amount"))["total"] or 0
    batch.count = included.count()
    batch.save(update_fields=["total", "count"])


@transaction.atomic
def exclude_from_batch(*, line, user, reason):
    batch = DisbursementBatch.objects.select_for_update().get(pk=line.batch_id)
    if not user.is_county_wide:
        raise PermissionDenied
    if batch.is_frozen:
        raise ValidationError(_("An approved batch cannot change."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for leaving this person out.")})
    line.excluded = True
    line.exclusion_reason = reason
    line.save(update_fields=["excluded", "exclusion_reason"])
    _refresh_totals(batch)


def approve_batch(*, batch, user):
    """Freeze the batch and record one payment a person; a second payment for the same
    programme and period is refused by the database, even from a concurrent approval."""
    try:
        with transaction.atomic():
            batch = DisbursementBatch.objects.select_for_update().get(pk=batch.pk)
            if not user.is_county_wide or user.pk == batch.created_by_id:
                raise PermissionDenied
            if batch.is_frozen:
                raise ValidationError(_("This batch has already been approved."))
            lines = list(batch.lines.filter(excluded=False))
            now = timezone.now()
            Payment.objects.bulk_create(
                Payment(
                    person_id=line.person_id,
                    programme_id=batch.programme_id,
                    period=batch.period,
                    amount=line.amount,
                    batch=batch,
                    approved_at=now,
                )
                for line in lines
            )
            batch.status = BatchStatus.APPROVED
            batch.approved_by = user
            batch.approved_at = now
            batch.count = len(lines)
            batch.total = sum((line.amount for line in lines), start=Decimal(0))
            batch.save()
            return batch
    except IntegrityError as error:
        raise ValidationError(
            _(
                "Some people in this batch have already been paid by this programme for %(period)s; "
                "exclude them and approve again."
            )
            % {"period": batch.period}
        ) from error


@transaction.atomic
def mark_batch_paid(*, batch, user, method):
    batch = DisbursementBatch.objects.select_for_update().get(pk=batch.pk)
    if not user.is_county_wide:
        raise PermissionDenied
    if batch.status != BatchStatus.APPROVED:
        raise ValidationError(_("Only an approved batch can be marked as paid."))
    batch.status = BatchStatus.PAID
    batch.method = method
    batch.paid_at = timezone.now()
    batch.save()
    return batch


# --- Visits ------------------------------------------------------------------


@transaction.atomic
def record_visit(*, person, user, visited_on, findings, needs, follow_up="", follow_up_owner=None):
    if not _in_township(user, person.township_id):
        raise PermissionDenied
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("A visit cannot be in the future.")})
    visit = HomeVisit.objects.create(
        person=person,
        visitor=user,
        visited_on=visited_on,
        findings=findings,
        needs=needs,
        follow_up=follow_up,
        follow_up_owner=follow_up_owner,
    )
    if person.last_visited_on is None or visited_on > person.last_visited_on:
        person.last_visited_on = visited_on
        person.save(update_fields=["last_visited_on"])
    return visit
