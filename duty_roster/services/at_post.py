"""At the post: swaps, check-in and out (per person), the duty log and the handover."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duty_roster.models import Attendance, DutyLogEntry, RequestStatus, Shift, SwapRequest
from duty_roster.services.common import lock_people
from duty_roster.services.roster import (
    away_message,
    busy_elsewhere,
    is_on_shift,
    on_leave,
    outsiders_message,
)

CHECK_IN_EARLY_MINUTES = 30


# --- Swaps -------------------------------------------------------------------


def request_swap(*, shift, user, replacement, reason):
    if not is_on_shift(user, shift):
        raise PermissionDenied
    if replacement.pk == user.pk:
        raise ValidationError({"replacement": _("Choose a colleague other than yourself.")})
    if is_on_shift(replacement, shift):
        raise ValidationError({"replacement": _("This colleague is already on the shift.")})
    if not shift.post.may_be_staffed_by(replacement):
        raise ValidationError({"replacement": outsiders_message([replacement], shift.post)})
    away = on_leave([replacement], shift.starts_at, shift.ends_at)
    if away:
        raise ValidationError({"replacement": away_message(away)})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the swap.")})
    return SwapRequest.objects.create(
        shift=shift, requested_by=user, replacement=replacement, reason=reason
    )


def accept_swap(*, swap, user):
    if user.pk != swap.replacement_id:
        raise PermissionDenied
    if swap.status != RequestStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    swap.status = RequestStatus.ACCEPTED
    swap.save(update_fields=["status"])
    return swap


@transaction.atomic
def decide_swap(*, swap, user, approve):
    swap = SwapRequest.objects.select_for_update().select_related("shift__post").get(pk=swap.pk)
    if not user.is_county_wide or user.pk in (swap.requested_by_id, swap.replacement_id):
        raise PermissionDenied
    if approve and swap.status != RequestStatus.ACCEPTED:
        raise ValidationError(_("The colleague has not accepted the swap yet."))
    if swap.status in (RequestStatus.APPROVED, RequestStatus.REJECTED):
        raise ValidationError(_("This request has already been decided."))
    shift = swap.shift
    if approve:
        lock_people([swap.replacement])
        check_swap_still_possible(swap)
        if shift.leader_id == swap.requested_by_id:
            shift.leader = swap.replacement
            shift.save(update_fields=["leader"])
        else:
            shift.officers.remove(swap.requested_by)
            shift.officers.add(swap.replacement)
        shift.sync_attendance()
    swap.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    swap.decided_by = user
    swap.save(update_fields=["status", "decided_by"])
    return swap


def check_swap_still_possible(swap):
    shift = swap.shift
    if not is_on_shift(swap.requested_by, shift):
        raise ValidationError(_("The requester is no longer on this shift."))
    if is_on_shift(swap.replacement, shift):
        raise ValidationError(_("This colleague is already on the shift."))
    if shift.attendances.filter(person=swap.requested_by, checked_in_at__isnull=False).exists():
        raise ValidationError(_("The requester has already checked in for this shift."))
    clashes = busy_elsewhere([swap.replacement], shift.starts_at, shift.ends_at, shift.post)
    if clashes:
        raise ValidationError(
            _("%(name)s is already on duty at %(post)s at that time.")
            % {"name": swap.replacement.display_name, "post": clashes[0].post.name}
        )
    away = on_leave([swap.replacement], shift.starts_at, shift.ends_at)
    if away:
        raise ValidationError(away_message(away))


# --- At the post -------------------------------------------------------------


def own_attendance(shift, user):
    """The user's attendance row on the shift, locked; PermissionDenied if not on it."""
    row = Attendance.objects.select_for_update().filter(shift=shift, person=user).first()
    if row is None:
        raise PermissionDenied
    return row


@transaction.atomic
def check_in(*, shift, user, now=None):
    """The user checks themself in: leader and officers each, 30 minutes before the start
    until the end. After the grace they show as late; a person marked absent who arrives
    is late, no longer absent."""
    now = now or timezone.now()
    attendance = own_attendance(shift, user)
    if (
        now < shift.starts_at - datetime.timedelta(minutes=CHECK_IN_EARLY_MINUTES)
        or now >= shift.ends_at
    ):
        raise ValidationError(
            _("Check-in opens 30 minutes before the shift and closes when it ends.")
        )
    if attendance.checked_in_at is None:
        attendance.checked_in_at = now
        attendance.save(update_fields=["checked_in_at"])
    return attendance


@transaction.atomic
def check_out(*, shift, user, now=None):
    attendance = own_attendance(shift, user)
    if attendance.checked_in_at is None:
        raise ValidationError(_("Check in before checking out."))
    if attendance.checked_out_at is None:
        attendance.checked_out_at = max(now or timezone.now(), attendance.checked_in_at)
        attendance.save(update_fields=["checked_out_at"])
    return attendance


def mark_missed_check_ins(*, now=None):
    """People not checked in 15 minutes after their shift started: 脱岗. One UPDATE."""
    now = now or timezone.now()
    return Attendance.objects.due_to_be_missed(now).update(missed_at=now)


def add_log_entry(*, shift, user, kind, text, at=None):
    if not is_on_shift(user, shift):
        raise PermissionDenied
    return DutyLogEntry.objects.create(
        shift=shift, author=user, kind=kind, text=text, at=at or timezone.now()
    )


def write_handover(*, shift, user, note):
    if not is_on_shift(user, shift):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": _("Write what the next shift needs to know.")})
    shift.handover_note = note
    shift.save(update_fields=["handover_note"])
    return shift


def next_shift(shift):
    return (
        Shift.objects.filter(post_id=shift.post_id, starts_at__gte=shift.ends_at)
        .order_by("starts_at")
        .first()
    )


def acknowledge_handover(*, shift, user, now=None):
    """Someone of the next shift at the same post confirms they read the handover."""
    following = next_shift(shift)
    if following is None or not is_on_shift(user, following):
        raise PermissionDenied
    if not shift.handover_note:
        raise ValidationError(_("There is no handover note to acknowledge yet."))
    shift.handover_acknowledged_at = now or timezone.now()
    shift.handover_acknowledged_by = user
    shift.save(update_fields=["handover_acknowledged_at", "handover_acknowledged_by"])
    return shift
