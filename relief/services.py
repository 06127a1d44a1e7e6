"""Relief writes: registering people, applications through two levels, batches and visits.

Never log an ID number: messages name people by name and masked number only.
"""

import calendar
import datetime
import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from config.history import record_bulk_created
from relief.eligibility import assess
from relief.models import (
    RECOGNITION_OPEN,
    Application,
    ApplicationStatus,
    BatchLine,
    BatchStatus,
    ChildRecognition,
    DisbursementBatch,
    DuplicateStatus,
    FoundReport,
    FoundStatus,
    HomeVisit,
    MonitoringFlag,
    NoticeObjection,
    ObjectionStatus,
    Payment,
    Person,
    PersonCategory,
    PriceTrigger,
    ProgrammeKind,
    RecognitionStatus,
    RegistrationConflict,
    TransferRequest,
    TransferStatus,
    price_thresholds,
    public_notice_days,
)
from relief.validators import normalize_id_number, parse_period, validate_relief_date

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock(class, key): the class keeps relief's keys apart from any other lock.
ID_NUMBER_LOCK_CLASS = 0x52454C49  # "RELI"
ID_NUMBER_LOCK_SALT = "relief.services.id_number_lock"


def _in_township(user, township_id):
    return user.is_active and (
        user.is_county_wide or (user.is_township_staff and user.township_id == township_id)
    )


def in_own_village(user, person):
    """A village worker and a person of their village (the township and the village as the
    person is registered with it)."""
    return (
        user.is_active
        and user.is_village_worker
        and user.township_id == person.township_id
        and bool(user.village)
        and user.village == person.village
    )


def may_record_visit(user, person):
    return _in_township(user, person.township_id) or in_own_village(user, person)


# --- People ------------------------------------------------------------------


class IdNumberTaken(ValidationError):
    """The ID number belongs to a registered person.

    `holder` is that person when the user may see them (their township, or a county role);
    otherwise `conflict` is the record of this attempt, from which the user's township may
    ask for a transfer, and the message names neither the township nor the person.
    """

    def __init__(self, message, *, holder=None, conflict=None):
        super().__init__({"id_number": [message]})
        self.holder = holder
        self.conflict = conflict


@sensitive_variables("fields")
def register_person(*, user, **fields):
    """Save a new person; a same-name, same-birthday person in the township flags both for a decision.

    Not one transaction on purpose: a refused number held by another township leaves a record
    of the attempt for the bureau, in the caller's transaction.
    """
    if not (user.is_county_wide or user.is_township_staff) or not _in_township(
        user, fields["township"].pk
    ):
        raise PermissionDenied
    return _save_person(Person(**fields), user)


def _save_person(person, user):
    """Save with its ID number unique and likely duplicates flagged, or raise IdNumberTaken
    (after the save's transaction, so that the record of a conflict is kept)."""
    with transaction.atomic():
        holder = _save_unless_number_taken(person)
        if holder is None:
            _flag_likely_duplicates(person)
    if holder is not None:
        raise _id_number_taken(user, holder, township=person.township)
    return person


def _save_unless_number_taken(person):
    """Save and return None, or return the person who holds the number.

    The unique constraint is the check. The lock keeps two registrations of one number from
    racing to it; a race that still reaches it (a writer that took no lock) is answered the
    same way, never with a 500 or a log line carrying the number."""
    person.id_number = normalize_id_number(person.id_number)
    _lock_id_number(person.id_number)
    holder = _holder_of(person)
    if holder is not None:
        return holder
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        holder = _holder_of(person)
        if holder is None:
            raise
        return holder
    return None


def _holder_of(person):
    return (
        Person.objects.with_id_number(person.id_number)
        .exclude(pk=person.pk)
        .select_related("township")
        .first()
    )


@sensitive_variables()
def _lock_id_number(number):
    """On PostgreSQL, one registration of a number at a time, until its transaction ends: the
    second waits for the first to commit and then finds its person. The key is a keyed hash,
    so neither the statement nor pg_locks shows the number. SQLite has one writer anyway."""
    if connection.vendor != "postgresql":
        return
    digest = salted_hmac(ID_NUMBER_LOCK_SALT, number, algorithm="sha256").digest()
    key = int.from_bytes(digest[:4], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ID_NUMBER_LOCK_CLASS, key])


def _id_number_taken(user, holder, *, township):
    if _in_township(user, holder.township_id):
        return IdNumberTaken(
            _("A person with this ID number is already registered: open their page below."),
            holder=holder,
        )
    conflict = RegistrationConflict.objects.create(
        person=holder,
        township=township,
        asked_by=user,
        masked_id=holder.masked_id,
    )
    logger.warning(
        "Registration conflict %s: %s of township %s asked to register %s, held by township %s",
        conflict.pk,
        user.username,
        township.pk,
        conflict.masked_id,
        holder.township_id,
    )
    return IdNumberTaken(
        _(
            "This ID number is registered in another township. Contact the county civil "
            "affairs bureau (县民政局) to check it; if the person has moved to your township, "
            "ask for a transfer below."
        ),
        conflict=conflict,
    )


def _flag_likely_duplicates(person):
    """Same name and birth date in the township: flag both for a person to decide."""
    duplicates = person.likely_duplicates()
    if person.duplicate_status != DuplicateStatus.DISTINCT and duplicates.exists():
        duplicates.update(duplicate_status=DuplicateStatus.FLAGGED)
        person.duplicate_status = DuplicateStatus.FLAGGED
        person.save(update_fields=["duplicate_status"])


@sensitive_variables("fields")
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
    return _save_person(person, user)


def mark_distinct(*, person, user):
    if not _in_township(user, person.township_id):
        raise PermissionDenied
    person.duplicate_status = DuplicateStatus.DISTINCT
    person.save(update_fields=["duplicate_status"])


def may_see_full_id(user, person):
    """Township staff of the person's township and the county roles; nobody else."""
    return _in_township(user, person.township_id)


# --- Conflicts and transfers between townships -------------------------------------------


@transaction.atomic
def request_transfer(*, conflict, user, village, address="", reason):
    """The township that was refused a number asks the bureau to move the person to it."""
    conflict = RegistrationConflict.objects.select_for_update().get(pk=conflict.pk)
    person = Person.objects.select_for_update().get(pk=conflict.person_id)
    if not (user.is_active and user.is_township_staff and user.township_id == conflict.township_id):
        raise PermissionDenied
    if not conflict.is_open or TransferRequest.objects.filter(conflict=conflict).exists():
        raise ValidationError(_("This conflict is already with the bureau or resolved."))
    if person.township_id == conflict.township_id:
        raise ValidationError(_("This person is already registered in your township."))
    if TransferRequest.objects.filter(person=person, status=TransferStatus.PENDING).exists():
        raise ValidationError(_("A transfer of this person is already waiting for the bureau."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason.")})
    return TransferRequest.objects.create(
        person=person,
        from_township_id=person.township_id,
        to_township_id=conflict.township_id,
        village=village,
        address=address,
        reason=reason,
        conflict=conflict,
        requested_by=user,
    )


def _locked_transfer(transfer, user):
    transfer = TransferRequest.objects.select_for_update().get(pk=transfer.pk)
    if not (user.is_active and user.is_county_wide) or user.pk == transfer.requested_by_id:
        raise PermissionDenied
    if transfer.status != TransferStatus.PENDING:
        raise ValidationError(_("This transfer has already been decided."))
    return transfer


@transaction.atomic
def approve_transfer(*, transfer, user, note=""):
    """The person now belongs to the new township; their history stays with them."""
    transfer = _locked_transfer(transfer, user)
    person = Person.objects.select_for_update().get(pk=transfer.person_id)
    if person.township_id != transfer.from_township_id:
        raise ValidationError(_("This person has moved since the request was made."))
    if person.applications.filter(
        status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWED]
    ).exists():
        raise ValidationError(
            _("This person has an application in progress; decide it before the transfer.")
        )
    now = timezone.now()
    person.township_id = transfer.to_township_id
    person.village = transfer.village
    person.address = transfer.address
    person.household = None  # the household stays behind in the old township
    person._history_user = user  # the person's history records who moved them
    person.save()
    # Their applications (all decided: checked above) go with them, so the new township
    # sees the person's whole record and the old one no longer lists it.
    person.applications.update(township_id=transfer.to_township_id)
    _flag_likely_duplicates(person)
    transfer.status = TransferStatus.APPROVED
    transfer.decided_by, transfer.decided_at, transfer.decision_note = user, now, note
    transfer.save()
    _resolve_conflict(transfer.conflict_id, user, now, note or _("Transfer approved."))
    return transfer


@transaction.atomic
def refuse_transfer(*, transfer, user, note):
    transfer = _locked_transfer(transfer, user)
    if not (note or "").strip():
        raise ValidationError({"note": _("Give the reason.")})
    now = timezone.now()
    transfer.status = TransferStatus.REFUSED
    transfer.decided_by, transfer.decided_at, transfer.decision_note = user, now, note
    transfer.save()
    _resolve_conflict(transfer.conflict_id, user, now, note)
    return transfer


@transaction.atomic
def resolve_conflict(*, conflict, user, note):
    """The bureau closes a conflict it settled otherwise (a mistyped number, a phone call)."""
    conflict = RegistrationConflict.objects.select_for_update().get(pk=conflict.pk)
    if not (user.is_active and user.is_county_wide):
        raise PermissionDenied
    if not conflict.is_open:
        raise ValidationError(_("This conflict has already been resolved."))
    if TransferRequest.objects.filter(conflict=conflict, status=TransferStatus.PENDING).exists():
        raise ValidationError(_("Decide the transfer requested for this conflict instead."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Give the reason.")})
    _resolve_conflict(conflict.pk, user, timezone.now(), note)


def _resolve_conflict(conflict_id, user, when, note):
    if conflict_id is not None:
        RegistrationConflict.objects.filter(pk=conflict_id, resolved_at__isnull=True).update(
            resolved_by=user, resolved_at=when, resolution=note
        )


# --- Applications --------------------------------------------------------------


def file_application(
    *,
    user,
    person,
    programme,
    amount,
    reason,
    is_emergency=False,
    submission_token=None,
    single_person_coverage=False,
    employment_cost_deduction=False,
    earned_income=None,
):
    """File an application; the same form sent again (same token) returns the first one."""
    if not (user.is_township_staff and user.township_id == person.township_id):
        raise PermissionDenied  # applications are filed by the person's township
    if submission_token is not None:
        earlier = _filed_with(submission_token, user=user, person=person)
        if earlier is not None:
            return earlier
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
    assessment = None
    try:
        assessment = assess(
            person,
            single_person=single_person_coverage,
            employment_deduction=employment_cost_deduction,
            earned_income=earned_income,
        )
    except ValidationError as refused:
        errors.update(refused.message_dict)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return Application.objects.create(
                person=person,
                township_id=person.township_id,
                programme=programme,
                amount=amount,
                reason=reason,
                is_emergency=is_emergency,
                filed_by=user,
                submission_token=submission_token,
                single_person_coverage=single_person_coverage,
                employment_cost_deduction=employment_cost_deduction,
                earned_income=earned_income or 0,
                income_per_head=assessment.per_head,
                within_dibao_standard=assessment.within_standard,
            )
    except IntegrityError:
        # The same form sent twice at once: the other request filed it.
        earlier = _filed_with(submission_token, user=user, person=person)
        if submission_token is None or earlier is None:
            raise
        return earlier


def _filed_with(token, *, user, person):
    earlier = Application.objects.filter(submission_token=token).first()
    if earlier is not None and (earlier.filed_by_id, earlier.person_id) != (user.pk, person.pk):
        raise ValidationError(_("This form has already been used; reload the page and try again."))
    return earlier


def _locked(application):
    return (
        Application.objects.select_for_update()
        .select_related("person", "programme")
        .get(pk=application.pk)
    )


@transaction.atomic
def review_application(*, application, user, note=""):
    application = _locked(application)
    if not (user.is_township_staff and user.township_id == application.township_id):
        raise PermissionDenied
    if user.pk == application.filed_by_id:
        raise PermissionDenied  # a colleague reviews what a clerk filed
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(_("Only an application waiting for township review can be reviewed."))
    application.status = ApplicationStatus.REVIEWED
    application.reviewed_by = user
    application.reviewed_at = timezone.now()
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
    days = public_notice_days()
    if days > 0:
        # 公示 first: paid once the notice has run without an objection standing.
        start = timezone.localdate()
        application.notice_starts_on = start
        application.notice_ends_on = start + datetime.timedelta(days=days - 1)
    application.save()
    if days <= 0:
        _pay_application(application)
    return application


def _pay_application(application):
    return Payment.objects.create(
        person=application.person,
        programme=application.programme,
        period=f"A{application.pk}",
        amount=application.amount,
        application=application,
    )


# --- Public notice (公示) and objections -----------------------------------------


def may_record_objection(user, application):
    return (
        user.is_active
        and (user.is_county_wide or user.is_township_staff)
        and _in_township(user, application.township_id)
    )


@transaction.atomic
def raise_objection(*, application, user, objector, content, raised_on):
    """An objection to a posted application: its payment waits until the bureau resolves it."""
    application = _locked(application)
    if not may_record_objection(user, application):
        raise PermissionDenied
    today = timezone.localdate()
    if not Application.objects.in_public_notice(today).filter(pk=application.pk).exists():
        raise ValidationError(
            _("Objections are recorded while the application is in public notice (公示).")
        )
    errors = {}
    if not (objector or "").strip():
        errors["objector"] = _("Say who raised the objection.")
    if not (content or "").strip():
        errors["content"] = _("Write down the objection.")
    if raised_on is None:
        errors["raised_on"] = _("Give the date the objection was raised.")
    elif raised_on > today:
        errors["raised_on"] = _("The date cannot be in the future.")
    elif raised_on < application.notice_starts_on:
        errors["raised_on"] = _("The date cannot be before the public notice began.")
    if errors:
        raise ValidationError(errors)
    return NoticeObjection.objects.create(
        application=application,
        objector=objector.strip(),
        content=content.strip(),
        raised_on=raised_on,
        recorded_by=user,
    )


@transaction.atomic
def resolve_objection(*, objection, user, upheld, note):
    """The bureau decides: upheld refuses the application; dismissed lets it proceed (and
    pays it if its 公示 is over and no other objection stands)."""
    objection = NoticeObjection.objects.select_for_update().get(pk=objection.pk)
    application = _locked(objection.application)
    if not (user.is_active and user.is_county_wide):
        raise PermissionDenied
    if objection.status != ObjectionStatus.OPEN:
        raise ValidationError(_("This objection has already been resolved."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Give the reason.")})
    now = timezone.now()
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.resolved_by, objection.resolved_at, objection.resolution = user, now, note.strip()
    objection.save()
    if upheld:
        if Payment.objects.filter(application=application).exists():
            raise ValidationError(_("This application has already been paid."))
        application.status = ApplicationStatus.REJECTED
        application.decided_by = user
        application.decided_at = now
        application.decision_note = _("Objection upheld in public notice: %(note)s") % {
            "note": note.strip()
        }
        application.save()
        # Any other objection to it is answered by the same refusal.
        NoticeObjection.objects.filter(application=application, status=ObjectionStatus.OPEN).update(
            status=ObjectionStatus.UPHELD, resolved_by=user, resolved_at=now, resolution=note
        )
    else:
        _release(application)
    return objection


def _release(application, today=None):
    """Pay an approved application whose 公示 is over with no objection standing; else nothing."""
    today = today or timezone.localdate()
    if (
        application.status != ApplicationStatus.APPROVED
        or application.notice_ends_on is None
        or Application.objects.on_hold(today).filter(pk=application.pk).exists()
        or Payment.objects.filter(application=application).exists()
    ):
        return None
    return _pay_application(application)


@transaction.atomic
def release_after_notice(*, user=None, today=None):
    """Pay every approved application whose 公示 has ended with no objection standing.

    Beat runs it every morning (relief.release_after_notice, with no user); the bureau may
    press it on the notice page the same day; a township cannot pay. The 公示 holds only the
    application's own payment: the person's monthly allowances are paid as usual meanwhile.
    Returns how many were paid."""
    if user is not None and not (user.is_active and user.is_county_wide):
        raise PermissionDenied
    today = today or timezone.localdate()
    due = (
        Application.objects.filter(
            status=ApplicationStatus.APPROVED, notice_ends_on__lt=today, payment__isnull=True
        )
        .exclude(pk__in=Application.objects.on_hold(today).values("pk"))
        .select_for_update(of=("self",))
        .select_related("person", "programme")
    )
    paid = 0
    for application in due:
        _pay_application(application)
        paid += 1
    return paid


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
        and (user.township_id == application.township_id)
        and user.pk != application.filed_by_id
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
    application.reviewed_at = None
    application.decided_by = None
    application.save()
    return application


# --- Disbursement batches ------------------------------------------------------


def period_bounds(period):
    year, month = parse_period(period)
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
    except ValidationError as error:
        raise ValidationError({"period": error.messages}) from error
    # One spelling of a month, or "２０２７-01" would be a month nobody was paid in yet.
    period = f"{first:%Y-%m}"
    batch = DisbursementBatch.objects.create(programme=programme, period=period, created_by=user)
    categories = (
        PersonCategory.objects.filter(
            category__in=programme.eligible_categories, start_date__lte=last
        )
        .exclude(end_date__lt=first)
        .select_related("person")
        .order_by("person_id", "category")
    )
    # Already paid by this programme for the month (by an approved batch): a batch made
    # after that one pays only who it left out, e.g. a child recognised since (补发).
    seen = set(
        Payment.objects.filter(programme=programme, period=period).values_list(
            "person_id", flat=True
        )
    )
    lines = []
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
    # The roster as generated is what a later exclusion or changed amount is compared with;
    # each line's first version also says who generated it and from where.
    record_bulk_created(batch.lines.all(), user=user)
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
    if len(reason) > BatchLine._meta.get_field("exclusion_reason").max_length:
        raise ValidationError({"reason": _("The reason is too long.")})
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
            # Each payment's first version says who approved it and from where.
            record_bulk_created(batch.payments.all(), user=user, date=now)
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
    if not may_record_visit(user, person):
        raise PermissionDenied
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("A visit cannot be in the future.")})
    try:
        validate_relief_date(visited_on)
    except ValidationError as error:
        raise ValidationError({"visited_on": error.messages}) from error
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


# --- Orphans and de-facto unsupported children: 认定 -----------------------------------

CHILD_AGE_LIMIT = 18


def may_report_child(user, person):
    return _in_township(user, person.township_id) or in_own_village(user, person)


@transaction.atomic
def report_child(
    *, user, person, kind, reporter_name, found_on, circumstances, raised_in_institution=False
):
    """A child found (discovery, by anyone; the reporter's name as written), to be checked."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not may_report_child(user, person):
        raise PermissionDenied
    today = timezone.localdate()
    errors = {}
    if found_on is None:
        errors["found_on"] = _("Give the date the child was found.")
    elif found_on > today:
        errors["found_on"] = _("The date cannot be in the future.")
    elif _age_on(person.birth_date, found_on) >= CHILD_AGE_LIMIT:
        errors["found_on"] = _("The person was 18 or older on this date: not a child.")
    if not (reporter_name or "").strip():
        errors["reporter_name"] = _("Say who found the child.")
    if not (circumstances or "").strip():
        errors["circumstances"] = _("Describe the child's circumstances.")
    if ChildRecognition.objects.filter(person=person, status__in=RECOGNITION_OPEN).exists():
        errors["kind"] = _("This child is already being recognised.")
    elif PersonCategory.objects.current(today).filter(person=person, category=kind).exists():
        errors["kind"] = _("This child already holds this category.")
    if errors:
        raise ValidationError(errors)
    return ChildRecognition.objects.create(
        person=person,
        township_id=person.township_id,
        kind=kind,
        raised_in_institution=raised_in_institution,
        reporter_name=reporter_name.strip(),
        found_on=found_on,
        circumstances=circumstances.strip(),
        recorded_by=user,
    )


def _age_on(born, day):
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _locked_recognition(recognition):
    return (
        ChildRecognition.objects.select_for_update().select_related("person").get(pk=recognition.pk)
    )


@transaction.atomic
def check_recognition(*, recognition, user, confirmed, note):
    """The township checks (home visit, documents): confirmed goes to the county; not
    confirmed closes it here."""
    recognition = _locked_recognition(recognition)
    if not (
        user.is_active and user.is_township_staff and user.township_id == recognition.township_id
    ):
        raise PermissionDenied
    if recognition.status != RecognitionStatus.FOUND:
        raise ValidationError(_("Only a child waiting for the township's check can be checked."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Write down what the check found.")})
    now = timezone.now()
    recognition.checked_by, recognition.checked_at, recognition.check_note = user, now, note
    if confirmed:
        recognition.status = RecognitionStatus.CHECKED
    else:
        recognition.status = RecognitionStatus.REFUSED
        recognition.decided_at = now
    recognition.save()
    return recognition


@transaction.atomic
def decide_recognition(*, recognition, user, approve, note=""):
    """The county decides. Recognised, the child holds the category from the first day of the
    decision month: that month's allowance is paid in full, by a batch not yet approved (the
    line is added) or by the next batch generated for the month."""
    recognition = _locked_recognition(recognition)
    if not (user.is_active and user.is_county_wide) or user.pk == recognition.checked_by_id:
        raise PermissionDenied
    if recognition.status != RecognitionStatus.CHECKED:
        raise ValidationError(_("The township must check a child before the county decides."))
    if not approve and not (note or "").strip():
        raise ValidationError({"note": _("Give the reason.")})
    now = timezone.now()
    recognition.decided_by, recognition.decided_at, recognition.decision_note = user, now, note
    if approve:
        month_start = timezone.localdate(now).replace(day=1)
        category = PersonCategory(
            person=recognition.person,
            category=recognition.kind,
            start_date=month_start,
            raised_in_institution=recognition.raised_in_institution,
        )
        category._history_user = user
        category.save()
        recognition.category = category
        recognition.status = RecognitionStatus.APPROVED
        _add_to_draft_batches(category, f"{month_start:%Y-%m}", user)
    else:
        recognition.status = RecognitionStatus.REFUSED
    recognition.save()
    return recognition


def _add_to_draft_batches(category, period, user):
    """The month's batches not yet approved that pay this category get the child's line."""
    person = category.person
    # A month has a draft or two: the programme's categories are read here rather than with
    # a JSON `contains` lookup, which SQLite (make run's database) does not have.
    drafts = DisbursementBatch.objects.select_for_update().filter(
        period=period, status=BatchStatus.DRAFT
    )
    for batch in drafts.select_related("programme"):
        if category.category not in (batch.programme.eligible_categories or []):
            continue
        if batch.lines.filter(person=person).exists():
            continue
        BatchLine.objects.create(
            batch=batch,
            person=person,
            category=category.category,
            amount=batch.programme.amount_for(category) or 0,
            person_name=person.name,
            village=person.village,
        )
        _refresh_totals(batch)


# --- Price temporary subsidy (价格临时补贴) ---------------------------------------------


@transaction.atomic
def record_price_trigger(*, user, period, cpi_rise, food_cpi_rise, programme, note=""):
    """Record a month's CPI figures; at or above a threshold, generate the month's batch of
    the price subsidy programme (its eligible categories are the groups covered)."""
    if not (user.is_active and user.is_county_wide):
        raise PermissionDenied
    errors = {}
    try:
        first, _last = period_bounds(period)
    except ValidationError as error:
        errors["period"] = error.messages
    else:
        period = f"{first:%Y-%m}"
        if PriceTrigger.objects.filter(period=period).exists():
            errors["period"] = _("The figures of this month are already recorded.")
    if programme.kind != ProgrammeKind.PERIODIC or not programme.eligible_categories:
        errors["programme"] = _("Choose a monthly programme with the categories it covers.")
    if errors:
        raise ValidationError(errors)
    cpi_threshold, food_threshold = price_thresholds()
    triggered = cpi_rise >= cpi_threshold or food_cpi_rise >= food_threshold
    batch = None
    if triggered:
        # A batch of the month made by hand already is the one the trigger pays by.
        batch = (
            DisbursementBatch.objects.filter(programme=programme, period=period)
            .exclude(price_trigger__isnull=False)
            .order_by("pk")
            .first()
        ) or generate_batch(programme=programme, period=period, user=user)
    return PriceTrigger.objects.create(
        period=period,
        cpi_rise=cpi_rise,
        food_cpi_rise=food_cpi_rise,
        cpi_threshold=cpi_threshold,
        food_cpi_threshold=food_threshold,
        triggered=triggered,
        programme=programme,
        batch=batch,
        note=note,
        recorded_by=user,
    )


# --- Low-income population monitoring (低收入人口动态监测) ----------------------------------


@transaction.atomic
def flag_for_monitoring(*, user, person, reason, review_on, note=""):
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not _in_township(user, person.township_id):
        raise PermissionDenied
    today = timezone.localdate()
    if review_on is None or review_on < today:
        raise ValidationError({"review_on": _("The review date cannot be in the past.")})
    if MonitoringFlag.objects.open().filter(person=person).exists():
        raise ValidationError({"reason": _("This person is already being monitored.")})
    return MonitoringFlag.objects.create(
        person=person,
        township_id=person.township_id,
        reason=reason,
        review_on=review_on,
        note=(note or "").strip(),
        flagged_by=user,
    )


@transaction.atomic
def review_monitoring(*, user, flag, note, next_review_on=None):
    """A review: with a next date the flag stays open until then; without one it closes."""
    flag = MonitoringFlag.objects.select_for_update().get(pk=flag.pk)
    if not _in_township(user, flag.township_id):
        raise PermissionDenied
    if flag.closed_on is not None:
        raise ValidationError(_("This monitoring has already ended."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Write down what the review found.")})
    today = timezone.localdate()
    if next_review_on is not None and next_review_on <= today:
        raise ValidationError({"next_review_on": _("The next review must be after today.")})
    flag.last_review_note = note.strip()
    if next_review_on is None:
        flag.closed_on, flag.closed_by = today, user
    else:
        flag.review_on = next_review_on
    flag.save()
    return flag


# --- People found in a village (主动发现) -------------------------------------------------


def may_report_found(user):
    """A village worker (for their village) and township staff (for any village of theirs)."""
    return user.is_active and (
        (user.is_village_worker and bool(user.township_id and user.village))
        or (user.is_township_staff and bool(user.township_id))
    )


def may_handle_found(user, report):
    return user.is_active and (
        user.is_county_wide or (user.is_township_staff and user.township_id == report.township_id)
    )


@transaction.atomic
def report_found(
    *, user, name, found_on, situation, village="", address="", needs=(), is_urgent=False
):
    """A person in difficulty found in a village, for the township to check."""
    if not may_report_found(user):
        raise PermissionDenied
    if user.is_village_worker:
        village = user.village  # their own village, whatever was posted
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("Give the person's name.")
    if not (village or "").strip():
        errors["village"] = _("Give the village.")
    if found_on is None:
        errors["found_on"] = _("Give the date the person was found.")
    elif found_on > timezone.localdate():
        errors["found_on"] = _("The date cannot be in the future.")
    if not (situation or "").strip():
        errors["situation"] = _("Describe what you saw.")
    if errors:
        raise ValidationError(errors)
    report = FoundReport(
        township_id=user.township_id,
        village=village.strip(),
        name=name.strip(),
        address=(address or "").strip(),
        found_on=found_on,
        situation=situation.strip(),
        needs=list(needs),
        is_urgent=is_urgent,
        reported_by=user,
    )
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def handle_found(*, report, user, outcome, note, id_number=""):
    """The township's answer to a person found: registered (naming the person registered,
    by their ID number), referred elsewhere, or no assistance needed; with a note."""
    report = FoundReport.objects.select_for_update().get(pk=report.pk)
    if not may_handle_found(user, report):
        raise PermissionDenied
    if not report.is_open:
        raise ValidationError(_("This report has already been answered."))
    errors = {}
    person = None
    if outcome not in (FoundStatus.REGISTERED, FoundStatus.REFERRED, FoundStatus.NO_NEED):
        errors["outcome"] = _("Choose what became of the report.")
    if not (note or "").strip():
        errors["note"] = _("Write down what was done.")
    if outcome == FoundStatus.REGISTERED:
        number = normalize_id_number(id_number or "")
        if not number:
            errors["id_number"] = _(
                "Give the ID number of the person registered (register them first)."
            )
        else:
            person = (
                Person.objects.visible_to(user)
                .filter(township_id=report.township_id)
                .with_id_number(number)
                .first()
            )
            if person is None:
                errors["id_number"] = _(
                    "Nobody with this ID number is registered in this township: register "
                    "the person first."
                )
    if errors:
        raise ValidationError(errors)
    report.status = outcome
    report.person = person
    report.handled_by = user
    report.handled_at = timezone.now()
    report.handling_note = note.strip()
    report.save()
    return report
