"""Spot checks (查岗): recording one, the post's answer to a failed one, closing it."""

import datetime
import random

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duty_roster.models import Shift, SpotCheck, SpotCheckResult
from duty_roster.services.common import check_not_submitted, create_once

# How far back a check may be recorded (a visit written up the next week), not more:
# a slip of the month is caught beside the field.
SPOT_CHECK_DAYS_BACK = 31


def may_spot_check(user):
    """Spot checks are the bureau's: its officers and administrators."""
    return bool(user.is_authenticated and user.is_active and user.is_county_wide)


def shift_on_duty(post, at):
    """The shift under way at `post` at `at` (the roster says one at a time), or None."""
    return (
        Shift.objects.filter(post=post)
        .under_way(at)
        .select_related("leader")
        .order_by("starts_at")
        .first()
    )


def random_post_on_duty(user, now=None):
    """A post, at random, among the active ones with a shift under way now: the one the
    officer calls. Two queries (a count, then one row at a random offset) in the order of
    an index, however many shifts the county has."""
    if not may_spot_check(user):
        raise PermissionDenied
    now = now or timezone.now()
    shifts = Shift.objects.under_way(now).filter(post__is_active=True).order_by("pk")
    count = shifts.count()
    if not count:
        return None
    return shifts.select_related("post")[random.randrange(count)].post  # noqa: S311 - not a secret


@transaction.atomic
def record_spot_check(
    *,
    user,
    post,
    checked_at,
    method,
    result,
    answered_by="",
    leader_present=False,
    officers_present=False,
    findings="",
    submission_token=None,
):
    if not may_spot_check(user):
        raise PermissionDenied
    check_not_submitted(SpotCheck, submission_token)
    now = timezone.now()
    errors = {}
    if checked_at > now + datetime.timedelta(minutes=5):
        errors["checked_at"] = _("A spot check cannot be recorded before it is made.")
    elif checked_at < now - datetime.timedelta(days=SPOT_CHECK_DAYS_BACK):
        errors["checked_at"] = _("Record a spot check within a month of making it.")
    if result == SpotCheckResult.PASSED and not (leader_present and officers_present):
        errors["result"] = _(
            "A post passes only when its leader on duty and duty officers are present."
        )
    if result == SpotCheckResult.FAILED and not findings.strip():
        errors["findings"] = _("Write what was found: the post has to answer it.")
    if errors:
        raise ValidationError(errors)
    return create_once(
        SpotCheck,
        submission_token,
        post=post,
        shift=shift_on_duty(post, checked_at),
        checked_at=checked_at,
        method=method,
        answered_by=answered_by.strip(),
        leader_present=leader_present,
        officers_present=officers_present,
        result=result,
        findings=findings.strip(),
        checked_by=user,
    )


def may_answer(user, check):
    """The post's own side answers a finding: its township's staff, or its institution's.
    The county, which found it, closes it."""
    if not (user.is_authenticated and user.is_active) or user.is_county_wide:
        return False
    return SpotCheck.objects.visible_to(user).filter(pk=check.pk).exists()


@transaction.atomic
def answer_spot_check(*, check, user, response):
    check = SpotCheck.objects.select_for_update().get(pk=check.pk)
    if not may_answer(user, check):
        raise PermissionDenied
    if check.result != SpotCheckResult.FAILED:
        raise ValidationError(_("A passed spot check needs no answer."))
    if check.closed_at:
        raise ValidationError(_("This finding is closed."))
    if not response.strip():
        raise ValidationError({"response": _("Write what was done about the finding.")})
    check.response = response.strip()
    check.responded_by = user
    check.responded_at = timezone.now()
    check.save(update_fields=["response", "responded_by", "responded_at"])
    return check


@transaction.atomic
def close_spot_check(*, check, user, closing_note=""):
    check = SpotCheck.objects.select_for_update().get(pk=check.pk)
    if not may_spot_check(user):
        raise PermissionDenied
    if check.result != SpotCheckResult.FAILED or check.closed_at:
        raise ValidationError(_("Only an open finding can be closed."))
    if not check.responded_at:
        raise ValidationError(_("The post has not answered yet; it is closed after its answer."))
    check.closing_note = closing_note.strip()
    check.closed_by = user
    check.closed_at = timezone.now()
    check.save(update_fields=["closing_note", "closed_by", "closed_at"])
    return check
