import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from config.paging import CappedPaginator
from dashboards import board, queries, warming
from dashboards.forms import DashboardFilterForm, InspectionListForm

PAGE_SIZE = 50


def _show_period(form, filters):
    """The date boxes show the period counted when none was typed (a first visit, or a
    link that gave only a sort order or a township)."""
    period = {"date_from": filters.date_from, "date_to": filters.date_to}
    if not form.is_bound:
        form.initial = period
    elif not form.data.get("date_from") and not form.data.get("date_to"):
        form.data = form.data.copy()
        for name, day in period.items():
            form.data[name] = day.isoformat()


def for_township_and_county_staff(view):
    """An institution's own figures are its pages (inspections, hazards, duty): its staff
    are sent home with a word why."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_county_wide or request.user.is_township_staff):
            messages.info(request, _("The dashboard is for township and county staff."))
            return redirect("home")
        return view(request, *args, **kwargs)

    return login_required(wrapped)


@for_township_and_county_staff
def county(request):
    """The county at a glance (a clerk: their township): inspections, hazards, duty and
    relief, a league table of the townships, charts with their numbers beside them."""
    user = request.user
    form = DashboardFilterForm(request.GET or None, user=user)
    if form.is_bound:
        form.is_valid()
    else:
        warming.note_viewer(user)  # the default view of this scope is worth keeping warm
    filters = form.filters()
    _show_period(form, filters)
    context = board.build(request, filters, timezone.now())
    context["form"] = form
    return render(request, "dashboards/county.html", context)


@for_township_and_county_staff
def inspections(request):
    """The inspections behind a coverage figure of the dashboard, a page at a time."""
    user = request.user
    form = InspectionListForm(request.GET or None, user=user)
    if form.is_bound:
        form.is_valid()
    filters = form.filters()
    _show_period(form, filters)
    campaign = form.chosen("campaign")
    found = queries.inspections_behind(user, filters, campaign=campaign, state=form.chosen("state"))
    page = CappedPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboards/inspections.html",
        {
            "form": form,
            "filters": filters,
            "campaign": campaign,
            "page": page,
            "query": query.urlencode(),
            "today": filters.today,
        },
    )
