"""Who may file, the writes (a report and the follow-up its positives raise, closing a
follow-up) and the county's figures, each a fixed number of queries.

The county page's figures that grow with the county (the homes expected per township, the
weeks before this one, the homes needing attention) are dashboard figures
(config.counts): counted once a minute per scope and afresh after a report, a follow-up
(topic "epidemic") or an institution (topic "institutions") is saved. This week's sums per
township stay live: one indexed query.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from config.counts import cached_figure
from epidemic.models import (
    FollowUp,
    FollowUpStatus,
    WeeklyReport,
    coverage_percent,
    low_coverage_percent,
    reporting_kinds,
    this_week,
    week_label,
)
from institutions.models import Institution, Township
from institutions.scoping import can_see_institution

TOPIC = "epidemic"  # saving a report or a follow-up recounts its figures (apps.py)
TREND_WEEKS = 8
# The figures summed per township and per week, in the order the tables show them.
SUMMED = (
    "residents",
    "residents_tested",
    "residents_positive",
    "staff_tested",
    "staff_positive",
    "sent_to_hospital",
    "referred_80_plus",
    "deaths",
    "doses_given",
    "residents_vaccinated",
    "antigen_kits_received",
    "antigen_kits_given",
)


# --- Who may do what ---------------------------------------------------------------------


def reporting_institutions():
    """The active institutions that file the weekly report (settings.EPIDEMIC_REPORTING_KINDS)."""
    return Institution.objects.filter(is_active=True, kind__in=reporting_kinds())


def reports_for(institution):
    return institution.is_active and institution.kind in reporting_kinds()


def can_file(user, institution):
    """Institution staff for their own home, township staff for their township's homes,
    county-wide roles for every home: the same rule as seeing it, minus the 三员."""
    if not (user.is_county_wide or user.is_township_staff or user.is_institution_staff):
        return False
    return can_see_institution(user, institution) and reports_for(institution)


def filers_may_change(week, today=None):
    """Filers may file or change a week's report until the week after it ends; after that,
    only county-wide roles (a late correction is the bureau's decision)."""
    today = today or timezone.localdate()
    return today <= week + datetime.timedelta(days=13)


def can_edit(user, institution, week, today=None):
    if not can_file(user, institution):
        return False
    return user.is_county_wide or filers_may_change(week, today)


def can_close(user, follow_up):
    if user.is_county_wide:
        return True
    return user.is_township_staff and user.township_id == follow_up.township_id


# --- Writes ------------------------------------------------------------------------------


def save_report(*, user, institution, week, values, report=None):
    """File the week's report of `institution`, or change `report` (the same one). A report
    with positive cases opens (or reopens, when more are reported) its follow-up."""
    if not can_file(user, institution):
        raise PermissionDenied
    if week > this_week():
        raise ValidationError(_("A week that has not begun cannot be reported yet."))
    if not can_edit(user, institution, week):
        raise ValidationError(
            _("The week after %(week)s has ended: only the bureau can change this report now.")
            % {"week": week_label(week)}
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            if report is None:
                report = WeeklyReport(
                    institution=institution, week=week, submitted_by=user, submitted_at=now
                )
            elif report.institution_id != institution.pk or report.week != week:
                raise PermissionDenied
            for name, value in values.items():
                setattr(report, name, value)
            report.updated_by = user
            report.save()
            open_follow_up(report, now)
    except IntegrityError as error:
        if WeeklyReport.objects.filter(institution=institution, week=week).exists():
            raise ValidationError(
                _("This institution already has a report for this week; edit that one.")
            ) from error
        raise
    return report


def open_follow_up(report, now):
    positives = report.positives
    if not positives:
        return None
    follow_up = FollowUp.objects.select_for_update().filter(report=report).first()
    if follow_up is None:
        return FollowUp.objects.create(
            report=report,
            institution_id=report.institution_id,
            township_id=report.township_id,
            positives=positives,
            opened_at=now,
        )
    if positives > follow_up.positives:
        # More cases than the follow-up knew of: it is open again (the notification
        # rule says so once per count), whatever was noted when it was closed.
        follow_up.positives = positives
        follow_up.status = FollowUpStatus.OPEN
        follow_up.closed_at = None
        follow_up.closed_by = None
        follow_up.closing_note = ""
        follow_up.save()
    return follow_up


def close_follow_up(*, follow_up, user, note):
    if not can_close(user, follow_up):
        raise PermissionDenied
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was done before closing the follow-up.")})
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if not follow_up.is_open:
            raise ValidationError(_("This follow-up is already closed."))
        follow_up.status = FollowUpStatus.CLOSED
        follow_up.closed_at = timezone.now()
        follow_up.closed_by = user
        follow_up.closing_note = note
        follow_up.save()
    return follow_up


# --- What the pages show -----------------------------------------------------------------


def week_institutions(user, week, *, township=None, missing_only=False):
    """The homes in the user's scope that report, each with its report of `week` (id and
    positives) annotated: one query for a page, however many homes."""
    reports = WeeklyReport.objects.filter(institution=OuterRef("pk"), week=week)
    institutions = (
        reporting_institutions()
        .visible_to(user)
        .select_related("township")
        .annotate(filed=Exists(reports))
        .in_list_order(user)
    )
    if township is not None:
        institutions = institutions.filter(township=township)
    if missing_only:
        institutions = institutions.filter(filed=False)
    return institutions


def reports_of(institution_ids, week):
    """{institution id: report} for a page of homes."""
    return {
        report.institution_id: report
        for report in WeeklyReport.objects.filter(institution_id__in=institution_ids, week=week)
    }


def _sums(prefix=""):
    return {name: Coalesce(Sum(f"{prefix}{name}"), 0) for name in SUMMED}


def _with_coverage(row):
    row["positives"] = row["residents_positive"] + row["staff_positive"]
    row["tested"] = row["residents_tested"] + row["staff_tested"]
    row["coverage"] = coverage_percent(row["residents_vaccinated"], row["residents"])
    return row


def county_week(user, week):
    """One row a township in the user's scope: homes expected and filed for `week`, and the
    week's sums. Two queries (the homes expected: none within the minute they are kept)."""
    townships = _expected_per_township(user)
    sums = {
        row["township"]: row
        for row in WeeklyReport.objects.visible_to(user)
        .filter(week=week)
        .values("township")
        .annotate(filed=Count("pk"), **_sums())
        .order_by()
    }
    empty = dict.fromkeys(SUMMED, 0) | {"filed": 0}
    rows = []
    for township in townships:
        row = dict(sums.get(township["pk"], empty))
        row.update(township)
        row["missing"] = max(row["expected"] - row["filed"], 0)
        rows.append(_with_coverage(row))
    total = {name: sum(row[name] for row in rows) for name in (*SUMMED, "filed", "expected")}
    total["missing"] = sum(row["missing"] for row in rows)
    return rows, _with_coverage(total)


def _expected_per_township(user):
    """The townships of the user's scope in code order, each with its homes that report:
    counting them reads every institution of the county, so it is a dashboard figure of
    the institutions' topic."""
    kinds = reporting_kinds()

    def count():
        expected = Count(
            "institutions",
            filter=Q(institutions__is_active=True, institutions__kind__in=kinds),
        )
        return list(
            Township.objects.visible_to(user)
            .order_by("code")
            .annotate(expected=expected)
            .values("pk", "name", "expected")
        )

    return cached_figure("institutions", f"epidemic_expected:{','.join(kinds)}", user, count)


def trend(user, week, weeks=TREND_WEEKS, *, this_week_sums=None):
    """The last `weeks` weeks up to `week`, oldest first, summed over the user's scope. A
    week nobody reported is zeros (and no coverage). The weeks before `week` change only by
    a late report: they are a dashboard figure. `week` itself is summed afresh, or taken
    from `this_week_sums` (county_week's total) when the caller has it: at most two
    queries."""
    first = week - datetime.timedelta(weeks=weeks - 1)
    found = cached_figure(
        TOPIC,
        f"trend:{first.isoformat()}:{week.isoformat()}",
        user,
        lambda: _weekly_sums(user, first, week - datetime.timedelta(weeks=1)),
    )
    if this_week_sums is None:
        this_week_sums = _weekly_sums(user, week, week).get(week)
    if this_week_sums is not None:
        found = found | {week: {name: this_week_sums[name] for name in (*SUMMED, "filed")}}
    rows = []
    for n in range(weeks):
        monday = first + datetime.timedelta(weeks=n)
        row = dict(found.get(monday, dict.fromkeys(SUMMED, 0) | {"filed": 0}))
        row["week"] = monday
        row["label"] = week_label(monday)
        rows.append(_with_coverage(row))
    return rows


def _weekly_sums(user, first, last):
    """{Monday: the week's sums} for the weeks from `first` to `last` that have reports."""
    return {
        row.pop("week"): row
        for row in WeeklyReport.objects.visible_to(user)
        .filter(week__gte=first, week__lte=last)
        .values("week")
        .annotate(filed=Count("pk"), **_sums())
        .order_by()
    }


def needing_attention(user, week):
    """The week's reports with positive cases, or with residents vaccinated below the
    threshold (settings.EPIDEMIC_LOW_COVERAGE_PERCENT), worst first."""
    threshold = low_coverage_percent()
    low = Q(residents__gt=0) & Q(vaccinated_100__lt=F("residents") * threshold)
    positive = Q(residents_positive__gt=0) | Q(staff_positive__gt=0)
    return (
        WeeklyReport.objects.visible_to(user)
        .filter(week=week)
        .alias(vaccinated_100=F("residents_vaccinated") * 100)
        .filter(positive | low)
        .select_related("institution", "township")
        .order_by(-(F("residents_positive") + F("staff_positive")), "township__code", "pk")
    )


def attention_page(user, week, limit):
    """The first `limit` of needing_attention(), and whether there are more. Finding them
    sorts every report of the county's week, so which ones they are is a dashboard figure;
    the reports themselves are read afresh: one query within the minute."""
    threshold = low_coverage_percent()
    ids = cached_figure(
        TOPIC,
        f"attention:{week.isoformat()}:{threshold}:{limit}",
        user,
        lambda: list(needing_attention(user, week).values_list("pk", flat=True)[: limit + 1]),
    )
    found = WeeklyReport.objects.filter(pk__in=ids).select_related("institution", "township")
    by_pk = {report.pk: report for report in found}
    reports = [by_pk[pk] for pk in ids if pk in by_pk]
    return reports[:limit], len(reports) > limit


def open_follow_ups(user):
    """Oldest first: read in order from the index of open follow-ups (epidemic_followup_
    open_since for the county, epidemic_followup_open for a township)."""
    return (
        FollowUp.objects.visible_to(user)
        .open()
        .select_related("institution", "township", "report")
        .order_by("opened_at", "pk")
    )


def chart_data(trend_rows, county_rows):
    """The charts' numbers (read by dashboards/charts.js from json_script)."""
    labels = [row["label"] for row in trend_rows]
    return {
        "trend": {
            "kind": "line",
            "categories": labels,
            "series": [
                {"name": _("Tested"), "data": [row["tested"] for row in trend_rows]},
                {
                    "name": _("Positive"),
                    "tone": "bad",
                    "data": [row["positives"] for row in trend_rows],
                },
                {
                    "name": _("Sent to hospital"),
                    "data": [row["sent_to_hospital"] for row in trend_rows],
                },
            ],
        },
        "coverage": {
            "kind": "line",
            "categories": labels,
            "series": [
                {
                    "name": _("Vaccination coverage (%)"),
                    "tone": "good",
                    "data": [row["coverage"] for row in trend_rows],
                }
            ],
        },
        "townships": {
            "kind": "bar",
            "categories": [row["name"] for row in county_rows],
            "series": [
                {"name": _("Tested"), "data": [row["tested"] for row in county_rows]},
                {
                    "name": _("Positive"),
                    "tone": "bad",
                    "data": [row["positives"] for row in county_rows],
                },
            ],
        },
    }
