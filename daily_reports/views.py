import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.forms import add_service_errors
from config.paging import CappedPaginator
from daily_reports import services
from daily_reports.forms import DailyReportForm, ReportingPeriodForm
from daily_reports.models import DailyReport, ReportingPeriod
from institutions.models import Institution, Township

PAGE_SIZE = 50
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def _day(raw):
    """A day from the URL (YYYY-MM-DD, 2000-2100), or 404."""
    if not ISO_DATE.match(raw or ""):
        raise Http404
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError as error:
        raise Http404 from error
    if not 2000 <= day.year <= 2100:
        raise Http404
    return day


def _unit(request, kind, pk):
    """(township, institution or None) for a unit the user can see, or 404."""
    user = request.user
    if kind == "i":
        institution = get_object_or_404(
            Institution.objects.visible_to(user).select_related("township"), pk=pk
        )
        return institution.township, institution
    if kind == "t":
        return get_object_or_404(Township.objects.visible_to(user), pk=pk), None
    raise Http404


def _own_cards(user, period, day):
    """The user's own unit(s) with their report of `day`, for the page's top card."""
    if period is None:
        return []
    return [
        {
            "township": township,
            "institution": institution,
            "kind": "i" if institution else "t",
            "pk": institution.pk if institution else township.pk,
            "report": services.current_report(day, township=township, institution=institution),
        }
        for township, institution in services.own_units(user)
    ]


def _day_context(request, day):
    user = request.user
    period = services.period_for(day)
    rows = [] if user.is_institution_staff else services.completion(day, user, period=period)
    return {
        "day": day,
        "today": timezone.localdate(),
        "period": period,
        "own": _own_cards(user, period, day),
        "rows": rows,
        "totals": services.completion_totals(rows),
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1),
    }


@login_required
def index(request):
    return render(request, "daily_reports/day.html", _day_context(request, timezone.localdate()))


@login_required
def day_view(request, day):
    return render(request, "daily_reports/day.html", _day_context(request, _day(day)))


@login_required
def township_day(request, day, pk):
    """One township's units for a day: its centre and each institution, filed or not."""
    user = request.user
    if user.is_institution_staff:
        raise PermissionDenied
    day = _day(day)
    township = get_object_or_404(Township.objects.visible_to(user), pk=pk)
    period = services.period_for(day)
    page = None
    centre = None
    if period is not None:
        centre = services.current_report(day, township=township)
        institutions = services.institutions_of_township(period, day, township)
        if request.GET.get("missing") == "1":
            institutions = institutions.filter(filed=False)
        page = CappedPaginator(institutions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "daily_reports/township_day.html",
        {
            "day": day,
            "today": timezone.localdate(),
            "period": period,
            "township": township,
            "centre": centre,
            "centre_late": centre is not None and _first_late(day, township),
            "page": page,
            "missing_only": request.GET.get("missing") == "1",
            "can_file": services.can_file(user, township=township),
        },
    )


def _first_late(day, township):
    return DailyReport.objects.filter(
        day=day, unit=f"t{township.pk}", version=1, is_late=True
    ).exists()


@login_required
def file_report(request, kind, pk, day):
    """File (or correct, as a new version) a unit's report for a day."""
    day = _day(day)
    township, institution = _unit(request, kind, pk)
    if not services.can_file(request.user, township=township, institution=institution):
        raise PermissionDenied
    period = services.period_for(day)
    current = services.current_report(day, township=township, institution=institution)
    form = DailyReportForm(
        request.POST or None, instance=_copy(current), correcting=current is not None
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = services.file_report(
                user=request.user,
                period=period,
                day=day,
                township=township,
                institution=institution,
                values=form.values(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The daily report has been filed."))
            return redirect("daily_reports:report", pk=report.pk)
    return render(
        request,
        "daily_reports/file.html",
        {
            "form": form,
            "day": day,
            "period": period,
            "township": township,
            "institution": institution,
            "kind": kind,
            "pk": pk,
            "current": current,
            "unit_name": institution.name
            if institution
            else _("%(township)s centre") % {"township": township.name},
        },
    )


def _copy(report):
    """A new, unsaved report carrying the values of `report`, for a correction's form."""
    if report is None:
        return DailyReport()
    values = {name: getattr(report, name) for name in DailyReportForm.Meta.fields}
    values["correction_reason"] = ""
    return DailyReport(**values)


@login_required
@require_POST
def file_zero(request, kind, pk, day):
    """零报告: nothing to report, filed with one tap."""
    day = _day(day)
    township, institution = _unit(request, kind, pk)
    try:
        report = services.file_report(
            user=request.user,
            period=services.period_for(day),
            day=day,
            township=township,
            institution=institution,
            values={},
            zero=True,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("daily_reports:file", kind=kind, pk=pk, day=day.isoformat())
    messages.success(request, _("Nothing to report (零报告) has been filed."))
    return redirect("daily_reports:report", pk=report.pk)


@login_required
def report_detail(request, pk):
    report = get_object_or_404(
        DailyReport.objects.visible_to(request.user).select_related(
            "township", "institution", "period", "submitted_by"
        ),
        pk=pk,
    )
    versions = (
        DailyReport.objects.filter(day=report.day, unit=report.unit)
        .select_related("submitted_by")
        .order_by("-version")
    )
    kind, unit_pk = (
        ("i", report.institution_id) if report.institution_id else ("t", report.township_id)
    )
    return render(
        request,
        "daily_reports/report.html",
        {
            "report": report,
            "versions": versions,
            "can_correct": services.can_file(
                request.user, township=report.township, institution=report.institution
            ),
            "kind": kind,
            "unit_pk": unit_pk,
        },
    )


@login_required
def summary(request, day):
    """The day's summary for sending upward: print it on A4 from the browser."""
    day = _day(day)
    period = services.period_for(day)
    data = services.summary(day, request.user)
    return render(
        request,
        "daily_reports/summary.html",
        {
            "day": day,
            "period": period,
            "summary": data,
            "total_rows": [
                (label, data["totals"][name]) for name, label in services.count_labels()
            ],
            "completion": services.completion_totals(
                services.completion(day, request.user, period=period)
            )
            if not request.user.is_institution_staff
            else None,
            "made_at": timezone.localtime(),
        },
    )


@login_required
def summary_xlsx(request, day):
    """The day's summary as .xlsx, uncapped; recorded like every export."""
    from exports.services import start_export

    day = _day(day)
    return start_export(
        request,
        kind="daily_summary",
        source="daily_reports.exports.daily_summary",
        filename=f"daily-report-summary-{day:%Y%m%d}.xlsx",
        params={"day": [day.isoformat()]},
    )


@login_required
def periods(request):
    """Reporting periods, newest first; officers and admins add one here."""
    user = request.user
    form = None
    if user.is_county_wide:
        form = ReportingPeriodForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            period = form.save(commit=False)
            period.created_by = user
            try:
                period.full_clean()
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                period.save()
                messages.success(request, _("The reporting period has been saved."))
                return redirect("daily_reports:periods")
    elif request.method == "POST":
        raise PermissionDenied
    page = CappedPaginator(ReportingPeriod.objects.order_by("-start_date"), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "daily_reports/periods.html", {"page": page, "form": form})


def day_url(day):
    return reverse("daily_reports:day", kwargs={"day": day.isoformat()})
