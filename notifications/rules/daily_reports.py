"""Daily reports (日报) not filed by the cut-off: the unit's township staff (and the
institution's own staff) at the cut-off; after a delay, the bureau, a count per township."""

import datetime

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.models import Notification
from notifications.rules.base import ITERATOR_CHUNK, day_step, not_said, to_people


def report_missing(rule, scan):
    """At the day's cut-off, each unit of the reporting period without a report: its
    township's staff, and an institution's own staff. `after_minutes` later (60 by default),
    every bureau officer: one message a township, counting its units still missing.

    At most six queries however many units: the period, the missing institutions and
    township centres not yet told, and for the escalation the townships already told and
    the two counts per township.
    """
    from daily_reports.models import DailyReport, ReportingPeriod
    from institutions.models import Institution, Township

    day = scan.today
    period = ReportingPeriod.objects.covering(day).first()
    if period is None or scan.now < period.deadline(day):
        return
    stamp = day_step(day)
    file_institution = _link("daily_reports:file", kind="i", day=day.isoformat())
    file_centre = _link("daily_reports:file", kind="t", day=day.isoformat())
    township_page = _link("daily_reports:township_day", day=day.isoformat())

    reports = DailyReport.objects.filter(day=day)
    institutions = Institution.objects.filter(
        is_active=True, kind__in=period.institution_kinds
    ).filter(~Exists(reports.filter(institution=OuterRef("pk"))))
    centres = Township.objects.filter(
        ~Exists(reports.filter(institution__isnull=True, township=OuterRef("pk")))
    )

    title = _("No daily report yet from %(unit)s for %(day)s (due by %(time)s)")
    time = f"{period.cutoff:%H:%M}"
    rows = not_said(institutions, rule, f"i{stamp}").values_list("pk", "township_id", "name")
    for pk, township, name in rows.iterator(chunk_size=ITERATOR_CHUNK):
        people = sorted({*scan.township_staff[township], *scan.institution_staff[pk]})
        yield from to_people(
            f"{rule.code}:i{pk}:{stamp}",
            people,
            subject_id=pk,
            step=f"i{stamp}",
            title=title % {"unit": name, "day": day, "time": time},
            url=file_institution(pk),
        )
    centre_name = _("%(township)s centre")
    rows = not_said(centres, rule, f"t{stamp}").values_list("pk", "name")
    for pk, name in rows.iterator(chunk_size=ITERATOR_CHUNK):
        yield from to_people(
            f"{rule.code}:t{pk}:{stamp}",
            scan.township_staff[pk],
            subject_id=pk,
            step=f"t{stamp}",
            title=title % {"unit": centre_name % {"township": name}, "day": day, "time": time},
            url=file_centre(pk),
        )

    delay = datetime.timedelta(minutes=rule.after_minutes or 60)
    if scan.now < period.deadline(day) + delay:
        return
    told = set(
        Notification.objects.filter(rule=rule.code, step=f"b{stamp}").values_list(
            "subject_id", flat=True
        )
    )
    missing = {}
    for township, n in (
        institutions.values("township_id")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("township_id", "n")
    ):
        missing[township] = missing.get(township, 0) + n
    names = {}
    centre_missing = ~Exists(reports.filter(institution__isnull=True, township=OuterRef("pk")))
    for pk, name, is_missing in (
        Township.objects.order_by()
        .annotate(is_missing=centre_missing)
        .values_list("pk", "name", "is_missing")
    ):
        names[pk] = name
        if is_missing:
            missing[pk] = missing.get(pk, 0) + 1
    escalation = _("%(township)s: %(count)d units have not filed the daily report for %(day)s")
    for township, count in sorted(missing.items()):
        if township in told:
            continue
        yield from to_people(
            f"{rule.code}:b{township}:{stamp}",
            scan.bureau,
            subject_id=township,
            step=f"b{stamp}",
            title=escalation % {"township": names.get(township, ""), "count": count, "day": day},
            url=township_page(township),
        )


def _link(name, **kwargs):
    """A function pk -> path for a URL pattern with a pk and other fixed arguments."""
    sentinel = 987654321
    pattern = reverse(name, kwargs={"pk": sentinel, **kwargs})
    return lambda pk: pattern.replace(str(sentinel), str(pk))
