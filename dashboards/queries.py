"""The dashboard's figures: grouped queries over a whole scope, a fixed number of them
whatever the number of rows, each result cached a minute per scope and filter
(config.counts) and read from the replica when there is one (config.routers).

Everything cached is plain data (ids, codes, numbers, dates), never labels: a figure
counted for a Chinese page is shown on an English one too. Lists are bounded.
"""

import datetime

from django.db.models import Avg, Count, Exists, F, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from config.counts import cached_figure
from config.routers import reading_from_replica
from duty_roster.models import (
    MAX_SHIFT_LENGTH,
    Attendance,
    DutyPost,
    Incident,
    PostKind,
    Shift,
)
from inspections.levels import not_credible_answers
from inspections.models import (
    Hazard,
    HazardStatus,
    Inspection,
    InspectionStatus,
    Severity,
)
from institutions.models import Township
from institutions.scoping import filter_visible
from relief.models import Application, ApplicationStatus, Payment, Person

LISTED = 20  # overdue and major hazards listed
LISTED_SHORT = 10  # recurring hazards, absences, gaps, incidents listed
GAP_DAYS = 7

# One topic that no write invalidates: the dashboard's figures are counted at most a minute
# apart, by whoever looks first or by the warming task (dashboards.tasks), never on every
# save. Recounting the county after each hazard saved in a busy sweep made nearly every
# view pay the full count (0.7 s at 10×, seconds at 100×).
INSPECTIONS = DUTY = RELIEF = INSTITUTIONS = DAILY_REPORTS = "dashboard"


def _cached(topic, name, user, filters, compute):
    def counted():
        with reading_from_replica():
            return compute()

    return cached_figure(topic, f"dashboard:{name}:{filters.cache_name()}", user, counted)


# --- Scopes ------------------------------------------------------------------


def townships(user, filters):
    """The league table's rows: the townships in scope, in code order."""

    def compute():
        found = Township.objects.visible_to(user)
        if filters.township_id:
            found = found.filter(pk=filters.township_id)
        return list(found.order_by("code").values("pk", "name", "code"))

    return _cached(INSTITUTIONS, "townships", user, filters, compute)


# A clerk's page is their township's, which their scope (visible_to) already says: the
# township filter is added for county roles only. Said twice, PostgreSQL multiplies the
# township's share in twice, expects a twentieth of the rows and picks plans for a handful
# (a clerk's absences today: 334 ms at 100×, reading every shift of the township).
def _narrowing(user, filters):
    return filters.township_id if user.is_county_wide else None


def _by_institution(queryset, user, filters, path="institution"):
    if _narrowing(user, filters):
        queryset = queryset.filter(**{f"{path}__township_id": filters.township_id})
    if filters.kind:
        queryset = queryset.filter(**{f"{path}__kind": filters.kind})
    return queryset


def hazards(user, filters):
    return _by_institution(Hazard.objects.visible_to(user), user, filters)


def inspections(user, filters):
    return _by_institution(Inspection.objects.visible_to(user), user, filters)


def _in_township(queryset, user, filters, path):
    if _narrowing(user, filters):
        queryset = queryset.filter(**{path: filters.township_id})
    return queryset


# --- Inspections -------------------------------------------------------------


def festival_coverage(user, filters):
    """The festival sweep's inspections per township: done, due (not yet late), overdue."""
    campaign, today = filters.campaign, filters.today
    if campaign is None:
        return {}

    def compute():
        rows = (
            inspections(user, filters)
            .filter(campaign_id=campaign.pk)
            .values(township_id=F("institution__township_id"))
            .annotate(
                done=Count("pk", filter=Q(status=InspectionStatus.SUBMITTED)),
                due=Count("pk", filter=Q(status=InspectionStatus.DRAFT, due_on__gte=today)),
                overdue=Count("pk", filter=Q(status=InspectionStatus.DRAFT, due_on__lt=today)),
            )
            .order_by()
        )
        return {row.pop("township_id"): row for row in rows}

    return _cached(INSPECTIONS, "festival_coverage", user, filters, compute)


def campaign_coverage(user, filters):
    """Inspections of the campaigns running today that fall due in the period, per
    township: how many there are and how many are done."""
    today = filters.today

    def compute():
        rows = (
            inspections(user, filters)
            .filter(
                campaign__is_active=True,
                campaign__starts_on__lte=today,
                campaign__ends_on__gte=today,
                due_on__gte=filters.date_from,
                due_on__lte=filters.date_to,
            )
            .values(township_id=F("institution__township_id"))
            .annotate(
                total=Count("pk"),
                done=Count("pk", filter=Q(status=InspectionStatus.SUBMITTED)),
            )
            .order_by()
        )
        return {row.pop("township_id"): row for row in rows}

    return _cached(INSPECTIONS, "campaign_coverage", user, filters, compute)


def not_credible_per_township(user, filters):
    """Items of the period's latest self-inspections that the latest township or
    supervisory inspection failed (自查不实, inspections.levels), per township: one
    grouped query whatever the number of institutions."""

    def compute():
        rows = (
            not_credible_answers(inspections(user, filters), filters.date_from, filters.date_to)
            .values(township_id=F("inspection__institution__township_id"))
            .annotate(
                items=Count("pk"), institutions=Count("inspection__institution_id", distinct=True)
            )
            .order_by()
        )
        return {row.pop("township_id"): row for row in rows}

    return _cached(INSPECTIONS, "not_credible_per_township", user, filters, compute)


# --- Hazards -----------------------------------------------------------------


def open_hazard_breakdown(user, filters):
    """Unresolved hazards counted by (severity, category, status): [(s, c, st, n)]."""

    def compute():
        return [
            (row["severity"], row["category"], row["status"], row["n"])
            for row in hazards(user, filters)
            .unresolved()
            .values("severity", "category", "status")
            .annotate(n=Count("pk"))
            .order_by()
        ]

    return _cached(INSPECTIONS, "open_hazard_breakdown", user, filters, compute)


def open_hazards_per_township(user, filters):
    """Per township: unresolved, overdue and major unresolved hazards."""
    today = filters.today

    def compute():
        rows = (
            hazards(user, filters)
            .unresolved()
            .values(township_id=F("institution__township_id"))
            .annotate(
                unresolved=Count("pk"),
                overdue=Count("pk", filter=Q(deadline__lt=today)),
                major=Count("pk", filter=Q(severity=Severity.MAJOR)),
            )
            .order_by()
        )
        return {row.pop("township_id"): row for row in rows}

    return _cached(INSPECTIONS, "open_hazards_per_township", user, filters, compute)


def closing_per_township(user, filters):
    """Hazards closed in the period per township: how many, and their average days
    from found to closed (a float)."""
    start, end = filters.period_bounds()

    def compute():
        rows = (
            hazards(user, filters)
            .filter(status=HazardStatus.CLOSED, closed_at__gte=start, closed_at__lt=end)
            .values(township_id=F("institution__township_id"))
            .annotate(closed=Count("pk"), time_to_close=Avg(F("closed_at") - F("found_at")))
            .order_by()
        )
        return {
            row["township_id"]: {
                "closed": row["closed"],
                "avg_days": _days(row["time_to_close"]),
            }
            for row in rows
        }

    return _cached(INSPECTIONS, "closing_per_township", user, filters, compute)


def _days(duration):
    if duration is None:
        return None
    if not isinstance(duration, datetime.timedelta):  # microseconds on some backends
        duration = datetime.timedelta(microseconds=float(duration))
    return duration.total_seconds() / 86400


def average_days(per_township):
    """The average over every township's closed hazards (weighted by how many closed)."""
    closed = sum(row["closed"] for row in per_township.values() if row["avg_days"] is not None)
    if not closed:
        return None
    total = sum(
        row["closed"] * row["avg_days"]
        for row in per_township.values()
        if row["avg_days"] is not None
    )
    return total / closed


def hazard_trend(user, filters):
    """Hazards found and closed each day of the period: {"found": {date: n}, "closed": …}."""
    start, end = filters.period_bounds()

    def compute():
        scoped = hazards(user, filters)
        found = (
            scoped.filter(found_at__gte=start, found_at__lt=end)
            .annotate(day=TruncDate("found_at"))
            .values("day")
            .annotate(n=Count("pk"))
            .order_by()
        )
        closed = (
            scoped.filter(status=HazardStatus.CLOSED, closed_at__gte=start, closed_at__lt=end)
            .annotate(day=TruncDate("closed_at"))
            .values("day")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return {
            "found": {row["day"]: row["n"] for row in found},
            "closed": {row["day"]: row["n"] for row in closed},
        }

    return _cached(INSPECTIONS, "hazard_trend", user, filters, compute)


HAZARD_FIELDS = (
    "pk",
    "description",
    "severity",
    "status",
    "deadline",
    "supervised_at",
    "institution__name",
    "institution__township__name",
    "found_at",
)


def _hazard_rows(queryset, limit=LISTED):
    rows = list(queryset.values(*HAZARD_FIELDS)[:limit])
    for row in rows:
        row["description"] = row["description"][:80]
    return rows


def listed_hazards(user, filters):
    """The first overdue and the first major unresolved hazards, by deadline, and the
    newest recurring hazards found in the period, with how many recurred."""
    start, end = filters.period_bounds()

    def compute():
        scoped = hazards(user, filters)
        recurring = scoped.filter(is_recurring=True, found_at__gte=start, found_at__lt=end)
        return {
            "overdue": _hazard_rows(scoped.overdue(filters.today).order_by("deadline", "pk")),
            "major": _hazard_rows(
                scoped.unresolved().filter(severity=Severity.MAJOR).order_by("deadline", "pk")
            ),
            "recurring": _hazard_rows(recurring.order_by("-found_at", "-pk"), LISTED_SHORT),
            "recurring_count": recurring.count(),
        }

    return _cached(INSPECTIONS, "listed_hazards", user, filters, compute)


# --- Duty --------------------------------------------------------------------


def _posts(queryset, user, filters, prefix=""):
    """Posts (or their shifts, or attendance: `prefix` reaches the post) in the user's scope
    and the township the page is narrowed to. A clerk's page leaves out the county duty
    room, which every clerk may see but which is not their township's: their township alone
    says both, once (see _narrowing)."""
    if filters.township_id and not user.is_county_wide:
        if filters.township_id != user.township_id:
            return queryset.none()
        return queryset.filter(**{f"{prefix}township_id": filters.township_id})
    queryset = queryset.visible_to(user)
    if filters.township_id:
        queryset = queryset.filter(**{f"{prefix}township_id": filters.township_id})
    return queryset


def duty_figures(user, filters, now):
    """Shifts under way, absences (脱岗) today and in the period, open incidents, posts
    with a gap in their roster in the next week: counts per township and short lists."""
    today_start = timezone.make_aware(datetime.datetime.combine(filters.today, datetime.time.min))
    start, end = filters.period_bounds()
    minute = now.replace(second=0, microsecond=0)

    def compute():
        shifts = _posts(Shift.objects.all(), user, filters, "post__")
        attendance = _posts(Attendance.objects.all(), user, filters, "shift__post__")
        under_way = (
            shifts.under_way(minute)
            .values(township_id=F("post__township_id"))
            .annotate(n=Count("pk"))
            .order_by()
        )
        missed_today = (
            attendance.missed(since=today_start)
            .values(township_id=F("shift__post__township_id"))
            .annotate(n=Count("pk"))
            .order_by()
        )
        missed_in_period = (
            attendance.missed(since=start)
            .filter(missed_at__lt=end)
            .values(township_id=F("shift__post__township_id"))
            .annotate(n=Count("pk"))
            .order_by()
        )
        incidents = _in_township(
            Incident.objects.visible_to(user).in_service_years(), user, filters, "township_id"
        ).filter(closed_at__isnull=True)
        gaps = posts_with_roster_gaps(user, filters, minute)
        return {
            "under_way": {row["township_id"]: row["n"] for row in under_way},
            "missed_today": {row["township_id"]: row["n"] for row in missed_today},
            "missed_in_period": {row["township_id"]: row["n"] for row in missed_in_period},
            "incidents": incidents.aggregate(
                open=Count("pk"), unacknowledged=Count("pk", filter=Q(acknowledged_at__isnull=True))
            ),
            "incident_list": list(
                incidents.order_by("-occurred_at", "-pk").values(
                    "pk",
                    "occurred_at",
                    "place",
                    "category",
                    "severity",
                    "acknowledged_at",
                    "township__name",
                )[:LISTED_SHORT]
            ),
            "gaps": {
                row["township_id"]: row["n"]
                for row in gaps.values("township_id").annotate(n=Count("pk")).order_by()
            },
            "gap_list": list(
                gaps.order_by("kind", "name", "pk").values("pk", "name", "township__name")[
                    :LISTED_SHORT
                ]
            ),
        }

    return _cached(DUTY, "duty_figures", user, filters, compute)


def posts_with_roster_gaps(user, filters, now, days=GAP_DAYS):
    """Active posts (holiday posts aside, as the roster-gap reminder does) with a moment
    in the next `days` days that no shift covers: nobody at the start, or a shift that
    ends before the window does with no shift at the post covering its end. Two index
    probes of (post, starts_at) a post, in SQL; overlapping shifts are fine."""
    start, end = now, now + datetime.timedelta(days=days)
    covers_start = Shift.objects.filter(
        post_id=OuterRef("pk"),
        starts_at__lte=start,
        starts_at__gt=start - MAX_SHIFT_LENGTH,
        ends_at__gt=start,
    )
    covers_end = Shift.objects.filter(
        post_id=OuterRef("post_id"),
        starts_at__lte=OuterRef("ends_at"),
        starts_at__gt=OuterRef("ends_at") - MAX_SHIFT_LENGTH,
        ends_at__gt=OuterRef("ends_at"),
    )
    left_uncovered = Shift.objects.filter(
        post_id=OuterRef("pk"),
        starts_at__lt=end,
        starts_at__gt=start - MAX_SHIFT_LENGTH,
        ends_at__gt=start,
        ends_at__lt=end,
    ).filter(~Exists(covers_end))
    return (
        _posts(DutyPost.objects.all(), user, filters)
        .filter(is_active=True)
        .exclude(kind=PostKind.HOLIDAY)
        .filter(~Exists(covers_start) | Exists(left_uncovered))
    )


def duty_glance(user, filters, now, limit=30):
    """Who is on duty now at the county duty room and the township centres (a clerk: their
    own), with each person's attendance: live, bounded, two queries."""
    shifts = (
        _posts(Shift.objects.all(), user, filters, "post__")
        .under_way(now)
        .at_a_glance_for(user)
        .select_related("post")
        .prefetch_related(
            Prefetch("attendances", queryset=Attendance.objects.select_related("person"))
        )
        .order_by("post__kind", "post__name", "pk")
    )
    return list(shifts[:limit])


def absences_today(user, filters, limit=LISTED_SHORT):
    today_start = timezone.make_aware(datetime.datetime.combine(filters.today, datetime.time.min))
    return list(
        _posts(Attendance.objects.all(), user, filters, "shift__post__")
        .missed(since=today_start)
        .select_related("shift__post", "person")
        .order_by("-missed_at", "-pk")[:limit]
    )


# --- Relief ------------------------------------------------------------------


def month_bounds(today):
    first = today.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return (
        timezone.make_aware(datetime.datetime.combine(first, datetime.time.min)),
        timezone.make_aware(datetime.datetime.combine(following, datetime.time.min)),
    )


def relief_figures(user, filters):
    """Applications waiting at each level per township, amounts paid this month by
    programme and township, people overdue for a home visit per township."""
    month_start, month_end = month_bounds(filters.today)

    def compute():
        waiting = (
            _in_township(Application.objects.visible_to(user), user, filters, "township_id")
            .filter(status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWED])
            .values("township_id", "status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        payments = (
            _in_township(
                filter_visible(
                    Payment.objects.all(),
                    user,
                    township_path="person__township",
                    institution_path=None,
                ),
                user,
                filters,
                "person__township_id",
            )
            .filter(approved_at__gte=month_start, approved_at__lt=month_end)
            .values("programme_id", "programme__name", township_id=F("person__township_id"))
            .annotate(total=Sum("amount"), people=Count("pk"))
            .order_by()
        )
        overdue = (
            _in_township(Person.objects.visible_to(user), user, filters, "township_id")
            .overdue_for_visit(filters.today)
            .values("township_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return {
            "waiting": [(r["township_id"], r["status"], r["n"]) for r in waiting],
            "payments": [
                (r["programme_id"], r["programme__name"], r["township_id"], r["total"], r["people"])
                for r in payments
            ],
            "overdue_visits": {r["township_id"]: r["n"] for r in overdue},
        }

    return _cached(RELIEF, "relief_figures", user, filters, compute)


# --- The list behind a coverage figure ----------------------------------------


def inspections_behind(user, filters, *, campaign=None, state=None):
    """The inspections a coverage figure counts, by due date: of `campaign`, or of the
    campaigns running today that fall due in the period; `state` done, due or overdue.

    A sweep fans out to every institution of its kinds, so the period holds thousands of
    campaign inspections a county (50,000 at 10×): they are read in (due_on, id) order
    from the partial index inspection_campaign_due up to the page, not all sorted."""
    today = filters.today
    found = inspections(user, filters)
    if campaign is not None:
        found = found.filter(campaign=campaign)
    else:
        found = found.filter(
            campaign__is_active=True,
            campaign__starts_on__lte=today,
            campaign__ends_on__gte=today,
            due_on__gte=filters.date_from,
            due_on__lte=filters.date_to,
        )
    if state == "done":
        found = found.filter(status=InspectionStatus.SUBMITTED)
    elif state == "due":
        found = found.filter(status=InspectionStatus.DRAFT, due_on__gte=today)
    elif state == "overdue":
        found = found.filter(status=InspectionStatus.DRAFT, due_on__lt=today)
    return found.select_related("institution__township", "version__template", "campaign").order_by(
        "due_on", "pk"
    )


# --- Daily reports -------------------------------------------------------------


def daily_report_completion(user, filters):
    """Who has filed today's daily report (日报/零报告), per township in scope: the rows of
    daily_reports.services.completion, an empty list outside a reporting period."""
    from daily_reports.services import completion

    def compute():
        rows = completion(filters.today, user)
        if filters.township_id:
            rows = [row for row in rows if row["township_id"] == filters.township_id]
        return rows

    return _cached(DAILY_REPORTS, "daily_reports", user, filters, compute)
