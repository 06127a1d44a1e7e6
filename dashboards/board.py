"""The county dashboard's page: the cached figures of dashboards.queries put together
per township, labelled in the reader's language, with the links behind each figure
and the charts' data (each chart's numbers are a table of the page as well)."""

from collections import defaultdict
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from dashboards import queries
from duty_roster.models import IncidentCategory, IncidentSeverity
from inspections.models import Category, HazardStatus, Severity
from relief.models import ApplicationStatus

# The league table's sort keys (?sort=, "-" for descending); anything else is "township".
SORTS = (
    "township",
    "coverage",
    "overdue_rate",
    "days_to_close",
    "not_credible",
    "missed",
    "daily",
)
DEFAULT_SORT = "township"


def parse_sort(raw):
    raw = raw or ""
    name = raw.removeprefix("-")
    if name not in SORTS:
        return DEFAULT_SORT, False
    return name, raw.startswith("-")


def _percent(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _link(name, **params):
    used = {key: value for key, value in params.items() if value not in (None, "")}
    url = reverse(name)
    return f"{url}?{urlencode(used)}" if used else url


def _ledger(filters, township_id, **params):
    return _link(
        "inspections:ledger",
        township=township_id or filters.township_id,
        kind=filters.kind,
        **params,
    )


def _behind_coverage(filters, township_id, state):
    return _link(
        "dashboards:inspections",
        township=township_id,
        kind=filters.kind,
        state=state,
        date_from=filters.date_from.isoformat(),
        date_to=filters.date_to.isoformat(),
    )


def _behind_not_credible(filters, township_id):
    return _link(
        "inspections:not_credible",
        township=township_id,
        kind=filters.kind,
        date_from=filters.date_from.isoformat(),
        date_to=filters.date_to.isoformat(),
    )


def league_table(user, filters, sort, descending, duty, daily):
    townships = queries.townships(user, filters)
    not_credible = queries.not_credible_per_township(user, filters)
    reported = {row["township_id"]: row for row in daily["rows"]}
    coverage = queries.campaign_coverage(user, filters)
    open_hazards = queries.open_hazards_per_township(user, filters)
    closing = queries.closing_per_township(user, filters)
    rows = []
    for township in townships:
        pk = township["pk"]
        cov = coverage.get(pk, {"total": 0, "done": 0})
        haz = open_hazards.get(pk, {"unresolved": 0, "overdue": 0, "major": 0})
        closed = closing.get(pk, {"closed": 0, "avg_days": None})
        flagged = not_credible.get(pk, {"items": 0, "institutions": 0})
        rows.append(
            {
                "pk": pk,
                "name": township["name"],
                "code": township["code"],
                "inspections_total": cov["total"],
                "inspections_done": cov["done"],
                "coverage": _percent(cov["done"], cov["total"]),
                "unresolved": haz["unresolved"],
                "overdue": haz["overdue"],
                "overdue_rate": _percent(haz["overdue"], haz["unresolved"]),
                "closed": closed["closed"],
                "days_to_close": None
                if closed["avg_days"] is None
                else round(closed["avg_days"], 1),
                "not_credible": flagged["items"],
                "not_credible_institutions": flagged["institutions"],
                "missed": duty["missed_in_period"].get(pk, 0),
                "daily": reported[pk]["percent"] if pk in reported else None,
                "daily_missing": reported[pk]["missing"] if pk in reported else None,
                "links": {
                    "daily": reported[pk]["link"] if pk in reported else None,
                    "inspections_done": _behind_coverage(filters, pk, "done"),
                    "inspections": _behind_coverage(filters, pk, ""),
                    "overdue": _ledger(filters, pk, overdue="true"),
                    "closed": _ledger(filters, pk, status=HazardStatus.CLOSED),
                    "not_credible": _behind_not_credible(filters, pk),
                },
            }
        )
    if sort == "township":
        rows.sort(key=lambda row: row["code"], reverse=descending)
    else:
        # Townships without the figure (nothing to count) go last either way.
        known = [row for row in rows if row[sort] is not None]
        unknown = [row for row in rows if row[sort] is None]
        known.sort(key=lambda row: (row[sort], row["code"]), reverse=descending)
        rows = known + unknown
    return rows


def league_columns(request, sort, descending):
    """The sortable headings, each with the page sorted by it (the current one: the
    other way round)."""
    labels = {
        "township": _("Township"),
        "coverage": _("Coverage"),
        "overdue_rate": _("Overdue rate"),
        "days_to_close": _("Average days to close"),
        "not_credible": _("Self-inspection not credible (自查不实)"),
        "missed": _("Absences (脱岗)"),
        "daily": _("Daily reports today"),
    }
    columns = []
    for name in SORTS:
        query = request.GET.copy()
        query.pop("sort", None)
        flip = name == sort and not descending
        query["sort"] = f"-{name}" if flip else name
        columns.append({"key": name, "label": labels[name], "url": f"?{query.urlencode()}"})
    return columns


def _chart(kind, categories, series, *, stacked=False):
    return {
        "kind": kind,
        "stacked": stacked,
        "categories": categories,
        "series": [{"name": name, "data": data, "tone": tone} for name, data, tone in series],
    }


def festival_section(user, filters):
    if filters.campaign is None:
        return None
    coverage = queries.festival_coverage(user, filters)
    rows = []
    for township in queries.townships(user, filters):
        counts = coverage.get(township["pk"], {"done": 0, "due": 0, "overdue": 0})
        total = counts["done"] + counts["due"] + counts["overdue"]
        rows.append(
            {
                "name": township["name"],
                **counts,
                "total": total,
                "links": {
                    state or "all": _link(
                        "dashboards:inspections",
                        campaign=filters.campaign.pk,
                        township=township["pk"],
                        kind=filters.kind,
                        state=state,
                    )
                    for state in ("done", "due", "overdue", "")
                },
            }
        )
    totals = {key: sum(row[key] for row in rows) for key in ("done", "due", "overdue", "total")}
    totals["percent"] = _percent(totals["done"], totals["total"])
    for row in rows:
        row["percent"] = _percent(row["done"], row["total"])
    chart = _chart(
        "bar",
        [row["name"] for row in rows],
        [
            (_("Done"), [row["done"] for row in rows], "good"),
            (_("Due"), [row["due"] for row in rows], "neutral"),
            (_("Overdue"), [row["overdue"] for row in rows], "bad"),
        ],
        stacked=True,
    )
    return {"campaign": filters.campaign, "rows": rows, "totals": totals, "chart": chart}


def _labelled(counts, choices, link):
    return [
        {"code": code, "label": label, "count": counts[code], "link": link(code)}
        for code, label in choices
        if counts.get(code)
    ]


def hazard_section(user, filters):
    breakdown = queries.open_hazard_breakdown(user, filters)
    by = {"severity": defaultdict(int), "category": defaultdict(int), "status": defaultdict(int)}
    for severity, category, status, n in breakdown:
        by["severity"][severity] += n
        by["category"][category] += n
        by["status"][status] += n
    open_per_township = queries.open_hazards_per_township(user, filters)
    closing = queries.closing_per_township(user, filters)
    listed = queries.listed_hazards(user, filters)
    trend = queries.hazard_trend(user, filters)
    days = filters.days()
    trend_rows = [
        {"day": day, "found": trend["found"].get(day, 0), "closed": trend["closed"].get(day, 0)}
        for day in days
    ]
    townships = queries.townships(user, filters)
    township_rows = []
    for township in townships:
        counts = open_per_township.get(township["pk"], {"unresolved": 0, "overdue": 0, "major": 0})
        township_rows.append(
            {
                "pk": township["pk"],
                "name": township["name"],
                **counts,
                "on_time": counts["unresolved"] - counts["overdue"],
                "overdue_link": _ledger(filters, township["pk"], overdue="true"),
            }
        )
    for rows in listed.values():
        if isinstance(rows, list):
            for row in rows:
                row["severity_label"] = Severity(row["severity"]).label
                row["status_label"] = HazardStatus(row["status"]).label
    return {
        "total": sum(by["status"].values()),
        "overdue": sum(row["overdue"] for row in township_rows),
        # The ledger has no "unresolved" filter: severity and category link to all of
        # their hazards, closed ones too; a status links to exactly its hazards.
        "by_severity": _labelled(
            by["severity"], Severity.choices, lambda code: _ledger(filters, None, severity=code)
        ),
        "by_category": _labelled(
            by["category"], Category.choices, lambda code: _ledger(filters, None, category=code)
        ),
        "by_status": _labelled(
            by["status"], HazardStatus.choices, lambda code: _ledger(filters, None, status=code)
        ),
        "overdue_link": _ledger(filters, None, overdue="true"),
        "major_link": _ledger(filters, None, severity=Severity.MAJOR),
        "closed_link": _ledger(filters, None, status=HazardStatus.CLOSED),
        "closed": sum(row["closed"] for row in closing.values()),
        "avg_days_to_close": _round(queries.average_days(closing)),
        "overdue_list": listed["overdue"],
        "major_list": listed["major"],
        "recurring_list": listed["recurring"],
        "recurring_count": listed["recurring_count"],
        "listed_limit": queries.LISTED,
        "township_rows": township_rows,
        "township_chart": _chart(
            "bar",
            [row["name"] for row in township_rows],
            [
                (_("Overdue"), [row["overdue"] for row in township_rows], "bad"),
                (_("Not yet due"), [row["on_time"] for row in township_rows], "neutral"),
            ],
            stacked=True,
        ),
        "trend_rows": trend_rows,
        "trend_chart": _chart(
            "line",
            [day.isoformat() for day in days],
            [
                (_("Found"), [row["found"] for row in trend_rows], "bad"),
                (_("Closed"), [row["closed"] for row in trend_rows], "good"),
            ],
        ),
    }


def _round(value):
    return None if value is None else round(value, 1)


def duty_section(user, filters, now, duty):
    townships = queries.townships(user, filters)
    names = {t["pk"]: t["name"] for t in townships}
    keys = set(duty["under_way"]) | set(duty["missed_today"]) | set(duty["gaps"])
    # Posts of no township (the county bureau duty room) first, then in code order.
    ordered = ([None] if None in keys else []) + [t["pk"] for t in townships if t["pk"] in keys]
    rows = [
        {
            "pk": pk,
            "name": names.get(pk, _("County bureau")) if pk else _("County bureau"),
            "under_way": duty["under_way"].get(pk, 0),
            "missed_today": duty["missed_today"].get(pk, 0),
            "gaps": duty["gaps"].get(pk, 0),
            "on_duty_link": _link("duty_roster:on_duty", township=pk),
            "posts_link": _link("duty_roster:posts", township=pk),
        }
        for pk in ordered
        if pk is None or pk in names
    ]
    incidents = duty["incident_list"]
    categories, severities = dict(IncidentCategory.choices), dict(IncidentSeverity.choices)
    for incident in incidents:
        incident["category_label"] = categories.get(incident["category"], incident["category"])
        incident["severity_label"] = severities.get(incident["severity"], incident["severity"])
    return {
        "glance": queries.duty_glance(user, filters, now),
        "glance_limit": 30,
        "under_way": sum(duty["under_way"].values()),
        "missed_today": sum(duty["missed_today"].values()),
        "absences": queries.absences_today(user, filters),
        "gaps": sum(duty["gaps"].values()),
        "gap_list": duty["gap_list"],
        "gap_days": queries.GAP_DAYS,
        "incidents": duty["incidents"],
        "incident_list": incidents,
        "rows": rows,
        "on_duty_link": _link("duty_roster:on_duty", township=filters.township_id),
        "posts_link": _link("duty_roster:posts", township=filters.township_id),
        "incidents_link": reverse("duty_roster:incidents"),
    }


def relief_section(user, filters):
    if not (user.is_county_wide or user.is_township_staff):
        return None
    figures = queries.relief_figures(user, filters)
    names = {t["pk"]: t["name"] for t in queries.townships(user, filters)}
    per_township = {
        pk: {
            "name": name,
            "submitted": 0,
            "reviewed": 0,
            "paid": Decimal("0"),
            "paid_people": 0,
            "overdue": 0,
        }
        for pk, name in names.items()
    }
    waiting = {ApplicationStatus.SUBMITTED: 0, ApplicationStatus.REVIEWED: 0}
    for township_id, status, n in figures["waiting"]:
        waiting[status] += n
        if township_id in per_township:
            per_township[township_id][status] += n
    programmes = {}
    for programme_id, name, township_id, total, people in figures["payments"]:
        entry = programmes.setdefault(
            programme_id, {"name": name, "total": Decimal("0"), "people": 0}
        )
        entry["total"] += total
        entry["people"] += people
        if township_id in per_township:
            per_township[township_id]["paid"] += total
            per_township[township_id]["paid_people"] += people
    for township_id, n in figures["overdue_visits"].items():
        if township_id in per_township:
            per_township[township_id]["overdue"] = n
    applications = reverse("relief:applications")
    return {
        "waiting_township": waiting[ApplicationStatus.SUBMITTED],
        "waiting_bureau": waiting[ApplicationStatus.REVIEWED],
        "waiting_township_link": f"{applications}?status={ApplicationStatus.SUBMITTED}",
        "waiting_bureau_link": f"{applications}?status={ApplicationStatus.REVIEWED}",
        "programmes": sorted(programmes.values(), key=lambda p: p["name"]),
        "paid_total": sum((p["total"] for p in programmes.values()), Decimal("0")),
        "overdue_visits": sum(figures["overdue_visits"].values()),
        "overdue_link": f"{reverse('relief:people')}?overdue=on",
        "rows": list(per_township.values()),
        "month": filters.today.replace(day=1),
    }


def daily_section(user, filters):
    """Today's daily reports: filed, late and missing per township, each row linked to
    the township's page of the day."""
    day = filters.today.isoformat()
    rows = []
    for row in queries.daily_report_completion(user, filters):
        rows.append(
            {
                **row,
                "percent": _percent(row["filed"], row["expected"]),
                "link": reverse("daily_reports:township_day", args=[day, row["township_id"]]),
            }
        )
    totals = {
        key: sum(row[key] for row in rows) for key in ("expected", "filed", "late", "missing")
    }
    return {
        "rows": rows,
        "totals": {**totals, "percent": _percent(totals["filed"], totals["expected"])},
        "in_period": bool(rows),
        "link": reverse("daily_reports:day", args=[day]),
    }


def build(request, filters, now):
    user = request.user
    sort, descending = parse_sort(request.GET.get("sort"))
    duty = queries.duty_figures(user, filters, now)
    daily = daily_section(user, filters)
    festival = festival_section(user, filters)
    hazards = hazard_section(user, filters)
    charts = {
        "hazard_trend": hazards["trend_chart"],
        "hazards_by_township": hazards["township_chart"],
    }
    if festival is not None:
        charts["festival_coverage"] = festival["chart"]
    return {
        "filters": filters,
        "festival": festival,
        "hazards": hazards,
        "duty": duty_section(user, filters, now, duty),
        "relief": relief_section(user, filters),
        "daily": daily,
        "league": league_table(user, filters, sort, descending, duty, daily),
        "sort": sort,
        "descending": descending,
        "league_columns": league_columns(request, sort, descending),
        "charts": charts,
    }
