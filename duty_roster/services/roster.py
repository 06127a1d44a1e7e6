"""Rosters: who may write them, coverage, the rules a shift must keep, generation."""

import datetime
import itertools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duty_roster.models import Attendance, AttendanceRole, DutyPost, LeaveReport, Shift
from duty_roster.services.common import (
    check_not_submitted,
    create_once,
    local_zone,
    lock_people,
    violates,
)
from duty_roster.validators import FIRST_DAY, LAST_DAY, OUT_OF_SERVICE_YEARS, in_service_years

MAX_SHIFT_HOURS = 48
MAX_ROSTER_DAYS = 366
OVERLAP_CONSTRAINT = "shift_no_overlap_at_post"  # PostgreSQL only: migration 0002


def can_manage_post(user, post):
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_county_wide:
        return True
    return user.is_township_staff and post.township_id == user.township_id and post.kind != "county"


def is_on_shift(user, shift):
    return user.pk == shift.leader_id or shift.officers.filter(pk=user.pk).exists()


# --- Coverage ----------------------------------------------------------------


def coverage(post, start, end):
    """Gaps [(from, to)] and overlaps [(shift, shift)] of a post's shifts over [start, end)."""
    shifts = list(
        Shift.objects.filter(post=post).overlapping(start, end).order_by("starts_at", "ends_at")
    )
    gaps, overlaps = [], []
    covered_until = start
    previous = None
    for shift in shifts:
        if shift.starts_at > covered_until:
            gaps.append((covered_until, min(shift.starts_at, end)))
        if previous and shift.starts_at < previous.ends_at:
            overlaps.append((previous, shift))
        if shift.ends_at > covered_until:
            covered_until = shift.ends_at
            previous = shift
    if covered_until < end:
        gaps.append((covered_until, end))
    return gaps, overlaps


def busy_elsewhere(people, starts_at, ends_at, post, exclude_shift=None):
    """Shifts at other posts that already hold any of these people in that time."""
    clashes = (
        Shift.objects.involving_any([person.pk for person in people])
        .overlapping(starts_at, ends_at)
        .exclude(post=post)
        .select_related("post")
    )
    if exclude_shift is not None:
        clashes = clashes.exclude(pk=exclude_shift.pk)
    return list(clashes)


def validate_shift(*, post, starts_at, ends_at, leader, officers, shift=None):
    errors = {}
    if not in_service_years(starts_at):
        errors["starts_at"] = OUT_OF_SERVICE_YEARS
    elif not in_service_years(ends_at):
        errors["ends_at"] = OUT_OF_SERVICE_YEARS
    elif ends_at <= starts_at:
        errors["ends_at"] = _("A shift must end after it starts.")
    elif ends_at - starts_at > datetime.timedelta(hours=MAX_SHIFT_HOURS):
        errors["ends_at"] = _("A shift lasts at most %(hours)d hours.") % {"hours": MAX_SHIFT_HOURS}
    else:
        same_post = Shift.objects.filter(post=post).overlapping(starts_at, ends_at)
        if shift is not None:
            same_post = same_post.exclude(pk=shift.pk)
        if same_post.exists():
            errors["starts_at"] = _("This shift overlaps another shift at the same post.")
        clashes = busy_elsewhere([leader, *officers], starts_at, ends_at, post, exclude_shift=shift)
        if clashes:
            wanted = {person.pk: person for person in [leader, *officers]}
            busy = {person.pk for clash in clashes for person in clash.people} & wanted.keys()
            errors["officers"] = _("%(names)s already on duty at %(post)s at that time.") % {
                "names": "、".join(sorted(wanted[pk].display_name for pk in busy)),
                "post": clashes[0].post.name,
            }
        for field, people in (("leader", [leader]), ("officers", officers)):
            away = on_leave(people, starts_at, ends_at)
            if away:
                errors.setdefault(field, away_message(away))
            outsiders = [person for person in people if not post.may_be_staffed_by(person)]
            if outsiders:
                errors.setdefault(field, outsiders_message(outsiders, post))
    if errors:
        raise ValidationError(errors)


def on_leave(people, starts_at, ends_at):
    """Approved leave reports of any of these people that overlap the time."""
    return list(
        LeaveReport.objects.approved()
        .overlapping(starts_at, ends_at)
        .filter(person__in=[person.pk for person in people])
        .select_related("person")
        .order_by("starts_at")
    )


def outsiders_message(people, post):
    return _(
        "%(names)s cannot be on duty at %(post)s: it is staffed by %(place)s and county staff."
    ) % {
        "names": "、".join(sorted(person.display_name for person in people)),
        "post": post.name,
        "place": post.township.name if post.township_id else _("the county bureau"),
    }


def away_message(leaves):
    first = leaves[0]
    return _("%(names)s on approved leave at that time (%(where)s, from %(start)s).") % {
        "names": "、".join(sorted({leave.person.display_name for leave in leaves})),
        "where": first.destination,
        "start": f"{timezone.localtime(first.starts_at):%m-%d %H:%M}",
    }


def lock_post(post):
    """One roster writer per post: the second waits, then sees the first's shifts.

    NO KEY UPDATE, not UPDATE: inserting a shift takes KEY SHARE on its post when the
    deferred foreign key is checked at commit, and a plain FOR UPDATE here deadlocks with
    any writer that did not lock the post first (the admin, an import).
    """
    DutyPost.objects.select_for_update(no_key=True).filter(pk=post.pk).first()


def insert_shift(*, submission_token=None, **fields):
    """Create a shift; PostgreSQL's overlap constraint, should a writer that did not lock
    the post (the admin, an import) get there first, is answered as the form error."""
    try:
        return create_once(Shift, submission_token, **fields)
    except IntegrityError as error:
        if violates(error, OVERLAP_CONSTRAINT):
            raise ValidationError(
                {"starts_at": _("This shift overlaps another shift at the same post.")}
            ) from error
        raise


@transaction.atomic
def create_shift(*, post, starts_at, ends_at, leader, officers, user, submission_token=None):
    if not can_manage_post(user, post):
        raise PermissionDenied
    lock_post(post)
    # After the lock (a twin sending waits, then finds the first's shift), before the
    # checks (the first's shift would overlap this one).
    check_not_submitted(Shift, submission_token)
    lock_people([leader, *officers])
    validate_shift(
        post=post, starts_at=starts_at, ends_at=ends_at, leader=leader, officers=officers
    )
    shift = insert_shift(
        post=post,
        starts_at=starts_at,
        ends_at=ends_at,
        leader=leader,
        submission_token=submission_token,
    )
    shift.officers.set(officers)
    shift.sync_attendance()
    return shift


def is_day_off(day, calendar=None):
    """A public holiday, or a weekend that is not an adjusted working day (调休上班)."""
    from duty_roster.models import Holiday

    calendar = (
        calendar if calendar is not None else dict(Holiday.objects.values_list("date", "kind"))
    )
    if day in calendar:
        return calendar[day] == Holiday.Kind.HOLIDAY
    return day.weekday() >= 5


@transaction.atomic
def generate_roster(
    *, post, first_day, days, pattern, officers, leaders, user, days_off_only=False
):
    """Fill `days` days from `first_day` with the shift pattern, rotating people.

    `pattern` is a list of (start time, hours), e.g. [(time(8, 30), 24)] or
    [(time(8), 12), (time(20), 12)]; times are Asia/Shanghai wall-clock times.
    Nothing is created if any shift would break a rule.
    """
    if not can_manage_post(user, post):
        raise PermissionDenied
    if not officers or not leaders:
        raise ValidationError(_("Name at least one duty officer and one leader on duty."))
    if not 1 <= days <= MAX_ROSTER_DAYS:
        raise ValidationError({"days": _("Generate between 1 and 366 days at a time.")})
    if not FIRST_DAY <= first_day <= LAST_DAY - datetime.timedelta(days=days):
        raise ValidationError({"first_day": OUT_OF_SERVICE_YEARS})
    zone = local_zone()
    officer_cycle, leader_cycle = itertools.cycle(officers), itertools.cycle(leaders)
    lock_post(post)
    lock_people([*officers, *leaders])
    calendar = _holiday_calendar(first_day, days) if days_off_only else None
    created, attendance = [], []
    for offset in range(days):
        day = first_day + datetime.timedelta(days=offset)
        if days_off_only and not is_day_off(day, calendar):
            continue  # holiday posts (marriage registry, funeral service) work on days off only
        for start_time, hours in pattern:
            starts_at = datetime.datetime.combine(day, start_time, tzinfo=zone)
            ends_at = starts_at + datetime.timedelta(hours=hours)
            officer, leader = next(officer_cycle), next(leader_cycle)
            validate_shift(
                post=post, starts_at=starts_at, ends_at=ends_at, leader=leader, officers=[officer]
            )
            shift = insert_shift(post=post, starts_at=starts_at, ends_at=ends_at, leader=leader)
            shift.officers.set([officer])
            created.append(shift)
            attendance.append(Attendance(shift=shift, person=leader, role=AttendanceRole.LEADER))
            if officer.pk != leader.pk:
                attendance.append(
                    Attendance(shift=shift, person=officer, role=AttendanceRole.OFFICER)
                )
    Attendance.objects.bulk_create(attendance)
    return created


def _holiday_calendar(first_day, days):
    from duty_roster.models import Holiday

    last = first_day + datetime.timedelta(days=days)
    return dict(
        Holiday.objects.filter(date__gte=first_day, date__lte=last).values_list("date", "kind")
    )


def posts_for(user):
    return DutyPost.objects.visible_to(user).filter(is_active=True)
