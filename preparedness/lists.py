"""What the county's preparedness lists hold, for their pages and their .xlsx alike: the
filters read from the query string and the scoped querysets they give. A page and its
download call the same function, so the file is always the page's list.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum

from config.forms import DATABASE_ID_RE
from institutions.models import RESIDENTIAL_KINDS, Institution, Township
from preparedness.models import (
    BASIC_PLAN_KINDS,
    Drill,
    Plan,
    PlanKind,
    Responsibility,
    Supply,
    SupplyKind,
    drill_season_days,
    flagged_supply,
)

FIRST_YEAR = 2000


# --- Filters -----------------------------------------------------------------------


def township_id(params):
    """The id ?township= names, or None (not yet checked against the user's scope)."""
    raw = params.get("township", "")
    return int(raw) if DATABASE_ID_RE.match(raw) else None


def township_of(user, params):
    """The township ?township= names among those the user sees, or None: one query."""
    chosen = township_id(params)
    if chosen is None:
        return None
    return Township.objects.visible_to(user).filter(pk=chosen).only("pk", "name").first()


def season_start(params, today):
    """?since= (a date from 2000 to next year), else PREPAREDNESS_DRILL_SEASON_DAYS ago."""
    default = today - datetime.timedelta(days=drill_season_days())
    try:
        value = datetime.date.fromisoformat(params.get("since", ""))
    except ValueError:
        return default
    return value if FIRST_YEAR <= value.year <= today.year + 1 else default


def year_of(params, today):
    """?year= (four digits, 2000 to next year), else this year."""
    raw = params.get("year", "")
    year = int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else today.year
    return year if FIRST_YEAR <= year <= today.year + 1 else today.year


# --- Institutions --------------------------------------------------------------------


def institutions(user, township):
    """The active institutions the user sees (of one township), in the lists' order."""
    found = (
        Institution.objects.visible_to(user).active().select_related("township").in_list_order(user)
    )
    if township is not None:
        found = found.filter(township=township)
    return found


# --- Plans ---------------------------------------------------------------------------


def plan_institutions(user, *, township, gaps_only, today):
    found = institutions(user, township)
    return with_plan_gaps(found, today) if gaps_only else found


def with_plan_gaps(found, today):
    """Those missing a plan they must keep (required_plan_kinds), or with one overdue."""
    in_order = Q(plans__is_current=True, plans__review_on__gte=today)
    residential = Q(kind__in=RESIDENTIAL_KINDS)
    return found.annotate(
        in_order=Count("plans", filter=in_order),
        basic_in_order=Count("plans", filter=in_order & Q(plans__kind__in=BASIC_PLAN_KINDS)),
        overdue=Count("plans", filter=Q(plans__is_current=True, plans__review_on__lt=today)),
    ).filter(
        (residential & Q(in_order__lt=len(PlanKind)))
        | (~residential & Q(basic_in_order__lt=len(BASIC_PLAN_KINDS)))
        | Q(overdue__gt=0)
    )


def plan_totals(user, township, today):
    """Per kind: institutions that must keep it with one in order, overdue, or missing."""
    found = Institution.objects.visible_to(user).active()
    plans = Plan.objects.visible_to(user).current().filter(institution__is_active=True)
    if township is not None:
        found = found.filter(township=township)
        plans = plans.filter(institution__township=township)
    plans = plans.filter(Q(kind__in=BASIC_PLAN_KINDS) | Q(institution__kind__in=RESIDENTIAL_KINDS))
    counted = {
        row["kind"]: row
        for row in plans.values("kind").annotate(
            in_order=Count("pk", filter=Q(review_on__gte=today)),
            overdue=Count("pk", filter=Q(review_on__lt=today)),
        )
    }
    required = found.aggregate(
        every=Count("pk"), residential=Count("pk", filter=Q(kind__in=RESIDENTIAL_KINDS))
    )
    totals = []
    for kind, label in PlanKind.choices:
        row = counted.get(kind, {})
        in_order, overdue = row.get("in_order", 0), row.get("overdue", 0)
        must = required["every"] if kind in BASIC_PLAN_KINDS else required["residential"]
        totals.append(
            {
                "label": label,
                "in_order": in_order,
                "overdue": overdue,
                "missing": max(must - in_order - overdue, 0),
            }
        )
    return totals


# --- Supplies ------------------------------------------------------------------------


def supply_lines(user, township):
    """The lines in stock at active institutions the user sees (of one township)."""
    lines = Supply.objects.visible_to(user).active().filter(institution__is_active=True)
    if township is not None:
        lines = lines.filter(institution__township=township)
    return lines


def listed_supply_lines(lines, *, kind, show_all, today):
    """The page's list: one kind of item (when valid), only the flagged lines unless
    `show_all`, by township, institution and item."""
    if kind in SupplyKind.values:
        lines = lines.filter(kind=kind)
    if not show_all:
        lines = lines.flagged(today)
    return lines.order_by("institution__township__code", "institution__name", "kind", "pk")


def supply_totals(lines, today):
    """[(township name, [quantity per kind], flagged lines)] in township order."""
    sums = defaultdict(dict)
    flagged = defaultdict(int)
    names = {}
    rows = (
        lines.values("institution__township_id", "institution__township__name", "kind")
        .annotate(total=Sum("quantity"), flagged_lines=Count("pk", filter=flagged_supply(today)))
        .order_by("institution__township__code")
    )
    for row in rows:
        township = row["institution__township_id"]
        names[township] = row["institution__township__name"]
        sums[township][row["kind"]] = row["total"]
        flagged[township] += row["flagged_lines"]
    return [
        (names[t], [sums[t].get(kind, 0) for kind in SupplyKind.values], flagged[t]) for t in names
    ]


# --- Drills --------------------------------------------------------------------------


def drills(user, township):
    found = Drill.objects.visible_to(user)
    if township is not None:
        found = found.filter(institution__township=township)
    return found


def not_drilled(user, *, township, since):
    """Institutions with no drill held since `since`."""
    drilled = Drill.objects.filter(institution=OuterRef("pk"), held_on__gte=since)
    return institutions(user, township).filter(~Exists(drilled))


def with_last_drill(found):
    """Each institution annotated with the day of its last drill (None: never drilled)."""
    last = Drill.objects.filter(institution=OuterRef("pk")).order_by("-held_on")
    return found.annotate(last_drill=Subquery(last.values("held_on")[:1]))


# --- Responsibility ------------------------------------------------------------------


def responsibility_institutions(user, *, township, year, lacking_only):
    """Institutions annotated `has_complete` (officials and the signed letter for `year`),
    only those lacking them when `lacking_only`."""
    complete = Responsibility.objects.complete().filter(institution=OuterRef("pk"), year=year)
    found = institutions(user, township).annotate(has_complete=Exists(complete))
    return found.filter(has_complete=False) if lacking_only else found
