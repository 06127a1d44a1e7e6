"""Leave reports (外出报备): filing and deciding, never over a shift."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duty_roster.models import LeaveApprover, LeaveReport, RequestStatus
from duty_roster.services.common import check_not_submitted, create_once, lock_people
from duty_roster.validators import OUT_OF_SERVICE_YEARS, in_service_years

LEAVE_DAYS_BACK = 30  # a leave report may be filed late, within a month
LEAVE_DAYS_AHEAD = 365
MAX_LEAVE_DAYS = 60


@transaction.atomic
def file_leave(
    *, person, destination, starts_at, ends_at, reason, contact, approver, submission_token=None
):
    check_not_submitted(LeaveReport, submission_token)
    errors = {}
    if approver is None:
        errors["approver"] = _("Choose who approves this leave.")
    elif approver.pk == person.pk:
        errors["approver"] = _("You cannot approve your own leave.")
    elif not LeaveApprover.objects.may_approve(approver, person):
        errors["approver"] = _(
            "%(name)s is not on the list of those who approve your leave; choose another."
        ) % {"name": approver.display_name}
    now = timezone.now()
    if not in_service_years(starts_at):
        errors["starts_at"] = OUT_OF_SERVICE_YEARS
    elif not (
        now - datetime.timedelta(days=LEAVE_DAYS_BACK)
        <= starts_at
        <= now + datetime.timedelta(days=LEAVE_DAYS_AHEAD)
    ):
        errors["starts_at"] = _("Report leave that starts within a month back and a year ahead.")
    if not in_service_years(ends_at):
        errors["ends_at"] = OUT_OF_SERVICE_YEARS
    elif ends_at <= starts_at:
        errors["ends_at"] = _("The leave must end after it starts.")
    elif ends_at - starts_at > datetime.timedelta(days=MAX_LEAVE_DAYS):
        errors["ends_at"] = _("A leave report covers at most %(days)d days.") % {
            "days": MAX_LEAVE_DAYS
        }
    if errors:
        raise ValidationError(errors)
    return create_once(
        LeaveReport,
        submission_token,
        person=person,
        destination=destination,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
        contact=contact,
        approver=approver,
    )


@transaction.atomic
def decide_leave(*, leave, user, approve, now=None):
    leave = LeaveReport.objects.select_for_update().select_related("person").get(pk=leave.pk)
    if user.pk != leave.approver_id:
        raise PermissionDenied
    if leave.status != RequestStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if approve:
        if not LeaveApprover.objects.may_approve(user, leave.person):
            raise ValidationError(
                _("You are no longer on the list of those who approve this leave.")
            )
        lock_people([leave.person])
        uncovered = list(leave.shifts_during().select_related("post").order_by("starts_at"))
        if uncovered:
            raise ValidationError(
                _(
                    "%(name)s is on %(count)d shifts in that time (first: %(shift)s); swap them to someone else before approving."
                )
                % {
                    "name": leave.person.display_name,
                    "count": len(uncovered),
                    "shift": uncovered[0],
                }
            )
    leave.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    leave.decided_at = now or timezone.now()
    leave.save(update_fields=["status", "decided_at"])
    return leave
