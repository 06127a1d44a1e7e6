from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboards import board
from dashboards.forms import DashboardFilterForm


@login_required
def county(request):
    """The county at a glance (a clerk: their township): inspections, hazards, duty and
    relief, a league table of the townships, charts with their numbers beside them."""
    user = request.user
    if not (user.is_county_wide or user.is_township_staff):
        # An institution's own figures are its pages (inspections, hazards, duty).
        messages.info(request, _("The dashboard is for township and county staff."))
        return redirect("home")
    form = DashboardFilterForm(request.GET or None, user=user)
    if form.is_bound:
        form.is_valid()
    filters = form.filters()
    if not form.is_bound:
        form.initial = {"date_from": filters.date_from, "date_to": filters.date_to}
    context = board.build(request, filters, timezone.now())
    context["form"] = form
    return render(request, "dashboards/county.html", context)
