"""What the county's preparedness lists hold, for their pages and their .xlsx alike: the
filters read from the query string and the scoped querysets they give. A page and its
download call the same function, so the file is always the page's list.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from config.counts import cached_figure
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
# The cached figures' topic: a write to a plan, a supply line, an institution or a
# township starts a new generation of it (apps.py).
TOPIC = "preparedness"


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


def plan_institutions(user, *, township, gaps_only, today, townships):
    """The plans list's institutions (only those with a gap when `gaps_only`); `townships`
    are those the user sees in code order (see in_order_from_index)."""
    found = institutions(user, township)
    if not gaps_only:
        return found
    return in_order_from_index(with_plan_gaps(found, today), township, townships)


def in_order_from_index(found, township, townships, *, path="", then=()):
    """`found` (institutions, or rows of the institution at `path`) in the lists' order,
    township code, then name (then the fields `then`), read from the index
    institution_list_order when that gives the same order: for one township, or when the
    townships' ids follow their codes (as when the county's townships are loaded from the
    division list in order). PostgreSQL then reads the list a page at a time; ordered by
    the code of a joined township it reads every institution of the county (testing each
    against the list's filter) and sorts them for each page."""
    ids = [t.pk for t in townships] if township is None else [township.pk]
    first = "township_id" if ids == sorted(ids) else "township__code"
    return found.order_by(f"{path}{first}", f"{path}name", *then)


def with_plan_gaps(found, today):
    """Those missing a plan they must keep (required_plan_kinds), or with one overdue.

    Each institution's current plans are counted by scalar subqueries, each a look-up in
    the index of current plans by institution and kind (plan_one_current_per_kind), so
    read in the list's order (in_order_from_index) the search stops with the page. Counting
    every institution's plans in one join grouped by institution, or EXISTS subqueries
    (which PostgreSQL may hash, reading every current plan first), read the whole county's
    plans on every page."""
    current = Plan.objects.current().filter(institution=OuterRef("pk"))
    in_order = Q(review_on__gte=today)
    residential = Q(kind__in=RESIDENTIAL_KINDS)
    return found.alias(
        in_order=_counted(current.filter(in_order)),
        basic_in_order=_counted(current.filter(in_order, kind__in=BASIC_PLAN_KINDS)),
        overdue=_counted(current.filter(review_on__lt=today)),
    ).filter(
        (residential & Q(in_order__lt=len(PlanKind)))
        | (~residential & Q(basic_in_order__lt=len(BASIC_PLAN_KINDS)))
        | Q(overdue__gt=0)
    )


def _counted(rows):
    """The number of `rows` (a subquery of one institution's plans), 0 when none."""
    counted = rows.order_by().values("institution").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def plan_totals(user, township, today):
    """Per kind: institutions that must keep it with one in order, overdue, or missing.
    Counted over the whole scope, so kept as a cached figure (config.counts): at most a
    minute old, recounted after a write to a plan, a supply or an institution."""
    counted, required = cached_figure(
        TOPIC,
        f"plan_totals:{_township_key(township)}:{today:%Y%m%d}",
        user,
        lambda: _count_plans(user, township, today),
    )
    totals = []
    for kind, label in PlanKind.choices:
        in_order, overdue = counted.get(kind, (0, 0))
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


def _count_plans(user, township, today):
    """({kind: (in order, overdue)}, {"every": n, "residential": n}): two queries."""
    found = Institution.objects.visible_to(user).active()
    plans = Plan.objects.visible_to(user).current().filter(institution__is_active=True)
    if township is not None:
        found = found.filter(township=township)
        plans = plans.filter(institution__township=township)
    plans = plans.filter(Q(kind__in=BASIC_PLAN_KINDS) | Q(institution__kind__in=RESIDENTIAL_KINDS))
    counted = {
        row["kind"]: (row["in_order"], row["overdue"])
        for row in plans.values("kind").annotate(
            in_order=Count("pk", filter=Q(review_on__gte=today)),
            overdue=Count("pk", filter=Q(review_on__lt=today)),
        )
    }
    required = found.aggregate(
        every=Count("pk"), residential=Count("pk", filter=Q(kind__in=RESIDENTIAL_KINDS))
    )
    return counted, required


def _township_key(township):
    return "all" if township is None else f"t{township.pk}"


# --- Supplies ------------------------------------------------------------------------


def supply_lines(user, township):
    """The lines in stock at active institutions the user sees (of one township)."""
    lines = Supply.objects.visible_to(user).active().filter(institution__is_active=True)
    if township is not None:
        lines = lines.filter(institution__township=township)
    return lines


def listed_supply_lines(lines, *, kind, show_all, today, township, townships):
    """The page's list: one kind of item (when valid), only the flagged lines unless
    `show_all`, by township, institution and item (in_order_from_index)."""
    if kind in SupplyKind.values:
        lines = lines.filter(kind=kind)
    if not show_all:
        lines = lines.flagged(today)
    return in_order_from_index(
        lines, township, townships, path="institution__", then=("kind", "pk")
    )


def supply_totals(user, township, today):
    """[(township name, [quantity per kind], flagged lines)] in township order, of every
    line in stock (supply_lines). A cached figure, as plan_totals."""
    return cached_figure(
        TOPIC,
        f"supply_totals:{_township_key(township)}:{today:%Y%m%d}",
        user,
        lambda: _sum_supplies(supply_lines(user, township), today),
    )


def _sum_supplies(lines, today):
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
