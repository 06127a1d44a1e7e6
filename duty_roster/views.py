import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.counts import CachedCountPaginator, cached_figure
from config.forms import add_service_errors, search_text
from config.history import Source, recent_changes
from config.paging import CappedPaginator
from duty_roster import periods, services
from duty_roster.exports import listed_incidents, listed_leave
from duty_roster.forms import (
    CountyRosterForm,
    DecisionForm,
    GenerateRosterForm,
    HandoverForm,
    IncidentForm,
    IncidentReportForm,
    LeaveForm,
    LogEntryForm,
    ShiftForm,
    SwapForm,
)
from duty_roster.history import shift_history
from duty_roster.models import (
    MAX_SHIFT_LENGTH,
    Attendance,
    FollowUpState,
    Incident,
    LeaveReport,
    RequestStatus,
    Shift,
    SpotCheck,
    SwapRequest,
    incident_phone_report_minutes,
    incident_written_report_minutes,
)
from duty_roster.pickers import SEARCH_MAX_LENGTH
from exports.services import start_export
from institutions.models import Township, User

ROSTER_DAYS = periods.DEFAULT_DAYS


def _already_submitted(request, target):
    """The form was sent before (back button, double tap): show what it created."""
    messages.info(request, _("This form had already been sent; nothing was added twice."))
    return redirect(target)


def _shifts_with_people():
    return Shift.objects.select_related("post", "leader").prefetch_related(
        Prefetch("officers", queryset=User.objects.order_by("full_name"))
    )


def _shifts_with_attendance(shifts=Shift.objects):
    """Shifts with each person's attendance (the leader's first), for pages showing who came."""
    return shifts.select_related("post").prefetch_related(
        Prefetch("attendances", queryset=Attendance.objects.select_related("person"))
    )


# The duty page's lists: a glance, never the whole county (the rest is a click away).
WAITING_SHOWN = 20
MISSED_SHOWN = 50
PAGE_SIZE = 50


@login_required
def index(request):
    user, now = request.user, timezone.now()
    under_way = Shift.objects.visible_to(user).under_way(now)
    context = {
        "my_shifts": _shifts_with_attendance()
        .involving(user)
        .filter(ends_at__gt=now)
        .order_by("starts_at")[:10],
        "on_duty_now": _shifts_with_attendance(under_way.at_a_glance_for(user)).order_by(
            "post__kind", "post__name"
        ),
        "elsewhere": cached_figure(
            "duty",
            "elsewhere_per_township",
            user,
            lambda: under_way.elsewhere_for(user).per_township(
                absent_since=now - datetime.timedelta(days=1) - MAX_SHIFT_LENGTH
            ),
        ),
        "posts": services.posts_for(user).at_a_glance_for(user),
        "incident_queue": Incident.objects.visible_to(user)
        .in_service_years()
        .unacknowledged()
        .select_related("township")[:20],
        "swaps_to_accept": SwapRequest.objects.filter(
            replacement=user, status=RequestStatus.PENDING
        ).select_related("shift__post", "requested_by")[:WAITING_SHOWN],
        "swaps_to_approve": (
            SwapRequest.objects.filter(status=RequestStatus.ACCEPTED)
            .exclude(requested_by=user)
            .exclude(replacement=user)
            .select_related("shift__post", "requested_by", "replacement")[:WAITING_SHOWN]
            if user.is_county_wide
            else []
        ),
        "leave_to_decide": LeaveReport.objects.filter(
            approver=user, status=RequestStatus.PENDING
        ).select_related("person")[:WAITING_SHOWN],
        # A township's (or institution's) failed spot checks it has not answered yet.
        "open_findings": (
            []
            if user.is_county_wide
            else SpotCheck.objects.visible_to(user)
            .in_follow_up(FollowUpState.AWAITING)
            .select_related("post")[:WAITING_SHOWN]
        ),
        "missed": Attendance.objects.visible_to(user)
        .absent_in_the_last_day(now)
        .select_related("shift__post", "person")
        .order_by("-missed_at", "-pk")[:MISSED_SHOWN],
    }
    return render(request, "duty_roster/index.html", context)


def _township_filter(request):
    """?township= among the townships the user sees: (choices, the chosen one or None)."""
    townships = list(Township.objects.visible_to(request.user).order_by("code"))
    chosen = request.GET.get("township", "")
    township = next((t for t in townships if str(t.pk) == chosen), None)
    return townships, township


def _keep(filters):
    """The page links' query string before page=: the filters in use."""
    used = {name: value for name, value in filters.items() if value}
    return f"{urlencode(used)}&" if used else ""


@login_required
def on_duty(request):
    """Every shift under way in the user's scope, a page at a time, by township."""
    townships, township = _township_filter(request)
    shifts = Shift.objects.visible_to(request.user).under_way(timezone.now())
    if township is not None:
        shifts = shifts.filter(post__township=township)
    # Read in the order of the index dutypost_order (a page costs the page, not the county's
    # shifts under way); counted up to the cap, as the ledger is.
    page = CappedPaginator(
        _shifts_with_attendance(shifts).order_by("post__kind", "post__name", "pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "duty_roster/on_duty.html",
        {
            "page": page,
            "townships": townships,
            "township": township,
            "keep": _keep({"township": township.pk if township else ""}),
        },
    )


@login_required
def post_list(request):
    return _posts_page(request)


def _posts_page(request, roster_form=None):
    """The duty posts in the user's scope, by township and name, a page at a time, with
    the county 值班表's download form (bound to what was sent when it was refused)."""
    townships, township = _township_filter(request)
    posts = services.posts_for(request.user).select_related("township")
    if township is not None:
        posts = posts.filter(township=township)
    query = search_text(request.GET, "q")
    if query:
        posts = posts.filter(name__contains=query)
    # In the order of the index dutypost_active_list_order; the total is a cached figure
    # (a COUNT over every active post of the county on every view grew with the county).
    page = CachedCountPaginator(
        posts.order_by("kind", "name", "pk"),
        PAGE_SIZE,
        topic="duty_posts",
        name=f"posts?township={township.pk if township else ''}&q={query}",
        user=request.user,
    ).get_page(request.GET.get("page"))
    if roster_form is None:
        roster_form = CountyRosterForm(
            user=request.user, initial={"township": township.pk if township else None}
        )
    return render(
        request,
        "duty_roster/posts.html",
        {
            "page": page,
            "townships": townships,
            "township": township,
            "q": query,
            "keep": _keep({"township": township.pk if township else "", "q": query}),
            "roster_form": roster_form,
        },
    )


@login_required
def county_roster_xlsx(request):
    """The county 值班表 (every post in scope, a period, as offices post it on the wall);
    dates the form refuses are shown beside their boxes on the posts page."""
    form = CountyRosterForm(request.GET, user=request.user)
    if not form.is_valid():
        return _posts_page(request, roster_form=form)
    period = form.cleaned_data["period"]
    return start_export(
        request,
        kind="duty_roster_county",
        source="duty_roster.exports.county_roster",
        filename=f"duty-roster-{period.first:%Y%m%d}-{period.last:%Y%m%d}.xlsx",
    )


def _search(request):
    """The pickers' search box (?who=): what to list in people and institution pickers."""
    return search_text(request.GET, "who", SEARCH_MAX_LENGTH)


def _post_for(request, pk):
    return get_object_or_404(services.posts_for(request.user), pk=pk)


def _period(request):
    return periods.roster_fortnight(request.GET.get("from", ""))


@login_required
def roster(request, pk, shift_form=None, generate_form=None):
    post = _post_for(request, pk)
    first, start, end = _period(request)
    shifts = list(
        _shifts_with_attendance().filter(post=post).overlapping(start, end).order_by("starts_at")
    )
    gaps, overlaps = services.coverage(post, start, end)
    rows = sorted(
        [("shift", s.starts_at, s) for s in shifts] + [("gap", g[0], g) for g in gaps],
        key=lambda r: r[1],
    )
    context = {
        "post": post,
        "rows": rows,
        "gaps": gaps,
        "overlaps": overlaps,
        "first": first,
        "previous": first - datetime.timedelta(days=ROSTER_DAYS),
        "next": first + datetime.timedelta(days=ROSTER_DAYS),
        "can_manage": services.can_manage_post(request.user, post),
        "shift_form": shift_form
        or ShiftForm(user=request.user, post=post, search=_search(request)),
        "generate_form": generate_form
        or GenerateRosterForm(
            user=request.user, post=post, initial={"first_day": first}, search=_search(request)
        ),
        "who": _search(request),
        "history": recent_changes(request.user, Source(post.history.all())),
    }
    return render(request, "duty_roster/roster.html", context)


@login_required
@require_POST
def add_shift(request, pk):
    post = _post_for(request, pk)
    form = ShiftForm(request.POST, user=request.user, post=post)
    if form.is_valid():
        try:
            services.create_shift(post=post, user=request.user, **form.cleaned_data)
        except services.AlreadySubmitted:
            return _already_submitted(request, post)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Shift added."))
            return redirect(post)
    return roster(request, pk, shift_form=form)


@login_required
@require_POST
def generate(request, pk):
    post = _post_for(request, pk)
    form = GenerateRosterForm(request.POST, user=request.user, post=post)
    if form.is_valid():
        try:
            shifts = services.generate_roster(post=post, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(count)d shifts created.") % {"count": len(shifts)})
            return redirect(f"{post.get_absolute_url()}?from={form.cleaned_data['first_day']}")
    return roster(request, pk, generate_form=form)


@login_required
def roster_xlsx(request, pk):
    """One post's 值班表 for the roster page's fortnight, recorded as every export is."""
    first, _start, _end = _period(request)
    return start_export(
        request,
        kind="duty_roster_post",
        source="duty_roster.exports.post_roster",
        filename=f"duty-roster-{pk}-{first:%Y%m%d}.xlsx",
        params={"post": [str(pk)]},
    )


def _shift_for(request, pk):
    return get_object_or_404(_shifts_with_attendance().visible_to(request.user), pk=pk)


def _shift_form(action, request, shift, data=None):
    """The shift page's forms, built the same way for the page and for its POST."""
    if action == "log":
        return LogEntryForm(data)
    if action == "handover":
        return HandoverForm(data, initial={"note": shift.handover_note})
    return SwapForm(data, user=request.user, shift=shift, search=_search(request))


SHIFT_FORM_ACTIONS = {
    "log": services.add_log_entry,
    "handover": services.write_handover,
    "swap": services.request_swap,
}
SHIFT_STEPS = {
    "check_in": services.check_in,
    "check_out": services.check_out,
    "acknowledge": services.acknowledge_handover,
}


@login_required
def shift_detail(request, pk, forms=None):
    shift = _shift_for(request, pk)
    forms = forms or {}
    following = services.next_shift(shift)
    context = {
        "shift": shift,
        "on_shift": services.is_on_shift(request.user, shift),
        "can_acknowledge": bool(
            following
            and shift.handover_note
            and not shift.handover_acknowledged_at
            and services.is_on_shift(request.user, following)
        ),
        "my_attendance": next(
            (row for row in shift.attendances.all() if row.person_id == request.user.pk), None
        ),
        "log_entries": shift.log_entries.select_related("author"),
        "who": _search(request),
        **{
            f"{action}_form": forms.get(action) or _shift_form(action, request, shift)
            for action in SHIFT_FORM_ACTIONS
        },
        "history": shift_history(request.user, shift),
    }
    return render(request, "duty_roster/shift.html", context)


@login_required
@require_POST
def shift_action(request, pk, action):
    shift = _shift_for(request, pk)
    if action in SHIFT_FORM_ACTIONS:
        form = _shift_form(action, request, shift, data=request.POST)
        if form.is_valid():
            try:
                SHIFT_FORM_ACTIONS[action](shift=shift, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
        if form.errors:
            return shift_detail(request, pk, forms={action: form})
    elif action in SHIFT_STEPS:
        try:
            SHIFT_STEPS[action](shift=shift, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("duty_roster:shift", pk=pk)
    else:
        raise Http404
    messages.success(request, _("Saved."))
    return redirect("duty_roster:shift", pk=pk)


@login_required
@require_POST
def swap_action(request, pk, action):
    swap = get_object_or_404(
        SwapRequest.objects.visible_to(request.user).select_related("shift"), pk=pk
    )
    try:
        if action == "accept":
            services.accept_swap(swap=swap, user=request.user)
        elif action in ("approve", "reject"):
            services.decide_swap(swap=swap, user=request.user, approve=action == "approve")
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("duty_roster:index")


@login_required
def leave_list(request):
    form = LeaveForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.file_leave(person=request.user, **form.cleaned_data)
        except services.AlreadySubmitted:
            return _already_submitted(request, "duty_roster:leave")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Leave report filed."))
            return redirect("duty_roster:leave")
    # The export's list, its first 50.
    leaves = listed_leave(request.user).select_related("person", "approver")[:50]
    return render(request, "duty_roster/leave.html", {"form": form, "leaves": leaves})


@login_required
def leave_xlsx(request):
    """Every leave report of the leave page's list (its scope), not only the first 50."""
    return start_export(
        request,
        kind="duty_leave_reports",
        source="duty_roster.exports.leave_reports",
        filename=f"leave-reports-{timezone.localdate():%Y%m%d}.xlsx",
    )


@login_required
@require_POST
def decide_leave(request, pk):
    leave = get_object_or_404(LeaveReport.objects.visible_to(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose to approve or to reject."))
    try:
        services.decide_leave(leave=leave, user=request.user, approve=form.approves)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("duty_roster:leave")


@login_required
def incident_list(request):
    # The incident log's list, its first 100.
    incidents = listed_incidents(request.user).select_related("township", "institution")[:100]
    return render(request, "duty_roster/incidents.html", {"incidents": incidents})


@login_required
def incidents_xlsx(request):
    """The incident log: every incident of the incidents page's list (its scope)."""
    return start_export(
        request,
        kind="duty_incident_log",
        source="duty_roster.exports.incident_log",
        filename=f"incident-log-{timezone.localdate():%Y%m%d}.xlsx",
    )


@login_required
def incident_new(request):
    form = IncidentForm(request.POST or None, user=request.user, search=_search(request))
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.report_incident(user=request.user, **form.cleaned_data)
        except services.AlreadySubmitted as sent:
            return _already_submitted(request, sent.existing)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Reported to the county bureau duty room."))
            return redirect(incident)
    return render(
        request, "duty_roster/incident_form.html", {"form": form, "who": _search(request)}
    )


@login_required
def incident_detail(request, pk, report_form=None):
    incident = get_object_or_404(
        Incident.objects.visible_to(request.user).select_related(
            "township", "institution", "reported_by"
        ),
        pk=pk,
    )
    return render(
        request,
        "duty_roster/incident.html",
        {
            "incident": incident,
            "updates": incident.updates.select_related("author"),
            "report_form": report_form or IncidentReportForm(),
            "phone_minutes": incident_phone_report_minutes(),
            "written_minutes": incident_written_report_minutes(),
            "history": recent_changes(request.user, Source(incident.history.all())),
        },
    )


@login_required
@require_POST
def incident_action(request, pk, action):
    incident = get_object_or_404(Incident.objects.visible_to(request.user), pk=pk)
    if action == "acknowledge":
        services.acknowledge_incident(incident=incident, user=request.user)
        return redirect(incident)
    if action != "report":
        raise Http404
    form = IncidentReportForm(request.POST)
    if form.is_valid():
        try:
            services.add_incident_report(incident=incident, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(incident)
    return incident_detail(request, pk, report_form=form)
