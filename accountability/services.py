"""Opening an accountability case and adding its documents: the county's writes alone."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.models import SOURCE_FIELDS, Case, CaseDocument, Decision, Ground
from duty_roster.models import SpotCheckResult
from inspections.models import HazardStatus, Severity


def may_hold_accountable(user):
    """Cases are the bureau's: its officers and administrators (not the 三员)."""
    return bool(user and user.is_authenticated and user.is_active and user.is_county_wide)


def source_error(ground, source):
    """Why `source` cannot ground a case of `ground`, or None."""
    if ground == Ground.FAILED_DUTY and source.result != SpotCheckResult.FAILED:
        return _("Only a failed spot check grounds a case.")
    if ground == Ground.OVERDUE_HAZARD:
        if source.severity != Severity.MAJOR:
            return _("Only a major hazard grounds a case.")
        if source.status == HazardStatus.CLOSED:
            done = timezone.localdate(source.closed_at) if source.closed_at else source.deadline
        else:
            done = timezone.localdate()
        if done <= source.deadline:
            return _("This hazard is not past its deadline.")
    if ground == Ground.LATE_REPORT and not source.reported_late:
        return _("This incident was reported in time.")
    return None


def unit_of(ground, source):
    """The township and institution a source belongs to: the case's unit by default."""
    if ground == Ground.FAILED_DUTY:
        return source.post.township, source.post.institution
    if ground == Ground.OVERDUE_HAZARD:
        return source.institution.township, source.institution
    if ground == Ground.LATE_REPORT:
        return source.township, source.institution
    return None, None


@transaction.atomic
def open_case(
    *,
    user,
    ground,
    person_name,
    person_position,
    fact,
    decision,
    decided_on,
    source=None,
    township=None,
    institution=None,
    decision_other="",
    documents=(),
    submission_token=None,
):
    """Open a case with its first documents ((title, checked file) pairs); all or nothing."""
    if not may_hold_accountable(user):
        raise PermissionDenied
    if submission_token is not None:
        existing = Case.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            return existing
    errors = {}
    field = SOURCE_FIELDS.get(ground)
    if field and source is None:
        errors[field] = _("Choose what the case is about.")
    elif field:
        problem = source_error(ground, source)
        if problem:
            errors[field] = problem
        elif township is None and institution is None:
            township, institution = unit_of(ground, source)
    if institution is not None:
        township = institution.township
    if township is None:
        errors["township"] = _("Name the township or institution held accountable.")
    if decision == Decision.OTHER and not decision_other.strip():
        errors["decision_other"] = _("Say what the decision was.")
    if decided_on > timezone.localdate():
        errors["decided_on"] = _("A decision cannot be dated in the future.")
    if errors:
        raise ValidationError(errors)
    case = Case.objects.create(
        ground=ground,
        **({field: source} if field else {}),
        township=township,
        institution=institution,
        person_name=person_name.strip(),
        person_position=person_position.strip(),
        fact=fact.strip(),
        decision=decision,
        decision_other=decision_other.strip() if decision == Decision.OTHER else "",
        decided_on=decided_on,
        opened_by=user,
        submission_token=submission_token,
    )
    for title, file in documents:
        add_document(case=case, user=user, title=title, file=file)
    return case


@transaction.atomic
def add_document(*, case, user, title, file):
    if not may_hold_accountable(user):
        raise PermissionDenied
    if not title.strip():
        raise ValidationError({"title": _("Give the document a title.")})
    return CaseDocument.objects.create(case=case, title=title.strip(), file=file, uploaded_by=user)
