"""Duty supervision (查岗) for the exports app: the spot checks list, with the list page's
filter form and scope, and the county's results by township for this month and quarter.

Rows are plain tuples from one values_list query (the results by township: the page's
one grouped query); nothing is read per row.
"""

import functools

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from duty_roster import services
from duty_roster.forms import SpotCheckFilterForm
from duty_roster.models import SpotCheck, SpotCheckMethod, SpotCheckResult
from duty_roster.spot_checks import month_and_season_start
from exports.describe import filter_text
from exports.services import Export

CHUNK = 2000

CHECK_COLUMNS = (
    "checked_at",
    "post__township__name",
    "post__name",
    "checked_by__full_name",
    "checked_by__username",
    "method",
    "answered_by",
    "leader_present",
    "officers_present",
    "result",
    "findings",
    "response",
    "closed_at",
)


def listed_checks(user, params):
    """The list page's checks, all of them: its form's filters (ignored while they do not
    validate, as the page ignores them) within the user's scope, newest first; and the form."""
    form = SpotCheckFilterForm(params or None, user=user)
    checks = form.filter(SpotCheck.objects.visible_to(user)).order_by("-checked_at", "-pk")
    return checks, form


def spot_check_list(user, params):
    checks, form = listed_checks(user, params)
    return Export(
        title=_("Spot check records"),
        headers=[
            _("Checked at"),
            _("Township"),
            _("Duty post"),
            pgettext("spot check", "Checked by"),
            _("How"),
            _("Who answered"),
            _("Leader on duty present"),
            _("Duty officers present"),
            pgettext("spot check", "Result"),
            _("Findings"),
            _("What was done"),
            pgettext("spot check", "Closed at"),
        ],
        widths=[17, 12, 24, 10, 10, 10, 8, 8, 8, 40, 40, 17],
        rows=_check_rows(checks),
        count=checks.count,
        filter_text=filter_text(form),
        landscape=True,
    )


def _check_rows(checks):
    methods = {key: str(label) for key, label in SpotCheckMethod.choices}
    results = {key: str(label) for key, label in SpotCheckResult.choices}
    yes, no = _("yes"), _("no")
    county = _("County bureau")
    for (
        checked_at,
        township,
        post,
        checker_full,
        checker_user,
        method,
        answered_by,
        leader_present,
        officers_present,
        result,
        findings,
        response,
        closed_at,
    ) in checks.values_list(*CHECK_COLUMNS).iterator(chunk_size=CHUNK):
        yield (
            checked_at,
            township or county,
            post,
            checker_full or checker_user,  # User.display_name
            methods.get(method, method),
            answered_by,
            yes if leader_present else no,
            yes if officers_present else no,
            results.get(result, result),
            findings,
            response,
            closed_at,
        )


# --- The results by township -------------------------------------------------------------

SUMMED = ("month_passed", "month_failed", "season_passed", "season_failed")


def results_by_township(user, params):
    """The summary page's table: one row a township (the county duty room as 县局), this
    month and this quarter, and the county's totals below. Only the county has it."""
    if not services.may_spot_check(user):
        # The view refuses anyone else first; a job replayed for a demoted user gets nothing.
        return _summary_export([], None, None)
    month, season = month_and_season_start(timezone.now())
    return _summary_export(
        SpotCheck.objects.visible_to(user).per_township(month_start=month, season_start=season),
        month,
        season,
    )


def _summary_export(rows, month, season):
    read = functools.cache(lambda: list(rows))  # counted, then written: one query
    county = _("County bureau")

    def lines():
        for row in read():
            yield (row["township_name"] or county, *(row[name] for name in SUMMED))

    return Export(
        title=_("Spot check results by township"),
        headers=[
            _("Township"),
            _("This month: passed"),
            _("This month: failed"),
            _("This season: passed"),
            _("This season: failed"),
        ],
        widths=[16, 12, 12, 12, 12],
        rows=lines(),
        count=lambda: len(read()),
        filter_text=(
            _("This month from %(month)s; this season (quarter) from %(season)s")
            % {"month": f"{month:%Y-%m-%d}", "season": f"{season:%Y-%m-%d}"}
            if month
            else ""
        ),
        # Under the numbered column, as every totals row: the township column left empty.
        footer=lambda: [
            [_("County total"), None, *(sum(row[name] for row in read()) for name in SUMMED)]
        ],
    )
