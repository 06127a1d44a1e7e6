"""The duty system's exports for the exports app: the county 值班表 in the layout offices
post on the wall, one post's 值班表, the incident log and the leave reports.

Each source has the scope of its page. Rows are plain tuples from one values_list query;
a chunk of shifts gets its duty officers from one more query (a shift has several), and
the wall roster groups a day's shifts at a post in Python. Nothing is read per row.
"""

import datetime
from itertools import groupby, islice

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from duty_roster import periods, services
from duty_roster.forms import CountyRosterForm
from duty_roster.models import (
    DutyPost,
    Holiday,
    Incident,
    IncidentCategory,
    IncidentSeverity,
    IncidentUpdate,
    LeaveReport,
    PostKind,
    RequestStatus,
    Shift,
    incident_written_report_minutes,
)
from exports.services import Export
from exports.xlsxstream import Sheet
from institutions.models import Township
from institutions.scoping import scope_q

CHUNK = 2000
ROSTER_LIST = "、"  # between people of one shift
SHIFT_LIST = "；"  # between the shifts of one day at one post


def _display_name(full_name, username):
    return full_name or username  # User.display_name


def _of_shifts(ids, field="shift_id"):
    """`field` IN the chunk: on PostgreSQL one array parameter, not 2,000 placeholders."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", [ids])})
    return Q(**{f"{field}__in": ids})


def _officers(shift_ids):
    """shift id → [(name, phone)] of its duty officers in name order (one query)."""
    rows = (
        Shift.officers.through.objects.filter(_of_shifts(shift_ids))
        .values_list("shift_id", "user__full_name", "user__username", "user__phone")
        .order_by("shift_id", "user__full_name", "user__username")
    )
    officers = {}
    for shift_id, full_name, username, phone in rows:
        officers.setdefault(shift_id, []).append((_display_name(full_name, username), phone))
    return officers


def _with_officers(shifts, columns):
    """(values of `columns`, [(officer, phone)]) for each shift, in the queryset's order."""
    source = shifts.values_list("pk", *columns).iterator(chunk_size=CHUNK)
    while chunk := list(islice(source, CHUNK)):
        officers = _officers([row[0] for row in chunk])
        for pk, *values in chunk:
            yield values, officers.get(pk, [])


def hours_text(starts, ends):
    """A shift's local hours: 08:00–20:00, 08:30–次日08:30, or the end's date beyond that."""
    starts, ends = timezone.localtime(starts), timezone.localtime(ends)
    days = (ends.date() - starts.date()).days
    if days == 0:
        return f"{starts:%H:%M}–{ends:%H:%M}"
    if days == 1:
        return f"{starts:%H:%M}–" + _("next day %(time)s") % {"time": f"{ends:%H:%M}"}
    return f"{starts:%H:%M}–{ends:%m-%d %H:%M}"


# --- The county 值班表 --------------------------------------------------------

# A township's own posts before its institutions' (a sheet reads from the centre down).
POST_RANK = Case(
    When(post__kind=PostKind.COUNTY_DUTY_ROOM, then=Value(0)),
    When(post__kind=PostKind.TOWNSHIP_CENTRE, then=Value(1)),
    When(post__kind=PostKind.INSTITUTION, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)
WALL_COLUMNS = (
    "post__township_id",
    "post__township__name",
    "day",
    "post_id",
    "post__name",
    "post__phone",
    "starts_at",
    "ends_at",
    "leader__full_name",
    "leader__username",
    "leader__phone",
)


def county_roster_choices(user, params):
    """The form's cleaned choices; unreadable ones (a job replayed after its day) fall
    back to the defaults rather than fail."""
    form = CountyRosterForm(params, user=user)
    if not form.is_valid():
        form = CountyRosterForm({}, user=user)
        form.is_valid()
    return form


def wall_shifts(user, period, township=None):
    """The shifts starting in the period at the active posts of the user's own scope (a
    clerk: their township's posts, not the county duty room), each with its local day."""
    start, end = periods.local_bounds(period)
    shifts = Shift.objects.filter(post__is_active=True, starts_at__gte=start, starts_at__lt=end)
    scope = scope_q(user, township_path="post__township", institution_path="post__institution")
    if scope is not None:
        shifts = shifts.filter(scope)
    if township is not None:
        shifts = shifts.filter(post__township=township)
    return shifts.annotate(day=TruncDate("starts_at", tzinfo=services.local_zone()))


def county_roster(user, params):
    form = county_roster_choices(user, params)
    period, layout = form.cleaned_data["period"], form.cleaned_data["layout"]
    township = form.cleaned_data.get("township")
    shifts = wall_shifts(user, period, township)
    by_township = layout == CountyRosterForm.BY_TOWNSHIP
    title = (
        _("%(county)s civil affairs duty roster, %(festival)s")
        if period.festival
        else _("%(county)s civil affairs duty roster")
    ) % {"county": settings.COUNTY_NAME, "festival": period.festival}
    headers = [
        _("Date"),
        _("Day of the week"),
        *([] if by_township else [_("Township")]),
        _("Duty post"),
        _("Hours"),
        _("Leader on duty"),
        _("Leader's phone"),
        _("Duty officers"),
        _("Duty officers' phones"),
        _("Duty phone"),
    ]
    widths = [11, 14, *([] if by_township else [12]), 24, 18, 12, 14, 20, 28, 14]

    def sheet(name, rows, preamble=()):
        return Sheet(
            title=name,
            headers=headers,
            rows=rows,
            widths=widths,
            preamble=list(preamble),
            landscape=True,
            grid_lines=True,
            row_height=20,
        )

    def sheets():
        if not by_township:
            order = ["day", *_township_order(), "rank", "post__name", "post_id", "starts_at"]
            rows = _wall_rows(shifts.annotate(rank=POST_RANK).order_by(*order), period)
            yield sheet(_("All townships"), rows)
            return
        order = [*_township_order(), "day", "rank", "post__name", "post_id", "starts_at"]
        rows = _wall_rows(shifts.annotate(rank=POST_RANK).order_by(*order), period, keyed=True)
        yield from _township_sheets(
            _sheet_townships(user, township),
            rows,
            sheet,
            county_level=_county_level(user, township),
        )

    return Export(
        title=title,
        count=lambda: shifts.values("day", "post_id").distinct().count(),
        filter_text=form.filter_text(),
        sheets=sheets,
    )


def _township_order():
    # The county duty room (no township) first, then the townships by their code.
    return [F("post__township__code").asc(nulls_first=True), "post__township_id"]


def _county_level(user, township):
    return user.is_county_wide and township is None


def _sheet_townships(user, township):
    """(id, name) of the townships that get a sheet, by code: those the user sees, even
    without a shift (an empty sheet is a township not yet rostered), and the township of
    any post in the user's scope (an institution's staff see their institution's posts)."""
    townships = Township.objects.visible_to(user)
    scope = scope_q(user, township_path="township", institution_path="institution")
    if scope is not None:
        posts = DutyPost.objects.filter(scope).values("township_id")
        townships = Township.objects.filter(Q(pk__in=townships.values("pk")) | Q(pk__in=posts))
    if township is not None:
        townships = townships.filter(pk=township.pk)
    return townships.order_by("code", "pk").values_list("pk", "name")


def _township_sheets(townships, rows, sheet, *, county_level):
    """A sheet per township from one stream of (township id, row) in township order."""
    pending = next(rows, None)

    def rows_of(township_id):
        nonlocal pending
        while pending is not None and pending[0] == township_id:
            yield pending[1]
            pending = next(rows, None)

    label = _("Township")
    if county_level:
        yield sheet(_("County bureau"), rows_of(None), [[_("Posts of the county bureau")]])
    for township_id, name in townships:
        yield sheet(name, rows_of(township_id), [[f"{label}：{name}"]])
    if pending is not None:  # never expected: both sides have the same scope and order
        yield sheet(_("Other posts"), (row for _key, row in [pending, *rows]))


def _wall_rows(shifts, period, *, keyed=False):
    """One row per day and post, its shifts side by side; with `keyed`, (township id, row)."""
    holidays = dict(
        Holiday.objects.filter(
            date__gte=period.first, date__lte=period.last, kind=Holiday.Kind.HOLIDAY
        ).values_list("date", "name")
    )
    stream = _with_officers(shifts, WALL_COLUMNS)
    for (township_id, day, _post), group in groupby(
        stream, key=lambda item: (item[0][0], item[0][2], item[0][3])
    ):
        group = list(group)
        first = group[0][0]
        township_name, post, post_phone = first[1], first[4], first[5]
        hours, leaders, leader_phones, officers, officer_phones = [], [], [], [], []
        for values, people in group:
            starts, ends, leader_full, leader_user, leader_phone = values[6:]
            hours.append(hours_text(starts, ends))
            leaders.append(_display_name(leader_full, leader_user))
            leader_phones.append(leader_phone)
            officers.append(ROSTER_LIST.join(name for name, _phone in people))
            officer_phones.append(ROSTER_LIST.join(phone for _person, phone in people if phone))
        weekday = str(WEEKDAYS[day.weekday()])
        if day in holidays:
            weekday = f"{weekday}（{holidays[day]}）"
        row = (
            day,
            weekday,
            *([] if keyed else [township_name or _("County bureau")]),
            post,
            SHIFT_LIST.join(hours),
            _joined(leaders),
            _joined(leader_phones),
            _joined(officers),
            _joined(officer_phones),
            post_phone,
        )
        yield (township_id, row) if keyed else row


def _joined(parts):
    return SHIFT_LIST.join(part for part in parts if part)


# --- One post's 值班表 --------------------------------------------------------


def scoped_post(user, pk):
    """The post behind the URL, through the roster page's scoped lookup; else a 404."""
    try:
        return services.posts_for(user).get(pk=int(pk))
    except (DutyPost.DoesNotExist, TypeError, ValueError, OverflowError) as missing:
        raise Http404 from missing


def post_roster(user, params):
    post = scoped_post(user, params.get("post"))
    first, start, end = periods.roster_fortnight(params.get("from"))
    shifts = Shift.objects.filter(post=post).overlapping(start, end).order_by("starts_at", "pk")
    last = first + datetime.timedelta(days=periods.DEFAULT_DAYS - 1)
    return Export(
        title=(_("%(post)s duty roster") % {"post": post.name})[:100],
        headers=[
            _("Date"),
            _("Hours"),
            _("Leader on duty"),
            _("Phone"),
            _("Duty officers"),
            _("Phones"),
        ],
        widths=[12, 22, 12, 16, 24, 30],
        rows=_post_rows(shifts),
        count=shifts.count,
        filter_text=periods.Period(first, last).in_words(),
    )


def _post_rows(shifts):
    columns = ("starts_at", "ends_at", "leader__full_name", "leader__username", "leader__phone")
    for (starts, ends, full_name, username, phone), people in _with_officers(shifts, columns):
        starts, ends = timezone.localtime(starts), timezone.localtime(ends)
        yield (
            starts.date(),
            f"{starts:%H:%M}–{ends:%m-%d %H:%M}",
            _display_name(full_name, username),
            phone,
            ROSTER_LIST.join(name for name, _phone in people),
            ROSTER_LIST.join(phone for _person, phone in people if phone),
        )


# --- The incident log ---------------------------------------------------------

INCIDENT_COLUMNS = (
    "pk",
    "occurred_at",
    "township__name",
    "institution__name",
    "place",
    "category",
    "severity",
    "deaths",
    "injuries",
    "summary",
    "actions_taken",
    "who_was_told",
    "reported_by__full_name",
    "reported_by__username",
    "reported_at",
    "acknowledged_by__full_name",
    "acknowledged_by__username",
    "acknowledged_at",
    "closed_at",
)


def listed_incidents(user):
    """The incidents page's list, all of it: the user's scope, newest first."""
    return Incident.objects.visible_to(user).in_service_years().order_by("-occurred_at", "-pk")


def incident_log(user, params):
    incidents = listed_incidents(user)
    return Export(
        title=_("Incident log"),
        headers=[
            _("Occurred at"),
            _("Township"),
            _("Institution"),
            _("Where"),
            _("Category"),
            pgettext("incident", "Severity"),
            _("Deaths"),
            _("Injuries"),
            _("What happened"),
            pgettext("incident", "What was done"),
            _("Who was told"),
            _("Reported by"),
            _("First reported at"),
            _("Minutes to first report"),
            _("Reported late"),
            _("Acknowledged by"),
            _("Acknowledged at"),
            _("Follow-up reports"),
            _("Final report at"),
        ],
        widths=[17, 12, 22, 20, 14, 8, 6, 6, 40, 40, 20, 10, 17, 8, 8, 10, 17, 8, 17],
        rows=_incident_rows(incidents),
        count=incidents.count,
        landscape=True,
    )


def _incident_rows(incidents):
    categories = {k: str(v) for k, v in IncidentCategory.choices}
    severities = {k: str(v) for k, v in IncidentSeverity.choices}
    late_after = incident_written_report_minutes()
    yes = _("yes")
    source = incidents.values_list(*INCIDENT_COLUMNS).iterator(chunk_size=CHUNK)
    while chunk := list(islice(source, CHUNK)):
        follow_ups = _follow_ups([row[0] for row in chunk])
        for (
            pk,
            occurred_at,
            township,
            institution,
            place,
            category,
            severity,
            deaths,
            injuries,
            summary,
            actions_taken,
            who_was_told,
            reporter_full,
            reporter_user,
            reported_at,
            acknowledger_full,
            acknowledger_user,
            acknowledged_at,
            closed_at,
        ) in chunk:
            minutes = int((reported_at - occurred_at).total_seconds() // 60)
            yield (
                occurred_at,
                township,
                institution,
                place,
                categories.get(category, category),
                severities.get(severity, severity),
                deaths,
                injuries,
                summary,
                actions_taken,
                who_was_told,
                _display_name(reporter_full, reporter_user),
                reported_at,
                minutes,
                yes if minutes > late_after else "",
                _display_name(acknowledger_full, acknowledger_user) if acknowledged_at else "",
                acknowledged_at,
                follow_ups.get(pk, 0),
                closed_at,
            )


def _follow_ups(ids):
    """incident id → how many follow-up reports (续报) it has (one grouped query)."""
    rows = (
        IncidentUpdate.objects.filter(
            _of_shifts(ids, "incident_id"), kind=IncidentUpdate.Kind.FOLLOW_UP
        )
        .values_list("incident_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


# --- Leave reports ------------------------------------------------------------

LEAVE_COLUMNS = (
    "person__full_name",
    "person__username",
    "person__township__name",
    "person__institution__name",
    "destination",
    "starts_at",
    "ends_at",
    "reason",
    "contact",
    "approver__full_name",
    "approver__username",
    "status",
    "decided_at",
    "created_at",
)


def listed_leave(user):
    """The leave page's list, all of it: the user's own, those they approve, or (county
    staff) everyone's; the latest leave first."""
    return LeaveReport.objects.visible_to(user).in_service_years().order_by("-starts_at", "-pk")


def leave_reports(user, params):
    leaves = listed_leave(user)
    return Export(
        title=_("Leave reports"),
        headers=[
            _("Who goes out"),
            _("Township"),
            _("Institution"),
            pgettext("leave", "Destination"),
            _("From"),
            _("Until"),
            _("Why"),
            _("How to reach them"),
            _("Approver"),
            _("Status"),
            _("Decided at"),
            _("Reported at"),
        ],
        widths=[10, 12, 20, 20, 17, 17, 30, 14, 10, 12, 17, 17],
        rows=_leave_rows(leaves),
        count=leaves.count,
        landscape=True,
    )


def _leave_rows(leaves):
    statuses = {k: str(v) for k, v in RequestStatus.choices}
    for (
        person_full,
        person_user,
        township,
        institution,
        destination,
        starts_at,
        ends_at,
        reason,
        contact,
        approver_full,
        approver_user,
        status,
        decided_at,
        created_at,
    ) in leaves.values_list(*LEAVE_COLUMNS).iterator(chunk_size=CHUNK):
        yield (
            _display_name(person_full, person_user),
            township,
            institution,
            destination,
            starts_at,
            ends_at,
            reason,
            contact,
            _display_name(approver_full, approver_user),
            statuses.get(status, status),
            decided_at,
            created_at,
        )
