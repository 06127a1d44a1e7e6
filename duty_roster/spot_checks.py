"""Pages of duty supervision (查岗): record a spot check, list and filter them, the county's
results by township, a finding's follow-up."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.forms import add_service_errors, search_text
from config.history import Source, recent_changes
from config.paging import CappedPaginator
from duty_roster import services
from duty_roster.forms import (
    SpotCheckAnswerForm,
    SpotCheckCloseForm,
    SpotCheckFilterForm,
    SpotCheckForm,
)
from duty_roster.models import DutyPost, SpotCheck
from duty_roster.pickers import SEARCH_MAX_LENGTH
from exports.services import start_export

PAGE_SIZE = 50


def _county_only(user):
    if not services.may_spot_check(user):
        raise PermissionDenied


@login_required
def spot_check_list(request):
    """The checks in the user's scope (a township its own posts'), filtered, newest first."""
    form = SpotCheckFilterForm(request.GET or None, user=request.user)
    checks = form.filter(SpotCheck.objects.visible_to(request.user))
    page = CappedPaginator(
        checks.select_related("post__township", "checked_by").order_by("-checked_at", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    used = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "duty_roster/spot_checks.html",
        {
            "form": form,
            "page": page,
            "keep": f"{urlencode(used)}&" if used else "",
            "query": urlencode(used),
            "may_check": services.may_spot_check(request.user),
        },
    )


@login_required
def spot_check_list_xlsx(request):
    """Every check of the list page (its scope and filters), not only the first page."""
    return start_export(
        request,
        kind="duty_spot_checks",
        source="duty_roster.spot_check_exports.spot_check_list",
        filename=f"spot-checks-{timezone.localdate():%Y%m%d}.xlsx",
    )


def month_and_season_start(now):
    """The first moment of this month and of this quarter (季度), local time."""
    local = timezone.localtime(now)
    month = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    season = month.replace(month=(local.month - 1) // 3 * 3 + 1)
    return month, season


@login_required
def spot_check_summary(request):
    """The county's results by township, this month and this season."""
    _county_only(request.user)
    month, season = month_and_season_start(timezone.now())
    rows = list(
        SpotCheck.objects.visible_to(request.user).per_township(
            month_start=month, season_start=season
        )
    )
    totals = {
        name: sum(row[name] for row in rows)
        for name in ("month_passed", "month_failed", "season_passed", "season_failed")
    }
    return render(
        request,
        "duty_roster/spot_check_summary.html",
        {"rows": rows, "totals": totals, "month": month, "season": season},
    )


@login_required
def spot_check_summary_xlsx(request):
    """The results by township as the page shows them: the county's alone."""
    _county_only(request.user)
    return start_export(
        request,
        kind="duty_spot_check_results",
        source="duty_roster.spot_check_exports.results_by_township",
        filename=f"spot-check-results-{timezone.localdate():%Y%m%d}.xlsx",
    )


def _requested_moment(value):
    """?checked_at= as the form's picker sends it, or now."""
    moment = parse_datetime(value or "") if value and len(value) <= 32 else None
    if moment is None:
        return timezone.now()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _requested_post(value):
    if not (value or "").isdigit() or len(value) > 18:
        return None
    return DutyPost.objects.filter(is_active=True, pk=value).first()


def _on_duty_panel(post, at):
    """Who was rostered at `post` at `at`, and their attendance then, for the form."""
    if post is None:
        return None
    shift = services.shift_on_duty(post, at)
    if shift is None:
        return {"post": post, "shift": None, "rows": []}
    rows = list(shift.attendances.select_related("person").order_by("role", "pk"))
    return {"post": post, "shift": shift, "rows": rows}


def _present(row, at):
    return bool(row.checked_in_at and row.checked_in_at <= at and not row.checked_out_at)


@login_required
def spot_check_new(request):
    _county_only(request.user)
    search = search_text(request.GET, "who", SEARCH_MAX_LENGTH)
    if request.method == "POST":
        form = SpotCheckForm(request.POST, search=search)
        if form.is_valid():
            try:
                check = services.record_spot_check(user=request.user, **form.cleaned_data)
            except services.AlreadySubmitted as sent:
                messages.info(
                    request, _("This form had already been sent; nothing was added twice.")
                )
                return redirect(sent.existing)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Spot check recorded."))
                return redirect(check)
        post = form.cleaned_data.get("post")
        at = form.cleaned_data.get("checked_at") or timezone.now()
    else:
        post = _requested_post(request.GET.get("post"))
        at = _requested_moment(request.GET.get("checked_at"))
        panel = _on_duty_panel(post, at)
        initial = {"checked_at": timezone.localtime(at), "method": "phone"}
        if post is not None:
            initial["post"] = post.pk
        if panel and panel["rows"]:
            leaders = [row for row in panel["rows"] if row.role == "leader"]
            officers = [row for row in panel["rows"] if row.role == "officer"]
            initial["leader_present"] = all(_present(row, at) for row in leaders)
            initial["officers_present"] = bool(officers) and all(
                _present(row, at) for row in officers
            )
        form = SpotCheckForm(initial=initial, search=search)
        return render(
            request,
            "duty_roster/spot_check_form.html",
            {"form": form, "panel": panel, "who": search},
        )
    return render(
        request,
        "duty_roster/spot_check_form.html",
        {"form": form, "panel": _on_duty_panel(post, at), "who": search},
    )


@login_required
def spot_check_random(request):
    """A post with a shift under way now, at random: the officer opens its form and calls."""
    post = services.random_post_on_duty(request.user)
    if post is None:
        messages.warning(request, _("No post has a shift under way now."))
        return redirect("duty_roster:spot_checks")
    return redirect(f"{reverse('duty_roster:spot_check_new')}?{urlencode({'post': post.pk})}")


def _check_for(request, pk):
    return get_object_or_404(
        SpotCheck.objects.visible_to(request.user).select_related(
            "post__township",
            "post__institution",
            "shift__leader",
            "checked_by",
            "responded_by",
            "closed_by",
        ),
        pk=pk,
    )


@login_required
def spot_check_detail(request, pk, answer_form=None, close_form=None):
    check = _check_for(request, pk)
    return render(
        request,
        "duty_roster/spot_check.html",
        {
            "check": check,
            "officers": check.shift.officers.all() if check.shift_id else [],
            "may_answer": check.follow_up_state == "awaiting"
            and services.may_answer(request.user, check),
            "may_close": check.follow_up_state == "answered"
            and services.may_spot_check(request.user),
            "answer_form": answer_form or SpotCheckAnswerForm(),
            "close_form": close_form or SpotCheckCloseForm(),
            "history": recent_changes(request.user, Source(check.history.all())),
        },
    )


@login_required
@require_POST
def spot_check_action(request, pk, action):
    check = _check_for(request, pk)
    if action == "answer":
        form, write, name = SpotCheckAnswerForm(request.POST), services.answer_spot_check, "answer"
    elif action == "close":
        form, write, name = SpotCheckCloseForm(request.POST), services.close_spot_check, "close"
    else:
        raise Http404
    if form.is_valid():
        try:
            write(check=check, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(check)
    return spot_check_detail(request, pk, **{f"{name}_form": form})
