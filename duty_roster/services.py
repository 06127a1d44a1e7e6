"""Duty writes: rosters, swaps, check-in, handovers, leave reports and incidents.

Each function checks who may act (PermissionDenied) and the rules of the duty
system (ValidationError with a Chinese message, keyed by form field where one fits).
"""

import datetime
import itertools
import zoneinfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from duty_roster.models import (
    Attendance,
    AttendanceRole,
    DutyLogEntry,
    DutyPost,
    Incident,
    IncidentUpdate,
    LeaveApprover,
    LeaveReport,
    RequestStatus,
    Shift,
    SwapRequest,
)
from duty_roster.validators import (
    FIRST_DAY,
    LAST_DAY,
    OUT_OF_SERVICE_YEARS,
    in_service_years,
)
from institutions.models import User
from institutions.scoping import can_see_institution

CHECK_IN_EARLY_MINUTES = 30
MAX_SHIFT_HOURS = 48
MAX_ROSTER_DAYS = 366
INCIDENT_MAX_AGE = datetime.timedelta(days=365)
LEAVE_DAYS_BACK = 30  # a leave report may be filed late, within a month
LEAVE_DAYS_AHEAD = 365
MAX_LEAVE_DAYS = 60
OVERLAP_CONSTRAINT = "shift_no_overlap_at_post"  # PostgreSQL only: migration 0002


def local_zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


# --- Who may do what ---------------------------------------------------------


class AlreadySubmitted(Exception):  # not an error: the form was sent before
    """A create form was sent again (back button, double tap): `existing` is what the
    first sending created; the caller shows it instead of creating another."""

    def __init__(self, existing):
        super().__init__(existing)
        self.existing = existing


def check_not_submitted(model, token):
    if token is not None:
        existing = model.objects.filter(submission_token=token).first()
        if existing is not None:
            raise AlreadySubmitted(existing)


def create_once(model, token, **fields):
    """Create the row of a create form; a second sending of the same form (even at the
    same moment: the unique token waits for the first) raises AlreadySubmitted."""
    check_not_submitted(model, token)
    try:
        with transaction.atomic():
            return model.objects.create(submission_token=token, **fields)
    except IntegrityError:
        check_not_submitted(model, token)
        raise


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
    ids = [person.pk for person in people]
    clashes = (
        Shift.objects.overlapping(starts_at, ends_at)
        .exclude(post=post)
        .filter(Q(leader_id__in=ids) | Q(officers__in=ids))
        .select_related("post")
        .distinct()
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


def lock_people(people):
    """Serialise rostering and leave approval for these people: each side checks the
    other's rows after taking the lock, so neither can slip in between (ids in order,
    so two writers never wait for each other in a circle)."""
    ids = sorted({person.pk for person in people})
    list(User.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk"))


def lock_post(post):
    """One roster writer per post: the second waits, then sees the first's shifts.

    NO KEY UPDATE, not UPDATE: inserting a shift takes KEY SHARE on its post when the
    deferred foreign key is checked at commit, and a plain FOR UPDATE here deadlocks with
    any writer that did not lock the post first (the admin, an import).
    """
    DutyPost.objects.select_for_update(no_key=True).filter(pk=post.pk).first()


def violates(error, constraint):
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == constraint or constraint in str(error)


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


# --- Leaders' leave reports ------------------------------------------------


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


# --- Incidents ---------------------------------------------------------------


@transaction.atomic
def report_incident(*, user, township, institution=None, submission_token=None, **fields):
    """File a first report; it lands in the county bureau duty room's queue at once."""
    if institution is not None:
        if not can_see_institution(user, institution):
            raise PermissionDenied
        township = institution.township
    elif not (user.is_county_wide or user.township_id == township.pk):
        raise PermissionDenied
    check_not_submitted(Incident, submission_token)
    now = timezone.now()
    occurred_at = fields["occurred_at"]
    if not in_service_years(occurred_at):
        raise ValidationError({"occurred_at": OUT_OF_SERVICE_YEARS})
    if occurred_at > now:
        raise ValidationError(
            {"occurred_at": _("An incident cannot be reported before it happened.")}
        )
    if occurred_at < now - INCIDENT_MAX_AGE:
        raise ValidationError(
            {"occurred_at": _("This is more than a year ago; check the date of the incident.")}
        )
    incident = create_once(
        Incident,
        submission_token,
        township=township,
        institution=institution,
        reported_by=user,
        reported_at=now,
        **fields,
    )
    IncidentUpdate.objects.create(
        incident=incident,
        kind=IncidentUpdate.Kind.FIRST,
        author=user,
        at=now,
        text=fields["summary"],
    )
    return incident


@transaction.atomic
def acknowledge_incident(*, incident, user):
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not user.is_county_wide:
        raise PermissionDenied  # acknowledgement is the county duty room's
    if incident.acknowledged_at is None:
        incident.acknowledged_at = timezone.now()
        incident.acknowledged_by = user
        incident.save(update_fields=["acknowledged_at", "acknowledged_by"])
        IncidentUpdate.objects.create(
            incident=incident,
            kind=IncidentUpdate.Kind.ACKNOWLEDGED,
            author=user,
            at=incident.acknowledged_at,
        )
    return incident


@transaction.atomic
def add_incident_report(*, incident, user, text, final=False):
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not Incident.objects.visible_to(user).filter(pk=incident.pk).exists():
        raise PermissionDenied
    if incident.closed_at:
        raise ValidationError(_("A final report has been filed; the incident is closed."))
    if not text.strip():
        raise ValidationError({"text": _("Write the report.")})
    kind = IncidentUpdate.Kind.FINAL if final else IncidentUpdate.Kind.FOLLOW_UP
    update = IncidentUpdate.objects.create(incident=incident, kind=kind, author=user, text=text)
    if final:
        incident.closed_at = update.at
        incident.save(update_fields=["closed_at"])
    return update


def posts_for(user):
    return DutyPost.objects.visible_to(user).filter(is_active=True)
