"""Preparedness as export sources for the exports app: the county's plans, the emergency
supplies (with the totals by township), the drills, the institutions not drilled this
season and the responsibility of a year.

Each `source(user, params)` is its page's list (preparedness.lists: the same scope, the
same filters, the same order) as plain tuples: one values_list query, and per chunk of
2,000 institutions one more for what hangs off them (their current plans, their year's
responsibility record), never a query per row. Labels of choices come from prepared
dicts; dates stay dates.
"""

import datetime
from itertools import islice

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from exports.services import Export
from exports.xlsxstream import Sheet
from institutions.models import InstitutionKind, Township
from preparedness import lists
from preparedness.models import (
    NEAR_EXPIRY_DAYS,
    Drill,
    DrillKind,
    Plan,
    PlanKind,
    PlanStatus,
    Responsibility,
    Supply,
    SupplyKind,
    required_plan_kinds,
)

CHUNK = 2000


def _townships(user):
    """The townships the user sees, in code order: read (one query) only when a list needs
    to know whether their ids follow their codes (lists.in_order_from_index)."""
    return Township.objects.visible_to(user).order_by("code").only("pk")


def _labelled(label, value):
    """乡镇（街道）：羊册镇 (gettext cannot find a label inside an f-string)."""
    return f"{label}：{value}"


def _filter_words(*parts):
    return "；".join(part for part in parts if part)


def _township_words(township):
    return _labelled(_("Township"), township.name) if township is not None else ""


def _labels(choices):
    return {key: str(label) for key, label in choices}


def _of_institutions(ids, field="institution_id"):
    """`field` IN the chunk: on PostgreSQL one array parameter, not 2,000 placeholders."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", [ids])})
    return Q(**{f"{field}__in": ids})


def _verbose(model, *names):
    """The fields' own labels (Quantity, 数量), as the forms show them."""
    return [capfirst(model._meta.get_field(name).verbose_name) for name in names]


def _yes(value):
    return _("yes") if value else ""


def _name(full_name, username):
    """A user as User.display_name shows them, from two joined columns."""
    return full_name or username or ""


INSTITUTION_COLUMNS = ("pk", "township__name", "name", "kind")


# --- Plans -------------------------------------------------------------------------


def plans(user, params):
    """The plans page: each institution's plan of every kind, current, overdue for review,
    missing or not required (with its review date), then the totals by kind."""
    today = timezone.localdate()
    township = lists.township_of(user, params)
    gaps_only = params.get("gaps") == "1"
    found = lists.plan_institutions(
        user,
        township=township,
        gaps_only=gaps_only,
        today=today,
        townships=_townships(user),
    )
    kinds = PlanKind.choices
    headers = [_("Township"), _("Institution"), _("Kind of institution")]
    for _kind, label in kinds:
        headers += [str(label), _labelled(label, _("review by"))]

    def sheets():
        yield Sheet(
            title=_("Emergency plans"),
            headers=headers,
            rows=_plan_rows(found, today),
            widths=[12, 28, 12, *[10, 12] * len(kinds)],
            landscape=True,
        )
        yield _plan_totals_sheet(lists.plan_totals(user, township, today))

    return Export(
        title=_("Emergency plans"),
        count=found.count,
        filter_text=_filter_words(
            _township_words(township),
            _("Only institutions with a plan missing or overdue") if gaps_only else "",
        ),
        sheets=sheets,
    )


def _plan_statuses():
    """The words of the page's badges (the plain labels meet other apps' "Missing")."""
    return {
        PlanStatus.CURRENT: pgettext("plan", "current"),
        PlanStatus.OVERDUE: _("review overdue"),
        PlanStatus.MISSING: pgettext("plan", "missing"),
        PlanStatus.NOT_REQUIRED: _("Not required"),
    }


def _plan_rows(found, today):
    statuses = _plan_statuses()
    institution_kinds = _labels(InstitutionKind.choices)
    source = found.values_list(*INSTITUTION_COLUMNS).iterator(chunk_size=CHUNK)
    while chunk := list(islice(source, CHUNK)):
        current = _current_plans([row[0] for row in chunk])
        for pk, township, name, kind in chunk:
            required = required_plan_kinds(kind)
            cells = [township, name, institution_kinds.get(kind, kind)]
            for plan_kind in PlanKind.values:
                review_on = current.get((pk, plan_kind))
                if review_on is not None:
                    status = PlanStatus.OVERDUE if review_on < today else PlanStatus.CURRENT
                elif plan_kind in required:
                    status = PlanStatus.MISSING
                else:
                    status = PlanStatus.NOT_REQUIRED
                cells += [statuses[status], review_on]
            yield cells


def _current_plans(institution_ids):
    """(institution id, kind) → review date of its current plan, one query."""
    rows = (
        Plan.objects.current()
        .filter(_of_institutions(institution_ids))
        .values_list("institution_id", "kind", "review_on")
    )
    return {(institution, kind): review_on for institution, kind, review_on in rows}


def _plan_totals_sheet(totals):
    return Sheet(
        title=_("Totals by kind of plan"),
        headers=[
            _("Plan"),
            pgettext("plan", "current"),
            _("review overdue"),
            pgettext("plan", "missing"),
        ],
        rows=[(row["label"], row["in_order"], row["overdue"], row["missing"]) for row in totals],
        widths=[28, 10, 10, 10],
        counted=False,
    )


# --- Supplies ----------------------------------------------------------------------


SUPPLY_COLUMNS = (
    "institution__township__name",
    "institution__name",
    "kind",
    "description",
    "quantity",
    "unit",
    "minimum_quantity",
    "location",
    "last_inspected_on",
    "expires_on",
)


def supplies(user, params):
    """The supplies page: its lines (only the flagged ones unless ?all=1, of one item with
    ?kind=) with their flags, then the totals by township of every line in stock."""
    today = timezone.localdate()
    township = lists.township_of(user, params)
    kind = params.get("kind", "")
    show_all = params.get("all") == "1"
    found = lists.listed_supply_lines(
        lists.supply_lines(user, township),
        kind=kind,
        show_all=show_all,
        today=today,
        township=township,
        townships=_townships(user),
    )
    item_labels = _labels(SupplyKind.choices)

    def sheets():
        yield Sheet(
            title=_("Emergency supplies"),
            headers=[
                _("Township"),
                *_verbose(
                    Supply,
                    "institution",
                    "kind",
                    "description",
                    "quantity",
                    "unit",
                    "minimum_quantity",
                    "location",
                    "last_inspected_on",
                    "expires_on",
                ),
                capfirst(_("low stock")),
                capfirst(_("expired or inspection overdue")),
                capfirst(_("expires or due for inspection soon")),
            ],
            rows=_supply_rows(found, today, item_labels),
            widths=[12, 28, 12, 18, 8, 6, 8, 16, 12, 12, 8, 10, 10],
            landscape=True,
        )
        yield _supply_totals_sheet(lists.supply_totals(user, township, today))

    return Export(
        title=_("Emergency supplies"),
        count=found.count,
        filter_text=_filter_words(
            _township_words(township),
            _labelled(pgettext("supply", "Item"), item_labels[kind]) if kind in item_labels else "",
            _("Every line, not only the flagged ones")
            if show_all
            else _("Flagged: low stock, expired or expiring soon"),
        ),
        sheets=sheets,
    )


def _supply_rows(found, today, item_labels):
    soon = today + datetime.timedelta(days=NEAR_EXPIRY_DAYS)
    for (
        township,
        institution,
        kind,
        description,
        quantity,
        unit,
        minimum,
        location,
        inspected,
        expires,
    ) in found.values_list(*SUPPLY_COLUMNS).iterator(chunk_size=CHUNK):
        yield (
            township,
            institution,
            item_labels.get(kind, kind),
            description,
            quantity,
            unit,
            minimum,
            location,
            inspected,
            expires,
            _yes(quantity < minimum),
            _yes(expires is not None and expires < today),
            _yes(expires is not None and today <= expires <= soon),
        )


def _supply_totals_sheet(totals):
    kinds = SupplyKind.values
    sums = [0] * len(kinds)
    flagged_sum = [0]

    def rows():
        for name, quantities, flagged in totals:
            for n, quantity in enumerate(quantities):
                sums[n] += quantity
            flagged_sum[0] += flagged
            yield (name, *quantities, flagged)

    return Sheet(
        title=_("Totals by township"),
        headers=[_("Township"), *[str(label) for _k, label in SupplyKind.choices], _("Flagged")],
        rows=rows(),
        widths=[14, *[10] * len(kinds), 10],
        footer=lambda: [[_("Total"), None, *sums, flagged_sum[0]]],
        landscape=True,
        counted=False,
    )


# --- Drills ------------------------------------------------------------------------


DRILL_COLUMNS = (
    "institution__township__name",
    "institution__name",
    "held_on",
    "kind",
    "scenario",
    "staff_count",
    "residents_count",
    "evacuation_seconds",
    "problems",
    "hazard_id",
    "recorded_by__full_name",
    "recorded_by__username",
    "created_at",
)


def drills(user, params):
    """The drills page: every drill and training in the user's scope, latest first."""
    township = lists.township_of(user, params)
    found = lists.drills(user, township)
    return Export(
        title=_("Drills and training"),
        count=found.count,
        headers=[
            _("Township"),
            *_verbose(
                Drill,
                "institution",
                "held_on",
                "kind",
                "scenario",
                "staff_count",
                "residents_count",
                "evacuation_seconds",
                "problems",
                "hazard",
                "recorded_by",
                "created_at",
            ),
        ],
        widths=[12, 28, 11, 14, 40, 8, 8, 10, 30, 8, 10, 17],
        rows=_drill_rows(found),
        filter_text=_township_words(township),
        landscape=True,
    )


def _drill_rows(found):
    kinds = _labels(DrillKind.choices)
    for (
        township,
        institution,
        held_on,
        kind,
        scenario,
        staff,
        residents,
        seconds,
        problems,
        hazard,
        full_name,
        username,
        created_at,
    ) in found.values_list(*DRILL_COLUMNS).iterator(chunk_size=CHUNK):
        yield (
            township,
            institution,
            held_on,
            kinds.get(kind, kind),
            scenario,
            staff,
            residents,
            seconds,
            problems,
            _yes(hazard),
            _name(full_name, username),
            created_at,
        )


def not_drilled(user, params):
    """The institutions with no drill since the season's start (?since=), with the day of
    their last drill, if any."""
    today = timezone.localdate()
    township = lists.township_of(user, params)
    since = lists.season_start(params, today)
    found = lists.not_drilled(user, township=township, since=since)
    institution_kinds = _labels(InstitutionKind.choices)

    def rows():
        listed = lists.with_last_drill(found).values_list(
            "township__name", "name", "kind", "last_drill"
        )
        for township_name, name, kind, last_drill in listed.iterator(chunk_size=CHUNK):
            yield (township_name, name, institution_kinds.get(kind, kind), last_drill)

    return Export(
        title=_("Not drilled this season"),
        count=found.count,
        headers=[_("Township"), _("Institution"), _("Kind of institution"), _("Last drill")],
        widths=[12, 30, 14, 12],
        rows=rows(),
        filter_text=_filter_words(
            _labelled(_("Season starting"), f"{since:%Y-%m-%d}"), _township_words(township)
        ),
    )


# --- Responsibility ----------------------------------------------------------------


RESPONSIBILITY_COLUMNS = (
    "institution_id",
    "institution_head",
    "institution_head_phone",
    "township_official",
    "township_official_phone",
    "bureau_contact",
    "bureau_contact_phone",
    "signed_on",
    "letter",
)


def responsibility(user, params):
    """The responsibility page for a year (?year=): each institution's officials and
    letter, and what it lacks; only those lacking them with ?lacking=1."""
    today = timezone.localdate()
    township = lists.township_of(user, params)
    year = lists.year_of(params, today)
    lacking_only = params.get("lacking") == "1"
    found = lists.responsibility_institutions(
        user, township=township, year=year, lacking_only=lacking_only
    )
    return Export(
        title=_("Safety responsibility %(year)d") % {"year": year},
        count=found.count,
        headers=[
            _("Township"),
            _("Institution"),
            *_verbose(Responsibility, *RESPONSIBILITY_COLUMNS[1:]),
            _("Lacking"),
        ],
        widths=[12, 28, 10, 13, 10, 13, 10, 13, 11, 8, 30],
        rows=_responsibility_rows(found, year),
        filter_text=_filter_words(
            _labelled(_("Year"), year),
            _township_words(township),
            _("Only those lacking officials or the signed letter") if lacking_only else "",
        ),
        landscape=True,
    )


def _responsibility_rows(found, year):
    lacking_words = {
        name: str(Responsibility._meta.get_field(name).verbose_name)
        for name in ("institution_head", "township_official", "bureau_contact", "letter")
    }
    lacking_words["record"] = _("no officials recorded for this year")
    source = found.values_list("pk", "township__name", "name").iterator(chunk_size=CHUNK)
    while chunk := list(islice(source, CHUNK)):
        records = _records_of([row[0] for row in chunk], year)
        for pk, township, name in chunk:
            record = records.get(pk)
            if record is None:
                yield (township, name, *[None] * 8, lacking_words["record"])
                continue
            head, head_phone, official, official_phone, contact, contact_phone = record[:6]
            signed_on, letter = record[6:]
            lacking = [
                lacking_words[field]
                for field, value in (
                    ("institution_head", head),
                    ("township_official", official),
                    ("bureau_contact", contact),
                    ("letter", letter),
                )
                if not value
            ]
            yield (
                township,
                name,
                head,
                head_phone,
                official,
                official_phone,
                contact,
                contact_phone,
                signed_on,
                _yes(letter),
                "、".join(lacking),
            )


def _records_of(institution_ids, year):
    """institution id → its record's columns for `year`, one query."""
    rows = (
        Responsibility.objects.filter(_of_institutions(institution_ids), year=year)
        .order_by()
        .values_list(*RESPONSIBILITY_COLUMNS)
    )
    return {row[0]: row[1:] for row in rows}
