"""Rules on relief: counts per township only, never a name of a person in difficulty."""

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.rules.base import ITERATOR_CHUNK, link, not_said, to_people, to_robots

# --- Relief ------------------------------------------------------------------


def application_waiting(rule, scan):
    """Applications waiting at one level longer than the rule allows: the township's clerks
    for its review, the bureau for approval.

    Counts only: no name of a person in difficulty leaves the system.
    """
    from relief.models import Application, ApplicationStatus

    since = scan.now - datetime.timedelta(days=rule.lead_days or 0)
    at_bureau = Application.objects.filter(
        status=ApplicationStatus.REVIEWED, reviewed_at__lt=since
    ).count()
    if at_bureau:
        yield from to_people(
            f"{rule.code}:bureau:{scan.today:%Y%m%d}",
            scan.bureau,
            title=_(
                "%(count)d relief applications have waited more than %(days)d days for approval"
            )
            % {"count": at_bureau, "days": rule.lead_days or 0},
            url=reverse("relief:applications") + "?status=reviewed",
        )
    waiting = (
        Application.objects.filter(status=ApplicationStatus.SUBMITTED, filed_at__lt=since)
        .values("township_id")
        .annotate(n=Count("pk"))
    )
    url = reverse("relief:applications") + "?status=submitted"
    for row in waiting:
        township = row["township_id"]
        yield from to_people(
            f"{rule.code}:t{township}:{scan.today:%Y%m%d}",
            scan.township_staff[township],
            title=_("%(count)d relief applications have waited more than %(days)d days for review")
            % {"count": row["n"], "days": rule.lead_days or 0},
            url=url,
        )


def overdue_visits_by_township(today):
    """[(township id, people overdue for a home visit)]: counts only, for the digest."""
    from relief.models import Person

    # overdue_for_visit() filters each person with EXISTS, no join: a plain count is exact.
    return (
        Person.objects.overdue_for_visit(today)
        .order_by()
        .values_list("township_id")
        .annotate(n=Count("pk"))
    )


def person_found(rule, scan):
    """Each person found in a village, once, as soon as it is reported: the township's
    staff, and its robots when the reporter ticked "needs help today". The village and the
    urgency leave the system, never the person's name. Two queries however many reports:
    the open ones not yet told, read in chunks."""
    from relief.models import FoundReport

    url = link("relief:found_report")
    reports = not_said(FoundReport.objects.open(), rule, "new").values_list(
        "pk", "township_id", "village", "is_urgent"
    )
    for pk, township, village, urgent in reports.iterator(chunk_size=ITERATOR_CHUNK):
        if urgent:
            title = _("%(village)s: a person found who needs help today") % {"village": village}
        else:
            title = _("%(village)s: a person in difficulty found") % {"village": village}
        message = {
            "subject_id": pk,
            "step": "new",
            "title": title,
            "body": _("Check the report and answer it: registered, referred or no need."),
            "url": url(pk),
        }
        key = f"{rule.code}:{pk}"
        yield from to_people(key, scan.township_staff[township], **message)
        if urgent:
            yield from to_robots(key, scan.township_robots[township], **message)
