"""Filing a daily report (a new version each time), who may file for which unit, and the
day's figures: completion per township and the county summary.

Every figure is an aggregate in the database: a fixed number of queries however many
townships and institutions the county has.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from config.counts import cached_figure
from daily_reports.models import DailyReport, ReportingPeriod, unit_key
from institutions.models import Institution, Township


def period_for(day):
    """The reporting period covering `day`, or None (periods never overlap)."""
    return ReportingPeriod.objects.covering(day).first()


def expected_institutions(period):
    """The institutions that must report in `period`: active, of the kinds it names."""
    return Institution.objects.filter(is_active=True, kind__in=period.institution_kinds)


# --- Who files ---------------------------------------------------------------


def can_file(user, *, township, institution=None):
    """Township staff for their township centre and its institutions, institution staff for
    their own institution. County roles read every report but file for no unit: a report is
    the unit's word, and the bureau asks the unit rather than speaking for it."""
    if not (user.is_authenticated and user.is_active):
        return False
    if institution is not None:
        if user.is_institution_staff:
            return user.institution_id == institution.pk
        if user.is_township_staff:
            return bool(user.township_id) and user.township_id == institution.township_id
        return False
    return user.is_township_staff and bool(user.township_id) and user.township_id == township.pk


def own_units(user):
    """[(township, institution or None)] the user files for by default: their own unit."""
    if user.is_institution_staff and user.institution_id:
        institution = user.institution
        return [(institution.township, institution)]
    if user.is_township_staff and user.township_id:
        return [(user.township, None)]
    return []


# --- Filing -------------------------------------------------------------------


def check_filing(user, *, period, day, township, institution=None):
    """Refuse a filing the user may not make, or for a day or unit that does not report."""
    if not can_file(user, township=township, institution=institution):
        raise PermissionDenied
    today = timezone.localdate()
    if period is None or not period.covers(day):
        raise ValidationError(_("No reporting period covers this day."))
    if day > today:
        raise ValidationError(_("A report cannot be filed for a day that has not come yet."))
    if institution is not None and (
        not institution.is_active or institution.kind not in period.institution_kinds
    ):
        raise ValidationError(_("This institution does not file daily reports in this period."))


def current_report(day, *, township, institution=None):
    key = unit_key(township_id=township.pk, institution_id=institution.pk if institution else None)
    return DailyReport.objects.filter(day=day, unit=key).order_by("-version").first()


def file_report(*, user, period, day, township, institution=None, values, zero=False):
    """File the unit's report for `day`: version 1, or the next version when one exists
    (the earlier ones are kept as they were). Returns the new report.

    `values` holds the form's cleaned fields. A zero report (零报告) files all counts as 0,
    duty in place and no text; it is refused once the day has a report (correct that instead).
    """
    check_filing(user, period=period, day=day, township=township, institution=institution)
    key = unit_key(township_id=township.pk, institution_id=institution.pk if institution else None)
    latest = DailyReport.objects.filter(day=day, unit=key).aggregate(v=Max("version"))["v"] or 0
    if zero:
        if latest:
            raise ValidationError(
                _("A report has already been filed for this day; correct it with the form.")
            )
        values = {"is_zero": True, "duty_in_place": True}
    elif latest and not (values.get("correction_reason") or "").strip():
        raise ValidationError(
            {"correction_reason": _("Say why the report filed earlier is being corrected.")}
        )
    report = DailyReport(
        period=period,
        day=day,
        township=township,
        institution=institution,
        version=latest + 1,
        submitted_by=user,
        submitted_at=timezone.now(),
        **values,
    )
    if not zero:
        report.is_zero = False
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as error:
        # Someone else filed this unit's report in the same instant.
        raise ValidationError(
            _("Someone else filed this report at the same moment. Open it again to see theirs.")
        ) from error
    return report


# --- The day's figures -------------------------------------------------------


def completion(day, user, *, period=None):
    """Per township in the user's scope, who has filed `day`'s report.

    Returns a list ordered by township code (empty when no reporting period covers the day),
    one dict a township:

        {"township_id": int, "township": str (name), "code": str,
         "centre_filed": bool, "centre_late": bool,   # the township centre's own report
         "institutions_expected": int, "institutions_filed": int, "institutions_late": int,
         "expected": int, "filed": int, "late": int, "missing": int}

    `expected`, `filed`, `late` and `missing` count every unit of the township: its centre
    and its institutions of the period's kinds. Late reports count as filed too; missing =
    expected - filed. Township staff get their township only; institution staff their
    township's row (their own unit is in `own_units`). Three queries whatever the size
    (two when the caller passes the day's `period`).
    """
    period = period or period_for(day)
    if period is None:
        return []
    # Counted over the county's reports of the day: once a minute per scope, or after a
    # report or a period is saved (daily_reports/apps.py), not on every view.
    return cached_figure(
        "daily_reports",
        f"completion:{day.isoformat()}:{period.pk}",
        user,
        lambda: _completion(day, user, period),
    )


def _completion(day, user, period):
    townships = (
        Township.objects.visible_to(user)
        .order_by("code")
        .annotate(
            institutions_expected=Count(
                "institutions",
                filter=Q(
                    institutions__is_active=True,
                    institutions__kind__in=period.institution_kinds,
                ),
            )
        )
        .values_list("pk", "name", "code", "institutions_expected")
    )
    filed = (
        DailyReport.objects.filter(day=day, version=1)
        .filter(Q(institution__isnull=True) | Q(institution__in=expected_institutions(period)))
        .values("township_id")
        .order_by()
        .annotate(
            centre=Count("pk", filter=Q(institution__isnull=True)),
            centre_late=Count("pk", filter=Q(institution__isnull=True, is_late=True)),
            institutions=Count("pk", filter=Q(institution__isnull=False)),
            institutions_late=Count("pk", filter=Q(institution__isnull=False, is_late=True)),
        )
    )
    if not user.is_county_wide:
        filed = filed.filter(township_id=user.township_id or 0)
    by_township = {row["township_id"]: row for row in filed}
    rows = []
    for pk, name, code, institutions_expected in townships:
        found = by_township.get(pk, {})
        centre = bool(found.get("centre"))
        institutions_filed = found.get("institutions", 0)
        institutions_late = found.get("institutions_late", 0)
        expected = 1 + institutions_expected
        filed_count = int(centre) + institutions_filed
        rows.append(
            {
                "township_id": pk,
                "township": name,
                "code": code,
                "centre_filed": centre,
                "centre_late": bool(found.get("centre_late")),
                "institutions_expected": institutions_expected,
                "institutions_filed": institutions_filed,
                "institutions_late": institutions_late,
                "expected": expected,
                "filed": filed_count,
                "late": int(bool(found.get("centre_late"))) + institutions_late,
                "missing": max(expected - filed_count, 0),
            }
        )
    return rows


def completion_totals(rows):
    keys = ("expected", "filed", "late", "missing")
    return {key: sum(row[key] for row in rows) for key in keys}


def institutions_of_township(period, day, township):
    """The township's reporting institutions with the state of their report for `day`:
    annotated `first_at`, `first_late` (first version) and `current_pk` (latest version)."""
    from django.db.models import Subquery

    # order_by(): Meta.ordering would sort each lookup's one row by unit.
    reports = DailyReport.objects.filter(day=day, institution=OuterRef("pk")).order_by()
    first = reports.filter(version=1)
    return (
        expected_institutions(period)
        .filter(township=township)
        .annotate(
            filed=Exists(first),
            first_at=Subquery(first.values("submitted_at")[:1]),
            first_late=Subquery(first.values("is_late")[:1]),
            current_pk=Subquery(reports.order_by("-version").values("pk")[:1]),
            current_zero=Subquery(reports.order_by("-version").values("is_zero")[:1]),
        )
        .order_by("township_id", "name")
    )


def summary(day, user):
    """The county summary of `day` in the user's scope: totals of every counted item over
    the current versions, how many said "nothing to report" and "duty not in place", and
    the non-zero items ([(report, [(label, value)])]) capped at `NONZERO_CAP` reports.
    Cached like completion(), per language (the items carry their labels)."""
    return cached_figure(
        "daily_reports",
        f"summary:{day.isoformat()}:{get_language()}",
        user,
        lambda: _summary(day, user),
    )


def _summary(day, user):
    current = DailyReport.objects.visible_to(user).filter(day=day).current()
    totals = current.aggregate(
        reports=Count("pk"),
        zero=Count("pk", filter=Q(is_zero=True)),
        duty_not_in_place=Count("pk", filter=Q(duty_in_place=False)),
        **{name: Sum(name) for name in DailyReport.COUNT_FIELDS},
    )
    for name in DailyReport.COUNT_FIELDS:
        totals[name] = totals[name] or 0
    reports = list(
        current.filter(nonzero_reports())
        .select_related("township", "institution")
        .order_by("township__code", "institution__name")[: NONZERO_CAP + 1]
    )
    return {
        "totals": totals,
        "items": [(report, report.nonzero_items()) for report in reports[:NONZERO_CAP]],
        "items_capped": len(reports) > NONZERO_CAP,
    }


NONZERO_CAP = 500


def nonzero_reports():
    """Reports with something to say: a count above zero, duty not in place, or a note."""
    nonzero = Q(duty_in_place=False) | Q(incident_notes__gt="") | Q(for_the_bureau__gt="")
    for name in DailyReport.COUNT_FIELDS:
        nonzero |= Q(**{f"{name}__gt": 0})
    return nonzero


def count_labels():
    return [
        (name, DailyReport._meta.get_field(name).verbose_name) for name in DailyReport.COUNT_FIELDS
    ]
