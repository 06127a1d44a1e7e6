import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from config.forms import DATABASE_ID_RE, add_service_errors
from config.paging import CappedPaginator
from epidemic import services
from epidemic.forms import CloseFollowUpForm, WeeklyReportForm
from epidemic.models import (
    FollowUp,
    FollowUpStatus,
    WeeklyReport,
    low_coverage_percent,
    this_week,
    week_label,
)
from institutions.models import Institution, Township
from preparedness.models import antigen_kits_of_week

PAGE_SIZE = 50
ATTENTION_LIMIT = 50
ISO_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})\Z")


def _week(raw):
    """The Monday of an ISO week from the URL ("2027-W06", years 2000-2100), or 404."""
    match = ISO_WEEK.match(raw or "")
    if not match:
        raise Http404
    year, week = int(match[1]), int(match[2])
    if not 2000 <= year <= 2100:
        raise Http404
    try:
        return datetime.date.fromisocalendar(year, week, 1)
    except ValueError as error:
        raise Http404 from error


def _for_township_and_county(user):
    if not (user.is_county_wide or user.is_township_staff):
        raise PermissionDenied


def _weeks_around(week):
    return {
        "week": week,
        "label": week_label(week),
        "sunday": week + datetime.timedelta(days=6),
        "previous": week_label(week - datetime.timedelta(weeks=1)),
        "next": week_label(week + datetime.timedelta(weeks=1)) if week < this_week() else None,
        "is_current": week == this_week(),
    }


@login_required
def index(request):
    return _week_page(request, this_week())


@login_required
def week_view(request, week):
    return _week_page(request, _week(week))


def _week_page(request, week):
    """The homes of one's scope for a week, filed or missing (?missing=1), a township's only
    (?township=), with their key figures."""
    user = request.user
    township = None
    if DATABASE_ID_RE.match(request.GET.get("township", "")):
        township = Township.objects.visible_to(user).filter(pk=request.GET["township"]).first()
    missing_only = request.GET.get("missing") == "1"
    institutions = services.week_institutions(
        user, week, township=township, missing_only=missing_only
    )
    page = CappedPaginator(institutions, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    reports = services.reports_of([institution.pk for institution in rows], week)
    today = timezone.localdate()
    for institution in rows:
        institution.report = reports.get(institution.pk)
        institution.can_file = week <= this_week() and services.can_edit(
            user, institution, week, today
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "epidemic/week.html",
        {
            "weeks": _weeks_around(week),
            "page": page,
            "rows": rows,
            "township": township,
            "missing_only": missing_only,
            "query": query.urlencode(),
            "sees_county": user.is_county_wide or user.is_township_staff,
        },
    )


@login_required
def county(request):
    return _county_page(request, this_week())


@login_required
def county_week(request, week):
    return _county_page(request, _week(week))


def _county_page(request, week):
    """The county (a township clerk: their township) by township this week, the trend of the
    last eight weeks, the homes with positives or low coverage, the open follow-ups."""
    user = request.user
    _for_township_and_county(user)
    rows, total = services.county_week(user, week)
    trend = services.trend(user, week, this_week_sums=total)
    attention, attention_more = services.attention_page(user, week, ATTENTION_LIMIT)
    follow_ups = list(services.open_follow_ups(user)[: ATTENTION_LIMIT + 1])
    return render(
        request,
        "epidemic/county.html",
        {
            "weeks": _weeks_around(week),
            "rows": rows,
            "total": total,
            "trend": trend,
            "attention": attention,
            "attention_more": attention_more,
            "follow_ups": follow_ups[:ATTENTION_LIMIT],
            "follow_ups_more": len(follow_ups) > ATTENTION_LIMIT,
            "threshold": low_coverage_percent(),
            "charts": services.chart_data(trend, rows),
        },
    )


@login_required
def file_report(request, institution_pk, week):
    """File a home's report of a week, or change the one filed."""
    user = request.user
    week = _week(week)
    institution = get_object_or_404(
        Institution.objects.visible_to(user).select_related("township"), pk=institution_pk
    )
    if not services.can_file(user, institution):
        raise PermissionDenied
    report = WeeklyReport.objects.filter(institution=institution, week=week).first()
    editable = week <= this_week() and services.can_edit(user, institution, week)
    # What the home's antigen kit lines received and gave out that week: a new report
    # starts from it. A POST that saves does not show it, so it is read only to render.
    kits = None
    if request.method != "POST" and editable:
        kits = antigen_kits_of_week(institution, week)
    form = WeeklyReportForm(
        request.POST if request.method == "POST" else None,
        instance=report,
        institution=institution,
        antigen_kits=kits,
    )
    if request.method == "POST" and editable and form.is_valid():
        try:
            saved = services.save_report(
                user=user, institution=institution, week=week, values=form.values(), report=report
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The weekly report has been saved."))
            if saved.positives:
                messages.warning(
                    request,
                    _("Positive cases were reported: a follow-up is open for the township."),
                )
            return redirect("epidemic:report", pk=saved.pk)
    if kits is None and editable:
        kits = antigen_kits_of_week(institution, week)
    return render(
        request,
        "epidemic/file.html",
        {
            "form": form,
            "institution": institution,
            "report": report,
            "weeks": _weeks_around(week),
            "editable": editable,
            "kits": kits,
        },
    )


@login_required
def report_detail(request, pk):
    report = get_object_or_404(
        WeeklyReport.objects.visible_to(request.user).select_related(
            "institution__township", "submitted_by", "updated_by"
        ),
        pk=pk,
    )
    history = report.history.select_related("history_user").order_by("-history_date")[:20]
    follow_up = FollowUp.objects.filter(report=report).first()
    return render(
        request,
        "epidemic/report.html",
        {
            "report": report,
            "figures": [
                (WeeklyReport._meta.get_field(name).verbose_name, getattr(report, name))
                for name in WeeklyReport.COUNT_FIELDS
            ],
            "history": history,
            "follow_up": follow_up,
            "can_edit": services.can_edit(request.user, report.institution, report.week),
            "threshold": low_coverage_percent(),
        },
    )


@login_required
def institution_reports(request, pk):
    """One home's weekly reports, newest first."""
    institution = get_object_or_404(
        Institution.objects.visible_to(request.user).select_related("township"), pk=pk
    )
    reports = WeeklyReport.objects.filter(institution=institution).order_by("-week")
    page = CappedPaginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "epidemic/institution.html",
        {
            "institution": institution,
            "page": page,
            "can_file": services.can_file(request.user, institution),
            "this_week": week_label(this_week()),
            "threshold": low_coverage_percent(),
        },
    )


@login_required
def follow_ups(request):
    """Follow-ups of one's scope: open ones, oldest first, or (?status=closed) closed ones."""
    closed = request.GET.get("status") == "closed"
    found = FollowUp.objects.visible_to(request.user).select_related(
        "institution", "township", "report"
    )
    if closed:
        found = found.filter(status=FollowUpStatus.CLOSED).order_by("-closed_at", "-pk")
    else:
        found = found.open().order_by("opened_at", "pk")
    page = CappedPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "epidemic/follow_ups.html", {"page": page, "closed": closed})


@login_required
def follow_up_detail(request, pk):
    """A follow-up, and (POST) closing it with what was done."""
    user = request.user
    follow_up = get_object_or_404(
        FollowUp.objects.visible_to(user).select_related(
            "institution", "township", "report", "closed_by"
        ),
        pk=pk,
    )
    may_close = follow_up.is_open and services.can_close(user, follow_up)
    form = CloseFollowUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not services.can_close(user, follow_up):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.close_follow_up(
                    follow_up=follow_up, user=user, note=form.cleaned_data["note"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The follow-up has been closed."))
                return redirect("epidemic:follow_up", pk=follow_up.pk)
    return render(
        request,
        "epidemic/follow_up.html",
        {"follow_up": follow_up, "form": form, "may_close": may_close},
    )


@login_required
def county_xlsx(request, week):
    """The county's week (a clerk: their township's) as .xlsx; recorded like every export."""
    from exports.services import start_export

    _for_township_and_county(request.user)
    week = _week(week)
    return start_export(
        request,
        kind="epidemic_week",
        source="epidemic.exports.county_week",
        filename=f"epidemic-{week_label(week)}.xlsx",
        params={"week": [week.isoformat()]},
    )
