"""Epidemic care: a weekly report with positive cases opens a follow-up for the township;
a care home's weekly report not filed for last week by Monday noon is missing."""

import datetime
from itertools import groupby

from django.db.models import CharField, Count, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.models import Notification
from notifications.rules.base import ITERATOR_CHUNK, link, not_said, to_people, to_robots

# Last week's reports are due by this long into Monday (12:00), unless the rule says else.
DEFAULT_CUTOFF_MINUTES = 12 * 60


def follow_up_opened(rule, scan):
    """Each open follow-up, once for each count of positives it was opened (or reopened)
    with: the township's staff, every bureau officer and the robots. Two queries however
    many follow-ups: the open ones not yet told, read in chunks."""
    from epidemic.models import FollowUp

    url = link("epidemic:follow_up")
    step = Concat(Value("p"), Cast("positives", output_field=CharField()))
    follow_ups = FollowUp.objects.open().annotate(notify_step=step)
    follow_ups = not_said(follow_ups, rule, OuterRef("notify_step"))
    title = _("Positive cases at %(institution)s")
    body = _(
        "Week %(week)s: %(residents)d residents and %(staff)d staff positive, "
        "%(hospital)d sent to hospital. The township follows up and closes it with a note."
    )
    rows = follow_ups.values_list(
        "pk",
        "notify_step",
        "township_id",
        "institution__name",
        "report__week",
        "report__residents_positive",
        "report__staff_positive",
        "report__sent_to_hospital",
    )
    for pk, notify_step, township, name, week, residents, staff, hospital in rows.iterator(
        chunk_size=ITERATOR_CHUNK
    ):
        year, number, _weekday = week.isocalendar()
        key = f"{rule.code}:{pk}:{notify_step}"
        message = {
            "subject_id": pk,
            "step": notify_step,
            "title": title % {"institution": name},
            "body": body
            % {
                "week": f"{year}-W{number:02d}",
                "residents": residents,
                "staff": staff,
                "hospital": hospital,
            },
            "url": url(pk),
        }
        yield from to_people(key, [*scan.township_staff[township], *scan.bureau], **message)
        yield from to_robots(key, [*scan.township_robots[township], *scan.bureau_robots], **message)


def report_cutoff(rule, today):
    """The week whose reports are due and the moment they are due: last ISO week's, by
    `after_minutes` past this Monday's midnight, local time (12:00 by default)."""
    from epidemic.models import week_of

    monday = week_of(today)
    midnight = timezone.make_aware(datetime.datetime.combine(monday, datetime.time()))
    minutes = rule.after_minutes if rule.after_minutes is not None else DEFAULT_CUTOFF_MINUTES
    return monday - datetime.timedelta(weeks=1), midnight + datetime.timedelta(minutes=minutes)


def report_missing(rule, scan):
    """Past the cut-off, the care homes expected to report (the county page's "expected":
    active homes of the reporting kinds) without a report for last week: each township's
    staff once a week, with the names of its homes missing; every bureau officer once a
    week, the count per township. Three queries however many homes: the townships' homes
    not yet told, the bureau's message already landed or not, the counts per township."""
    from epidemic.models import WeeklyReport, week_label
    from epidemic.services import reporting_institutions

    week, cutoff = report_cutoff(rule, scan.today)
    if scan.now < cutoff:
        return
    label = week_label(week)
    stamp = f"w{week:%G%V}"
    missing = reporting_institutions().filter(
        ~Exists(WeeklyReport.objects.filter(institution=OuterRef("pk"), week=week))
    )
    township_page = reverse("epidemic:week", args=[label]) + "?missing=1"
    rows = (
        not_said(missing, rule, f"t{stamp}", subject="township_id")
        .order_by("township_id", "name", "pk")
        .values_list("township_id", "name")
    )
    for township, homes in groupby(rows.iterator(chunk_size=ITERATOR_CHUNK), lambda r: r[0]):
        names = [name for _township, name in homes]
        yield from to_people(
            f"{rule.code}:t{township}:{stamp}",
            scan.township_staff[township],
            subject_id=township,
            step=f"t{stamp}",
            title=ngettext(
                "%(count)d care home has not filed the epidemic report of week %(week)s",
                "%(count)d care homes have not filed the epidemic report of week %(week)s",
                len(names),
            )
            % {"count": len(names), "week": label},
            body="、".join(names),
            url=township_page,
        )

    if Notification.objects.filter(rule=rule.code, step=f"b{stamp}").exists():
        return
    counts = list(
        missing.order_by("township__code", "township_id")
        .values_list("township__name")
        .annotate(n=Count("pk"))
    )
    if not counts:
        return
    total = sum(n for _name, n in counts)
    yield from to_people(
        f"{rule.code}:b:{stamp}",
        scan.bureau,
        step=f"b{stamp}",
        title=ngettext(
            "Week %(week)s: %(count)d care home has not filed the epidemic report",
            "Week %(week)s: %(count)d care homes have not filed the epidemic report",
            total,
        )
        % {"week": label, "count": total},
        body="\n".join(f"{name}：{n}" for name, n in counts),
        url=reverse("epidemic:county_week", args=[label]),
    )
