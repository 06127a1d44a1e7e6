"""Rules on duty and incidents: reminders before a shift, absences (脱岗), roster gaps,
unread handovers, and incidents that must reach the county duty room and climb the
chain until someone acknowledges them."""

import datetime
from collections import defaultdict

from django.db.models import Case, CharField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Notification
from notifications.rules.base import (
    ITERATOR_CHUNK,
    day_step,
    link,
    not_said,
    to_people,
    to_robots,
)

# Day-before reminders wait for the morning rather than waking people at midnight.
DAY_BEFORE_FROM_HOUR = 8


def _local(moment):
    return timezone.localtime(moment)


def shift_reminder(rule, scan):
    """The day before (from 08:00) and an hour before: each person on the shift."""
    from duty_roster.models import Attendance

    url = link("duty_roster:shift")
    soon = scan.now + datetime.timedelta(minutes=rule.after_minutes or 60)
    local_now = _local(scan.now)
    tomorrow = datetime.datetime.combine(
        local_now.date() + datetime.timedelta(days=1), datetime.time(0), tzinfo=local_now.tzinfo
    )
    window = Q(shift__starts_at__gt=scan.now, shift__starts_at__lte=soon)
    if local_now.hour >= DAY_BEFORE_FROM_HOUR:
        window |= Q(
            shift__starts_at__gte=tomorrow,
            shift__starts_at__lt=tomorrow + datetime.timedelta(days=1),
        )
    step = Case(
        When(shift__starts_at__lte=soon, then=Value("1h")),
        default=Value("d1"),
        output_field=CharField(),
    )
    rows = not_said(
        Attendance.objects.filter(window).annotate(notify_step=step), rule, OuterRef("notify_step")
    )
    rows = rows.values_list(
        "pk", "person_id", "shift_id", "shift__starts_at", "shift__post__name"
    ).iterator(chunk_size=ITERATOR_CHUNK)
    for pk, person, shift, starts_at, post in rows:
        step = "1h" if starts_at <= soon else "d1"
        title = (
            _("On duty at %(post)s from %(time)s today")
            if step == "1h"
            else _("On duty at %(post)s tomorrow from %(time)s")
        ) % {"post": post, "time": f"{_local(starts_at):%H:%M}"}
        yield from to_people(
            f"{rule.code}:{shift}:{step}",
            [person],
            title=title,
            url=url(shift),
            subject_id=pk,
            step=step,
        )


def missed_check_in(rule, scan):
    """15 minutes after the start: the person, the shift's leader and the county duty room,
    and the robots; 30 minutes: the bureau's leader on duty."""
    from duty_roster.models import Attendance

    url = link("duty_roster:shift")
    first = datetime.timedelta(minutes=rule.after_minutes or 15)
    second = first + datetime.timedelta(minutes=rule.repeat_minutes or 15)
    missed = Attendance.objects.missed(since=scan.now - datetime.timedelta(days=1)).filter(
        shift__ends_at__gt=scan.now
    )
    # Skip the absences already told at the step they have reached.
    step = Case(
        When(shift__starts_at__lte=scan.now - second, then=Value("s2")),
        default=Value("s1"),
        output_field=CharField(),
    )
    missed = not_said(missed.annotate(notify_step=step), rule, OuterRef("notify_step"))
    rows = missed.values_list(
        "pk",
        "person_id",
        "person__full_name",
        "person__username",
        "shift_id",
        "shift__starts_at",
        "shift__leader_id",
        "shift__post__name",
        "shift__post__township_id",
    ).iterator(chunk_size=ITERATOR_CHUNK)
    for pk, person, full_name, username, shift, starts_at, leader, post, township in rows:
        late_by = scan.now - starts_at
        message = {
            "subject_id": pk,
            "title": _("%(name)s has not checked in at %(post)s (shift from %(time)s)")
            % {"name": full_name or username, "post": post, "time": f"{_local(starts_at):%H:%M}"},
            "url": url(shift),
        }
        key = f"{rule.code}:{shift}:u{person}"
        if late_by >= first:
            people = {person, leader, *scan.county_duty_room()}
            yield from to_people(f"{key}:s1", sorted(people), step="s1", **message)
            robots = [*scan.township_robots[township], *scan.bureau_robots]
            yield from to_robots(f"{key}:s1", robots, step="s1", **message)
        if late_by >= second:
            yield from to_people(f"{key}:s2", scan.bureau_leader_on_duty(), step="s2", **message)


def roster_gaps(rule, scan):
    """Any time in the next days that a post has nobody rostered: admins and its township."""
    from duty_roster.models import DutyPost, PostKind, Shift

    days = rule.lead_days or 7
    start, end = scan.now, scan.now + datetime.timedelta(days=days)
    today = day_step(scan.today)
    # Posts already told about today are skipped before their rosters are read: every
    # ten minutes, the scan would otherwise rebuild (and land nothing of) a day's messages.
    said = set(
        Notification.objects.filter(rule=rule.code, step=today).values_list("subject_id", flat=True)
    )
    # Holiday posts (marriage registry, funeral service) work on days off only.
    posts = {
        pk: (name, township)
        for pk, name, township in DutyPost.objects.filter(is_active=True)
        .exclude(kind=PostKind.HOLIDAY)
        .values_list("pk", "name", "township_id")
        if pk not in said
    }
    covered_until = dict.fromkeys(posts, start)
    first_gap = {}
    shifts = (
        Shift.objects.filter(post_id__in=list(posts), starts_at__lt=end, ends_at__gt=start)
        .order_by("post_id", "starts_at")
        .values_list("post_id", "starts_at", "ends_at")
        .iterator(chunk_size=ITERATOR_CHUNK)
    )
    for post, starts_at, ends_at in shifts:
        if post not in first_gap and starts_at > covered_until[post]:
            first_gap[post] = covered_until[post]
        covered_until[post] = max(covered_until[post], ends_at)
    for post, until in covered_until.items():
        if post not in first_gap and until < end:
            first_gap[post] = until
    url = link("duty_roster:roster")
    for post, gap in first_gap.items():
        name, township = posts[post]
        people = {*scan.admins, *scan.township_staff[township]} if township else set(scan.admins)
        yield from to_people(
            f"{rule.code}:{post}:{today}",
            sorted(people),
            subject_id=post,
            step=today,
            title=_("Nobody is rostered at %(post)s from %(time)s")
            % {
                "post": name,
                "time": f"{_local(gap):%m-%d %H:%M}",
            },
            url=url(post),
        )


def handover_unread(rule, scan):
    """A handover note nobody of the next shift has acknowledged 30 minutes into it."""
    from duty_roster.models import Attendance, Shift

    late = scan.now - datetime.timedelta(minutes=rule.after_minutes or 30)
    following = Shift.objects.filter(
        post_id=OuterRef("post_id"), starts_at__gte=OuterRef("ends_at")
    ).order_by("starts_at")
    unread = (
        Shift.objects.filter(
            handover_acknowledged_at__isnull=True,
            ends_at__lte=late,
            ends_at__gt=scan.now - datetime.timedelta(days=1),
        )
        .exclude(handover_note="")
        .annotate(
            next_id=Subquery(following.values("pk")[:1]),
            next_start=Subquery(following.values("starts_at")[:1]),
        )
        .filter(next_start__lte=late)
    )
    unread = not_said(unread, rule, "").values_list("pk", "next_id", "post__name")
    unread = list(unread)
    people = defaultdict(list)
    for shift, person in Attendance.objects.filter(
        shift_id__in=[row[1] for row in unread]
    ).values_list("shift_id", "person_id"):
        people[shift].append(person)
    url = link("duty_roster:shift")
    for shift, next_id, post in unread:
        yield from to_people(
            f"{rule.code}:{shift}",
            people[next_id],
            title=_("Read and acknowledge the handover at %(post)s") % {"post": post},
            url=url(shift),
            subject_id=shift,
        )


def _incidents(queryset):
    return queryset.values_list(
        "pk", "township_id", "township__name", "category", "severity", "place", "reported_at"
    ).iterator(chunk_size=ITERATOR_CHUNK)


def _incident_message(url, pk, township_name, category, place):
    from duty_roster.models import IncidentCategory

    return {
        "subject_id": pk,
        "title": _("Incident in %(township)s: %(category)s")
        % {"township": township_name, "category": IncidentCategory(category).label},
        "body": place[:200],
        "url": url(pk),
    }


def incident_filed(rule, scan):
    """At once: the county duty room, the robots; a serious one the leader on duty too."""
    from duty_roster.models import Incident, IncidentSeverity

    url = link("duty_roster:incident")
    recent = Incident.objects.unacknowledged().filter(
        reported_at__gte=scan.now - datetime.timedelta(days=1)
    )
    recent = not_said(recent, rule, "")
    for pk, township, township_name, category, severity, place, _at in _incidents(recent):
        message = _incident_message(url, pk, township_name, category, place)
        people = set(scan.county_duty_room())
        if severity != IncidentSeverity.ORDINARY:
            people.update(scan.bureau_leader_on_duty())
        key = f"{rule.code}:{pk}"
        yield from to_people(key, sorted(people), **message)
        yield from to_robots(key, [*scan.township_robots[township], *scan.bureau_robots], **message)


def incident_unacknowledged(rule, scan):
    """Not acknowledged after 10 minutes: the leader on duty; every 10 minutes after, the top
    of the chain (the rule's contacts, e.g. the director), again and again until acknowledged."""
    from duty_roster.models import Incident

    url = link("duty_roster:incident")
    after = datetime.timedelta(minutes=rule.after_minutes or 10)
    every = datetime.timedelta(minutes=rule.repeat_minutes or 10)
    top = list(rule.contacts.values_list("pk", flat=True)) or scan.bureau
    waiting = Incident.objects.unacknowledged().filter(
        reported_at__lte=scan.now - after, reported_at__gte=scan.now - datetime.timedelta(days=2)
    )
    for pk, _township, township_name, category, _severity, place, reported_at in _incidents(
        waiting
    ):
        step = int((scan.now - reported_at - after) / every) + 1
        people = scan.bureau_leader_on_duty() if step == 1 else top
        minutes = int((scan.now - reported_at).total_seconds() // 60)
        message = _incident_message(url, pk, township_name, category, place)
        message["title"] = _("Not acknowledged for %(minutes)d minutes: %(title)s") % {
            "minutes": minutes,
            "title": message["title"],
        }
        yield from to_people(f"{rule.code}:{pk}:s{step}", people, step=f"s{step}", **message)


def incident_reported_late(rule, scan):
    """First reported later than the phone-report limit: the duty room, once."""
    from duty_roster.models import Incident, incident_phone_report_minutes

    url = link("duty_roster:incident")
    limit = incident_phone_report_minutes()
    recent = Incident.objects.filter(reported_at__gte=scan.now - datetime.timedelta(days=1))
    rows = not_said(recent, rule, "").values_list(
        "pk", "township__name", "occurred_at", "reported_at"
    )
    for pk, township_name, occurred_at, reported_at in rows.iterator(chunk_size=ITERATOR_CHUNK):
        minutes = int((reported_at - occurred_at).total_seconds() // 60)
        if minutes <= limit:
            continue
        yield from to_people(
            f"{rule.code}:{pk}",
            scan.county_duty_room(),
            title=_(
                "An incident in %(township)s was reported %(minutes)d minutes after it happened "
                "(limit %(limit)d)"
            )
            % {"township": township_name, "minutes": minutes, "limit": limit},
            url=url(pk),
            subject_id=pk,
        )


def spot_check_finding_unanswered(rule, scan):
    """A failed spot check's finding still unanswered `lead_days` days after the check (2 by
    default): the post's township staff (and an institution post's own staff), every day
    until the post answers. Answered but still not closed `lead_days` days after the answer:
    the officer who made the check (every bureau officer once they have left), every day
    until the bureau closes it. Two queries however many findings."""
    from duty_roster.models import FollowUpState, SpotCheck

    url = link("duty_roster:spot_check")
    days = rule.lead_days or 2
    since = scan.now - datetime.timedelta(days=days)
    stamp = day_step(scan.today)
    checks = SpotCheck.objects.all()

    to_answer = not_said(
        checks.in_follow_up(FollowUpState.AWAITING).filter(checked_at__lte=since),
        rule,
        f"a{stamp}",
    ).values_list("pk", "checked_at", "post__name", "post__township_id", "post__institution_id")
    title = _("Spot check finding at %(post)s (%(time)s) not answered after %(days)d days")
    for pk, checked_at, post, township, institution in to_answer.iterator(
        chunk_size=ITERATOR_CHUNK
    ):
        yield from to_people(
            f"{rule.code}:{pk}:a{stamp}",
            sorted({*scan.township_staff[township], *scan.institution_staff[institution]}),
            subject_id=pk,
            step=f"a{stamp}",
            title=title % {"post": post, "time": f"{_local(checked_at):%m-%d %H:%M}", "days": days},
            url=url(pk),
        )

    to_close = not_said(
        checks.in_follow_up(FollowUpState.ANSWERED).filter(responded_at__lte=since),
        rule,
        f"c{stamp}",
    ).values_list("pk", "checked_at", "post__name", "checked_by_id")
    bureau = set(scan.bureau)
    title = _("Spot check finding at %(post)s (%(time)s) answered, waiting to be closed")
    for pk, checked_at, post, checked_by in to_close.iterator(chunk_size=ITERATOR_CHUNK):
        yield from to_people(
            f"{rule.code}:{pk}:c{stamp}",
            [checked_by] if checked_by in bureau else scan.bureau,
            subject_id=pk,
            step=f"c{stamp}",
            title=title % {"post": post, "time": f"{_local(checked_at):%m-%d %H:%M}"},
            url=url(pk),
        )
