"""Writes that span several models: submitting inspections and moving hazards along.

Each transition checks who may make it and raises PermissionDenied otherwise,
whatever a form posted; a broken rule raises ValidationError with a Chinese message.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, DateField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from inspections.models import (
    MAJOR_SUPERVISION_DEADLINE_DAYS,
    RECURRENCE_WINDOW_DAYS,
    Answer,
    AnswerType,
    DeadlineExtension,
    EventKind,
    ExtensionStatus,
    Hazard,
    HazardEvent,
    HazardPhoto,
    HazardStatus,
    Inspection,
    InspectionStatus,
    PhotoStage,
    Severity,
    supervision_after_days,
    supervision_deadline_days,
)
from inspections.permissions import (
    can_assign_supervisor,
    can_decide_extension,
    can_fill,
    can_raise,
    can_rectify,
    can_supervise,
    can_take_over_supervision,
    can_verify,
)
from inspections.photos import clean_photo
from inspections.validators import (
    LATEST_DATE,
    MAX_DEADLINE_DAYS,
    parse_number,
    validate_new_deadline,
)

# --- Filling and submitting ------------------------------------------------


def save_answer(*, inspection, item, user, value, note="", photo=None):
    if not can_fill(user, inspection):
        raise PermissionDenied
    if inspection.is_submitted:
        raise ValidationError(_("This inspection has been submitted and can no longer change."))
    if photo is not None:
        photo = clean_photo(photo)
    answer, _created = Answer.objects.get_or_create(inspection=inspection, item=item)
    answer.value = value
    answer.note = note
    if photo is not None:
        answer.photo = photo
    answer.is_failure = item.is_failure(value)
    answer.answered_by = user
    answer.save()
    return answer


def missing_before_submit(inspection, items, answers):
    """Human-readable problems that stop a submission, per item id."""
    problems = {}
    for item in items:
        answer = answers.get(item.pk)
        value = answer.value if answer else ""
        has_photo = bool(answer and answer.photo)
        if item.answer_type == AnswerType.PHOTO:
            if item.required and not has_photo:
                problems[item.pk] = _("A photo is required.")
        elif item.required and not value:
            problems[item.pk] = _("This question must be answered.")
        elif value and item.answer_type == AnswerType.NUMBER and parse_number(value) is None:
            # Only answers saved before numbers were checked strictly can get here.
            problems[item.pk] = _("This answer is not a number; enter it again.")
        elif answer and answer.is_failure and item.photo_required_on_failure and not has_photo:
            problems[item.pk] = _("A failed item needs a photo of the problem.")
    return problems


@transaction.atomic
def submit_inspection(*, inspection, user, inspector_name, person_present):
    """Submit once: score it and turn every failed item into a hazard."""
    inspection = (
        Inspection.objects.select_for_update().select_related("institution").get(pk=inspection.pk)
    )
    if not can_fill(user, inspection):
        raise PermissionDenied
    if inspection.is_submitted:
        return inspection  # a second submit (double tap, retry) changes nothing
    items = [
        item
        for section in inspection.version.sections.prefetch_related("items")
        for item in section.items.all()
        if item.applies_to(inspection.institution)
    ]
    answers = {a.item_id: a for a in inspection.answers.all()}
    problems = missing_before_submit(inspection, items, answers)
    if problems:
        raise ValidationError(
            _("%(count)d questions still need an answer or a photo.") % {"count": len(problems)}
        )
    for item in items:
        answer = answers.get(item.pk)
        if answer and answer.is_failure:
            _raise_from_answer(inspection=inspection, item=item, answer=answer, user=user)
    inspection.score = score(items, answers)
    inspection.status = InspectionStatus.SUBMITTED
    inspection.submitted_at = timezone.now()
    inspection.inspector = user
    inspection.inspector_name = inspector_name
    inspection.person_present = person_present
    inspection.save()
    return inspection


def score(items, answers):
    """Percentage of scorable answered items that passed (not-applicable ones left out)."""
    scorable = [
        answers[item.pk]
        for item in items
        if item.pk in answers
        and item.answer_type
        in (AnswerType.PASS_FAIL, AnswerType.YES_NO, AnswerType.CHOICE, AnswerType.NUMBER)
        and answers[item.pk].value not in ("", "na")
    ]
    if not scorable:
        return None
    passed = sum(1 for answer in scorable if not answer.is_failure)
    return round(100 * passed / len(scorable), 1)


def _raise_from_answer(*, inspection, item, answer, user):
    description = item.text + (f"：{answer.note}" if answer.note else "")
    hazard, created = Hazard.objects.get_or_create(
        inspection=inspection,
        item=item,
        defaults={
            "institution": inspection.institution,
            "item_key": item.key,
            "category": item.category,
            "severity": item.severity,
            "description": description,
            "responsible_person": inspection.institution.safety_officer,
            "responsible_phone": inspection.institution.safety_officer_phone,
            "deadline": deadline_for(item.severity, item.rectify_days),
            "found_by": user,
            "is_recurring": _has_recent_failure(inspection.institution_id, item.key),
        },
    )
    if created:
        if answer.photo:
            HazardPhoto.objects.create(
                hazard=hazard, stage=PhotoStage.FOUND, image=answer.photo.name, uploaded_by=user
            )
        _event(
            hazard, EventKind.RAISED, user, _("Found in inspection %(id)s") % {"id": inspection.pk}
        )
    return hazard


def deadline_for(severity, rectify_days, today=None):
    today = today or timezone.localdate()
    if severity == Severity.MAJOR:
        return today  # a major hazard is to be dealt with at once
    return today + datetime.timedelta(days=rectify_days)


def _has_recent_failure(institution_id, item_key):
    since = timezone.now() - datetime.timedelta(days=RECURRENCE_WINDOW_DAYS)
    return Hazard.objects.filter(
        institution_id=institution_id, item_key=item_key, found_at__gte=since
    ).exists()


def _event(hazard, kind, user, note=""):
    return HazardEvent.objects.create(hazard=hazard, kind=kind, actor=user, note=note)


# --- Hazards raised by hand ------------------------------------------------


@transaction.atomic
def raise_hazard(
    *, institution, user, category, severity, description, deadline, photos=(), token=None
):
    """Record a hazard found on the spot; the same form (token) sent again records nothing."""
    if not can_raise(user, institution):
        raise PermissionDenied
    if token is not None and (earlier := _hazard_raised_with(token, institution, user)):
        return earlier
    try:
        validate_new_deadline(deadline)
    except ValidationError as error:
        raise ValidationError({"deadline": error.messages}) from error
    photos = _clean_photos(photos)
    try:
        with transaction.atomic():
            hazard = Hazard.objects.create(
                institution=institution,
                category=category,
                severity=severity,
                description=description,
                responsible_person=institution.safety_officer,
                responsible_phone=institution.safety_officer_phone,
                deadline=deadline,
                found_by=user,
                submission_token=token,
            )
    except IntegrityError:
        # The same form, sent twice at once: the other request recorded it first.
        if token is not None and (earlier := _hazard_raised_with(token, institution, user)):
            return earlier
        raise
    for photo in photos:
        HazardPhoto.objects.create(
            hazard=hazard, stage=PhotoStage.FOUND, image=photo, uploaded_by=user
        )
    _event(hazard, EventKind.RAISED, user, _("Raised by hand"))
    return hazard


def _hazard_raised_with(token, institution, user):
    hazard = Hazard.objects.filter(submission_token=token).first()
    if hazard is None:
        return None
    if hazard.institution_id != institution.pk or hazard.found_by_id != user.pk:
        # Someone else's form: never reveal or reuse their hazard.
        raise ValidationError(
            _("This form had expired and has been renewed: check it and save again.")
        )
    return hazard


def _clean_photos(photos):
    try:
        return [clean_photo(photo) for photo in photos]
    except ValidationError as error:
        raise ValidationError({"photos": error.messages}) from error


# --- The life of a hazard --------------------------------------------------


def _locked(hazard):
    return Hazard.objects.select_for_update().select_related("institution").get(pk=hazard.pk)


def _require_status(hazard, *allowed):
    if hazard.status not in allowed:
        raise ValidationError(
            _("This hazard is “%(status)s”; that step is not possible now.")
            % {"status": hazard.get_status_display()}
        )


@transaction.atomic
def start_rectification(*, hazard, user, interim_measures=""):
    hazard = _locked(hazard)
    if not can_rectify(user, hazard):
        raise PermissionDenied
    _require_status(hazard, HazardStatus.OPEN)
    if hazard.severity == Severity.MAJOR and not interim_measures.strip():
        raise ValidationError(
            {
                "interim_measures": _(
                    "A major hazard needs interim measures while it is being fixed."
                )
            }
        )
    hazard.status = HazardStatus.RECTIFYING
    if interim_measures:
        hazard.interim_measures = interim_measures
    hazard.save()
    _event(hazard, EventKind.RECTIFYING, user, interim_measures)
    return hazard


@transaction.atomic
def submit_rectification(*, hazard, user, note, photos):
    hazard = _locked(hazard)
    if not can_rectify(user, hazard):
        raise PermissionDenied
    _require_status(hazard, HazardStatus.OPEN, HazardStatus.RECTIFYING)
    errors = {}
    if not (note or "").strip():
        errors["note"] = _("Say what was done to fix it.")
    if not photos:
        errors["photos"] = _("Add at least one photo taken after the fix.")
    if errors:
        raise ValidationError(errors)
    photos = _clean_photos(photos)
    if hazard.severity == Severity.MAJOR and not hazard.interim_measures:
        raise ValidationError(
            {
                "note": _(
                    "Record interim measures (start rectification) before submitting a major hazard."
                )
            }
        )
    for photo in photos:
        HazardPhoto.objects.create(
            hazard=hazard, stage=PhotoStage.AFTER, image=photo, uploaded_by=user
        )
    hazard.status = HazardStatus.SUBMITTED
    hazard.rectification_note = note
    hazard.rectified_by = user
    hazard.save()
    _event(hazard, EventKind.SUBMITTED, user, note)
    return hazard


@transaction.atomic
def verify_hazard(*, hazard, user, note=""):
    hazard = _locked(hazard)
    if not can_verify(user, hazard):
        raise PermissionDenied
    _require_status(hazard, HazardStatus.SUBMITTED)
    if hazard.rectified_by_id == user.pk:
        raise PermissionDenied
    if not (hazard.rectification_note and hazard.photos.filter(stage=PhotoStage.AFTER).exists()):
        raise ValidationError(_("A hazard cannot be closed without evidence and a note."))
    hazard.status = HazardStatus.CLOSED
    hazard.closed_at = timezone.now()
    hazard.save()
    _event(hazard, EventKind.VERIFIED, user, note)
    return hazard


@transaction.atomic
def reject_rectification(*, hazard, user, reason):
    hazard = _locked(hazard)
    if not can_verify(user, hazard):
        raise PermissionDenied
    _require_status(hazard, HazardStatus.SUBMITTED)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for sending it back.")})
    hazard.status = HazardStatus.RECTIFYING
    hazard.save()
    _event(hazard, EventKind.REJECTED, user, reason)
    return hazard


@transaction.atomic
def request_extension(*, hazard, user, new_deadline, reason):
    hazard = _locked(hazard)
    if not can_rectify(user, hazard):
        raise PermissionDenied
    _require_status(hazard, HazardStatus.OPEN, HazardStatus.RECTIFYING)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for more time.")
    if new_deadline <= hazard.deadline_in_force():
        errors["new_deadline"] = _("The new deadline must be later than the current one.")
    else:
        try:
            validate_new_deadline(new_deadline)
        except ValidationError as error:
            errors["new_deadline"] = error.messages
    if hazard.extensions.filter(status=ExtensionStatus.PENDING).exists():
        errors["new_deadline"] = _("An extension request is already waiting for a decision.")
    if errors:
        raise ValidationError(errors)
    extension = DeadlineExtension.objects.create(
        hazard=hazard, requested_by=user, requested_deadline=new_deadline, reason=reason
    )
    _event(hazard, EventKind.EXTENSION_REQUESTED, user, f"{new_deadline}：{reason}")
    return extension


@transaction.atomic
def decide_extension(*, extension, user, approve):
    extension = (
        DeadlineExtension.objects.select_for_update()
        .select_related("hazard__institution")
        .get(pk=extension.pk)
    )
    hazard = extension.hazard
    if not can_decide_extension(user, extension):
        raise PermissionDenied
    if extension.status != ExtensionStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if approve and extension.requested_deadline <= hazard.deadline_in_force():
        # Asked for before the bureau set a later deadline: approving it would shorten it.
        raise ValidationError(
            _("The deadline in force is already %(deadline)s; refuse this request.")
            % {"deadline": hazard.deadline_in_force()}
        )
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decided_by = user
    extension.decided_at = timezone.now()
    extension.save()
    if approve:
        # Under supervision the bureau's deadline is the one in force; the original
        # one stays as the record of how late the hazard was.
        if hazard.is_supervised:
            hazard.supervision_deadline = extension.requested_deadline
        else:
            hazard.deadline = extension.requested_deadline
        hazard.save()
    kind = EventKind.EXTENSION_APPROVED if approve else EventKind.EXTENSION_REFUSED
    _event(hazard, kind, user, str(extension.requested_deadline))
    return extension


# --- Supervision by the bureau (挂牌督办) ------------------------------------


def _supervision_deadline(today, days):
    if not 0 <= days <= MAX_DEADLINE_DAYS:
        raise ValueError(f"a supervision deadline is 0 to {MAX_DEADLINE_DAYS} days away")
    return min(today + datetime.timedelta(days=days), LATEST_DATE)


@transaction.atomic
def place_under_supervision(*, today=None, after_days=None, supervision_days=None):
    """Put every hazard that is late enough under the bureau's supervision; returns how many.

    Set-based: one UPDATE for the rows, one read of the rows it changed, one insert each
    for their history and their timeline events, however many hazards. Running it again
    changes nothing, and two runs at once do not both place the same hazard: the UPDATE
    only takes rows still unsupervised, and each run reads back only its own rows.
    """
    today = today or timezone.localdate()
    after_days = supervision_after_days() if after_days is None else after_days
    days = supervision_deadline_days() if supervision_days is None else supervision_days
    general_deadline = _supervision_deadline(today, days)
    major_deadline = _supervision_deadline(today, min(days, MAJOR_SUPERVISION_DEADLINE_DAYS))
    # Stored words, like an event's note: in the site's language, whoever runs the scan.
    with override(settings.LANGUAGE_CODE):
        late_days = max(after_days, 1)
        general_reason = ngettext(
            "Overdue by %(days)d day or more", "Overdue by %(days)d days or more", late_days
        ) % {"days": late_days}
        major_reason = _("Major hazard overdue")
    now = timezone.now()
    major = Q(severity=Severity.MAJOR)
    placed = Hazard.objects.due_for_supervision(today, after_days).update(
        supervised_at=now,
        supervision_deadline=Case(
            When(major, then=Value(major_deadline)),
            default=Value(general_deadline),
            output_field=DateField(),
        ),
        supervision_reason=Case(
            When(major, then=Value(major_reason)), default=Value(general_reason)
        ),
    )
    if not placed:
        return 0
    hazards = list(Hazard.objects.filter(supervised_at=now, supervised_by__isnull=True))
    Hazard.history.bulk_history_create(
        hazards, update=True, default_date=now, default_change_reason="place_under_supervision"
    )
    with override(settings.LANGUAGE_CODE):
        HazardEvent.objects.bulk_create(
            HazardEvent(
                hazard=hazard,
                kind=EventKind.SUPERVISED,
                actor=None,
                at=now,
                note=_placed_note(hazard, today),
            )
            for hazard in hazards
        )
    return placed


def _placed_note(hazard, today):
    late = (today - hazard.deadline).days
    return ngettext(
        "%(reason)s (deadline %(deadline)s, %(late)d day late); new deadline %(new)s",
        "%(reason)s (deadline %(deadline)s, %(late)d days late); new deadline %(new)s",
        late,
    ) % {
        "reason": hazard.supervision_reason,
        "deadline": hazard.deadline,
        "late": late,
        "new": hazard.supervision_deadline,
    }


@transaction.atomic
def take_over_supervision(*, hazard, user):
    """由我督办: the user becomes the supervising officer; again changes nothing."""
    hazard = _locked(hazard)
    if not can_take_over_supervision(user, hazard):
        if hazard.is_supervised and user.is_county_wide and hazard.supervised_by_id:
            raise ValidationError(
                _("%(officer)s already supervises this hazard; an administrator may reassign it.")
                % {"officer": hazard.supervised_by}
            )
        raise PermissionDenied
    return _set_supervisor(hazard, officer=user, user=user)


@transaction.atomic
def assign_supervisor(*, hazard, user, officer):
    """An admin names the supervising officer; naming the same one again changes nothing."""
    hazard = _locked(hazard)
    if not can_assign_supervisor(user, hazard):
        raise PermissionDenied
    if not can_supervise(officer):
        raise ValidationError({"officer": _("Choose an active bureau officer or administrator.")})
    return _set_supervisor(hazard, officer=officer, user=user)


def _set_supervisor(hazard, *, officer, user):
    if hazard.supervised_by_id == officer.pk:
        return hazard
    hazard.supervised_by = officer
    hazard.save()
    _event(hazard, EventKind.SUPERVISOR_ASSIGNED, user, officer.display_name)
    return hazard


# --- Templates and versions ------------------------------------------------


ITEM_FIELDS = [
    "key",
    "text",
    "guidance",
    "category",
    "answer_type",
    "required",
    "unit",
    "min_value",
    "max_value",
    "fail_below",
    "choices",
    "failing_choices",
    "failing_yes_no",
    "severity",
    "rectify_days",
    "photo_required_on_failure",
    "institution_kinds",
]


@transaction.atomic
def revise_version(version):
    """A new, unpublished copy of a version, to edit once the old one is in use."""
    from inspections.models import Item, Section, TemplateVersion

    number = (
        version.template.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    new = TemplateVersion.objects.create(template=version.template, number=number)
    for section in version.sections.prefetch_related("items"):
        new_section = Section.objects.create(version=new, title=section.title, order=section.order)
        Item.objects.bulk_create(
            Item(
                section=new_section, order=item.order, **{f: getattr(item, f) for f in ITEM_FIELDS}
            )
            for item in section.items.all()
        )
    return new


@transaction.atomic
def publish_version(version):
    """Make this the version new inspections get; older ones stay as they were."""
    version.template.versions.exclude(pk=version.pk).update(is_published=False)
    version.is_published = True
    version.save(update_fields=["is_published"])
