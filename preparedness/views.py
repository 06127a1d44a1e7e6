"""Thin views: the institution through its scoped queryset, a form, a service or a save.

Lists read a page of institutions and then the rows of that page in one query per kind of
row, so their query count does not grow with the county.
"""

from collections import defaultdict
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from config.counts import cached_figure
from config.forms import add_service_errors
from config.paging import CappedPaginator
from exports.services import start_export
from inspections.permissions import can_raise
from institutions.models import Institution, Township
from preparedness import lists, services
from preparedness.documents import document_response
from preparedness.forms import (
    DrillForm,
    PlanForm,
    ResponsibilityForm,
    SupplyForm,
    SupplyMovementForm,
)
from preparedness.models import (
    Drill,
    Plan,
    PlanKind,
    PlanStatus,
    Responsibility,
    Supply,
    SupplyKind,
    required_plan_kinds,
)
from preparedness.permissions import can_view_county_lists, can_write

PAGE_SIZE = 25
RECENT_DRILLS_ON_INSTITUTION = 10


# --- Shared pieces -------------------------------------------------------------


def _institution(request, pk, *, write=False):
    """An institution the user may see (404 otherwise), and may write to when asked."""
    institution = get_object_or_404(
        Institution.objects.visible_to(request.user).select_related("township"), pk=pk
    )
    if write and not can_write(request.user, institution):
        raise PermissionDenied
    return institution


def _township_filter(request):
    """The township chosen in ?township= among those the user sees, and the choices."""
    townships = list(Township.objects.visible_to(request.user).only("pk", "name"))
    wanted = lists.township_id(request.GET)
    return next((t for t in townships if t.pk == wanted), None), townships


class CountedPaginator(CappedPaginator):
    """A capped paginator whose count is a cached figure of the lists' topic (config.counts):
    counting up to the cap tests every row of a township's list against its filter (a
    plan gap, a flagged line), so it is counted at most once a minute per scope and
    filter, and again after a write. The rows of the page are always read afresh.
    `name` says which list and filter it counts."""

    def __init__(self, queryset, per_page, *, name, user):
        super().__init__(queryset, per_page)
        self._name, self._user = name, user

    @cached_property
    def count(self):
        return cached_figure(
            lists.TOPIC,
            f"count:{self._name}",
            self._user,
            lambda: CappedPaginator.count.func(self),
        )


def _keep(**params):
    """The query string the pager keeps (ending with & when not empty)."""
    kept = {name: value for name, value in params.items() if value not in (None, "", False)}
    return urlencode(kept) + "&" if kept else ""


# --- Plans ---------------------------------------------------------------------


@login_required
def index(request):
    """Plans: institutions × kinds, each cell current, overdue for review, or missing."""
    today = timezone.localdate()
    township, townships = _township_filter(request)
    gaps_only = request.GET.get("gaps") == "1"
    institutions = lists.plan_institutions(
        request.user, township=township, gaps_only=gaps_only, today=today, townships=townships
    )
    page = CountedPaginator(
        institutions,
        PAGE_SIZE,
        name=f"plans:{township and township.pk}:{gaps_only}:{today:%Y%m%d}",
        user=request.user,
    ).get_page(request.GET.get("page"))
    current = defaultdict(dict)
    for plan in Plan.objects.current().filter(institution__in=[i.pk for i in page]):
        current[plan.institution_id][plan.kind] = plan
    rows = [
        {
            "institution": institution,
            "cells": [
                _plan_cell(
                    current[institution.pk].get(kind),
                    today,
                    required=kind in required_plan_kinds(institution.kind),
                )
                for kind in PlanKind.values
            ],
        }
        for institution in page
    ]
    return render(
        request,
        "preparedness/index.html",
        {
            "may_download": can_view_county_lists(request.user),
            "kinds": PlanKind.choices,
            "rows": rows,
            "page": page,
            "totals": lists.plan_totals(request.user, township, today),
            "township": township,
            "townships": townships,
            "gaps_only": gaps_only,
            "keep": _keep(township=township and township.pk, gaps="1" if gaps_only else ""),
        },
    )


def _plan_cell(plan, today, *, required):
    if plan is not None:
        return {"plan": plan, "status": plan.status(today)}
    return {"plan": None, "status": PlanStatus.MISSING if required else PlanStatus.NOT_REQUIRED}


@login_required
def institution(request, pk):
    """One institution's preparedness: its plans, supplies, recent drills, responsibility."""
    place = _institution(request, pk)
    today = timezone.localdate()
    current = {plan.kind: plan for plan in place.plans.current()}
    required = required_plan_kinds(place.kind)
    plans = [
        {
            "kind": kind,
            "label": label,
            **_plan_cell(current.get(kind), today, required=kind in required),
        }
        for kind, label in PlanKind.choices
    ]
    supplies = list(place.supplies.active())
    return render(
        request,
        "preparedness/institution.html",
        {
            "institution": place,
            "plans": plans,
            "supplies": [(supply, supply.flags(today)) for supply in supplies],
            "drills": place.drills.all()[:RECENT_DRILLS_ON_INSTITUTION],
            "responsibilities": place.responsibilities.filter(year__gte=today.year - 1),
            "year": today.year,
            "may_write": can_write(request.user, place),
        },
    )


@login_required
def plan_new(request, pk, kind):
    if kind not in PlanKind.values:
        raise Http404
    place = _institution(request, pk, write=True)
    current = place.plans.current().filter(kind=kind).first()
    initial = {}
    if current is not None:
        initial = {
            name: getattr(current, name)
            for name in PlanForm.Meta.fields
            if name not in ("document", "approved_on", "review_on")
        }
    elif kind == PlanKind.ONE_POLICY:
        initial = {"designated_hospital": place.designated_hospital}
    initial["supersedes"] = current.version if current else 0
    form = PlanForm(request.POST or None, request.FILES or None, kind=kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.add_plan_version(
                institution=place,
                user=request.user,
                kind=kind,
                supersedes=form.cleaned_data["supersedes"],
                **form.plan_fields(),
            )
        except services.AlreadySuperseded as superseded:
            messages.info(
                request,
                _("Version %(version)d of this plan was saved meanwhile; nothing was added.")
                % {"version": superseded.latest.version},
            )
            return redirect(superseded.latest)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Plan version %(version)d saved.") % {"version": plan.version}
            )
            return redirect(plan)
    return render(
        request,
        "preparedness/plan_form.html",
        {
            "form": form,
            "institution": place,
            "kind_label": PlanKind(kind).label,
            "current": current,
        },
    )


@login_required
def plan_detail(request, pk):
    plan = get_object_or_404(
        Plan.objects.visible_to(request.user).select_related("institution", "created_by"), pk=pk
    )
    versions = Plan.objects.filter(institution=plan.institution_id, kind=plan.kind).only(
        "pk", "version", "is_current", "approved_on", "review_on", "title"
    )
    return render(
        request,
        "preparedness/plan.html",
        {
            "plan": plan,
            "status": plan.status() if plan.is_current else None,
            "versions": versions,
            "may_write": can_write(request.user, plan.institution),
        },
    )


@login_required
def plan_document(request, pk):
    plan = get_object_or_404(Plan.objects.visible_to(request.user).exclude(document=""), pk=pk)
    return document_response(plan.document, download_name=f"plan-{plan.pk}")


# --- Supplies ------------------------------------------------------------------


@login_required
def supplies(request):
    """Totals by township and kind, and the flagged lines (or every line, ?all=1)."""
    today = timezone.localdate()
    township, townships = _township_filter(request)
    show_all = request.GET.get("all") == "1"
    kind = request.GET.get("kind", "")
    lines = lists.listed_supply_lines(
        lists.supply_lines(request.user, township),
        kind=kind,
        show_all=show_all,
        today=today,
        township=township,
        townships=townships,
    ).select_related("institution__township")
    page = CountedPaginator(
        lines,
        PAGE_SIZE,
        name=(
            f"supplies:{township and township.pk}:{kind if kind in SupplyKind.values else ''}"
            f":{show_all}:{today:%Y%m%d}"
        ),
        user=request.user,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "preparedness/supplies.html",
        {
            "may_download": can_view_county_lists(request.user),
            "page": page,
            "rows": [(line, line.flags(today)) for line in page],
            "totals": lists.supply_totals(request.user, township, today),
            "kinds": SupplyKind.choices,
            "kind": kind,
            "township": township,
            "townships": townships,
            "show_all": show_all,
            "keep": _keep(
                township=township and township.pk, kind=kind, all="1" if show_all else ""
            ),
        },
    )


@login_required
def supply_detail(request, pk):
    """A supply line, what was received into it and given out of it, and (POST, for those
    who may change the line) a movement that moves its quantity."""
    supply = get_object_or_404(
        Supply.objects.visible_to(request.user).select_related(
            "institution__township", "updated_by"
        ),
        pk=pk,
    )
    may_write = can_write(request.user, supply.institution)
    if request.method == "POST" and not may_write:
        raise PermissionDenied
    form = SupplyMovementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_movement(
                supply=supply,
                user=request.user,
                token=form.cleaned_data["token"],
                **form.movement_fields(),
            )
        except services.AlreadyRecorded:
            messages.info(request, _("This form had already been sent; nothing was added twice."))
            return redirect(supply)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Recorded: %(quantity)d %(unit)s now in stock.")
                % {"quantity": supply.quantity, "unit": supply.unit},
            )
            return redirect(supply)
    movements = supply.movements.select_related("recorded_by")
    page = CappedPaginator(movements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "preparedness/supply.html",
        {
            "supply": supply,
            "flags": supply.flags(),
            "page": page,
            "keep": "",
            "form": form if may_write else None,
            "may_write": may_write,
        },
    )


@login_required
def supply_new(request, pk):
    place = _institution(request, pk, write=True)
    return _supply_form(request, place, Supply(institution=place))


@login_required
def supply_edit(request, pk):
    supply = get_object_or_404(
        Supply.objects.visible_to(request.user).select_related("institution__township"), pk=pk
    )
    if not can_write(request.user, supply.institution):
        raise PermissionDenied
    return _supply_form(request, supply.institution, supply)


def _supply_form(request, place, supply):
    form = SupplyForm(request.POST or None, instance=supply)
    if request.method == "POST" and form.is_valid():
        supply = form.save(commit=False)
        supply.institution = place
        supply.updated_by = request.user
        supply.save()
        messages.success(request, _("Supply saved."))
        return redirect("preparedness:institution", pk=place.pk)
    return render(
        request,
        "preparedness/supply_form.html",
        {"form": form, "institution": place, "supply": supply},
    )


# --- Drills --------------------------------------------------------------------


@login_required
def drills(request):
    township, townships = _township_filter(request)
    lines = lists.drills(request.user, township).select_related("institution__township")
    page = CappedPaginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "preparedness/drills.html",
        {
            "may_download": can_view_county_lists(request.user),
            "page": page,
            "township": township,
            "townships": townships,
            "keep": _keep(township=township and township.pk),
        },
    )


@login_required
def not_drilled(request):
    """Institutions with no drill since the season's start (?since=, default
    PREPAREDNESS_DRILL_SEASON_DAYS days ago)."""
    today = timezone.localdate()
    since = lists.season_start(request.GET, today)
    township, townships = _township_filter(request)
    institutions = lists.not_drilled(request.user, township=township, since=since)
    page = CappedPaginator(institutions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "preparedness/not_drilled.html",
        {
            "may_download": can_view_county_lists(request.user),
            "page": page,
            "since": since,
            "township": township,
            "townships": townships,
            "keep": _keep(township=township and township.pk, since=since.isoformat()),
        },
    )


@login_required
def drill_new(request, pk):
    place = _institution(request, pk, write=True)
    may_raise = can_raise(request.user, place)
    form = DrillForm(request.POST or None, may_raise=may_raise)
    if request.method == "POST" and form.is_valid():
        try:
            drill = services.record_drill(
                institution=place,
                user=request.user,
                hazard=form.hazard(),
                token=form.cleaned_data["token"],
                **form.drill_fields(),
            )
        except services.AlreadyRecorded as recorded:
            messages.info(request, _("This form had already been sent; nothing was added twice."))
            return redirect(recorded.existing)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Drill recorded."))
            return redirect(drill)
    return render(request, "preparedness/drill_form.html", {"form": form, "institution": place})


@login_required
def drill_detail(request, pk):
    drill = get_object_or_404(
        Drill.objects.visible_to(request.user).select_related(
            "institution__township", "recorded_by", "hazard"
        ),
        pk=pk,
    )
    return render(request, "preparedness/drill.html", {"drill": drill})


# --- Responsibility --------------------------------------------------------------


def _year(value):
    today = timezone.localdate()
    if not (lists.FIRST_YEAR <= value <= today.year + 1):
        raise Http404
    return value


@login_required
def responsibility(request):
    """For a year: each institution's officials and letter, or what it lacks (?lacking=1)."""
    today = timezone.localdate()
    year = lists.year_of(request.GET, today)
    township, townships = _township_filter(request)
    lacking_only = request.GET.get("lacking") == "1"
    institutions = lists.responsibility_institutions(
        request.user, township=township, year=year, lacking_only=lacking_only
    )
    page = CappedPaginator(institutions, PAGE_SIZE).get_page(request.GET.get("page"))
    records = {
        record.institution_id: record
        for record in Responsibility.objects.filter(institution__in=[i.pk for i in page], year=year)
    }
    return render(
        request,
        "preparedness/responsibility.html",
        {
            "may_download": can_view_county_lists(request.user),
            "rows": [(i, records.get(i.pk)) for i in page],
            "page": page,
            "year": year,
            "years": list(range(today.year + 1, today.year - 4, -1)),
            "township": township,
            "townships": townships,
            "lacking_only": lacking_only,
            "keep": _keep(
                township=township and township.pk, year=year, lacking="1" if lacking_only else ""
            ),
        },
    )


@login_required
def responsibility_edit(request, pk, year):
    place = _institution(request, pk, write=True)
    year = _year(year)
    record = Responsibility.objects.filter(institution=place, year=year).first()
    if record is None:
        record = Responsibility(
            institution=place,
            year=year,
            institution_head=place.legal_representative,
            institution_head_phone=place.legal_representative_phone,
        )
    form = ResponsibilityForm(request.POST or None, request.FILES or None, instance=record)
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        record.updated_by = request.user
        record.save()
        messages.success(request, _("Responsibility for %(year)d saved.") % {"year": year})
        return redirect("preparedness:institution", pk=place.pk)
    return render(
        request,
        "preparedness/responsibility_form.html",
        {"form": form, "institution": place, "year": year, "record": record},
    )


@login_required
def responsibility_letter(request, pk):
    record = get_object_or_404(
        Responsibility.objects.visible_to(request.user).exclude(letter=""), pk=pk
    )
    return document_response(record.letter, download_name=f"letter-{record.pk}")


# --- Downloads ---------------------------------------------------------------------------


def _export(request, what):
    """The list page `what` as .xlsx (preparedness.exports), with its scope and filters."""
    if not can_view_county_lists(request.user):
        raise PermissionDenied
    return start_export(
        request,
        kind=f"preparedness_{what}",
        source=f"preparedness.exports.{what}",
        filename=f"preparedness-{what.replace('_', '-')}-{timezone.localdate():%Y%m%d}.xlsx",
    )


@login_required
def plans_xlsx(request):
    return _export(request, "plans")


@login_required
def supplies_xlsx(request):
    return _export(request, "supplies")


@login_required
def drills_xlsx(request):
    return _export(request, "drills")


@login_required
def not_drilled_xlsx(request):
    return _export(request, "not_drilled")


@login_required
def responsibility_xlsx(request):
    return _export(request, "responsibility")
