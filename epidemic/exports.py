"""The county's epidemic week as an export source for the exports app: a sheet by township
(what the page's table shows) and a sheet of every home's report of the week."""

import datetime

from django.utils.translation import gettext as _

from epidemic import services
from epidemic.models import WeeklyReport, coverage_percent, week_label
from exports.services import Export
from exports.xlsxstream import Sheet

CHUNK = 1000


def week_of_params(params):
    """The week's Monday the URL named (the view has already checked it)."""
    return datetime.date.fromisoformat(params.get("week", ""))


def _labels():
    return [str(WeeklyReport._meta.get_field(name).verbose_name) for name in services.SUMMED]


def county_week(user, params):
    week = week_of_params(params)
    reports = WeeklyReport.objects.visible_to(user).filter(week=week)

    def sheets():
        yield _township_sheet(*services.county_week(user, week))
        yield _reports_sheet(reports)

    return Export(
        title=_("Epidemic care in care homes, week %(week)s") % {"week": week_label(week)},
        count=reports.count,
        filter_text=_("Week: %(week)s (%(monday)s to %(sunday)s)")
        % {
            "week": week_label(week),
            "monday": f"{week:%Y-%m-%d}",
            "sunday": f"{week + datetime.timedelta(days=6):%Y-%m-%d}",
        },
        sheets=sheets,
    )


def _coverage(value):
    return "" if value is None else value


def _township_sheet(rows, total):
    def line(name, row):
        return [
            name,
            row["expected"],
            row["filed"],
            row["missing"],
            *[row[field] for field in services.SUMMED],
            _coverage(row["coverage"]),
        ]

    return Sheet(
        title=_("By township"),
        headers=[
            _("Township"),
            _("Homes expected"),
            _("Filed"),
            _("Missing"),
            *_labels(),
            _("Coverage (%)"),
        ],
        rows=[line(row["name"], row) for row in rows],
        # The label under 序号, the township's cell empty: each figure under its header.
        footer=lambda: [[_("Total"), *line("", total)]],
        widths=[14, 10, 8, 8, *[12] * len(services.SUMMED), 10],
        landscape=True,
        counted=False,
    )


def _reports_sheet(reports):
    return Sheet(
        title=_("Reports"),
        headers=[
            _("Township"),
            _("Institution"),
            *_labels(),
            _("Coverage (%)"),
            _("Hospital"),
            _("Notes"),
        ],
        rows=_report_rows(reports),
        widths=[14, 28, *[12] * len(services.SUMMED), 10, 20, 40],
        landscape=True,
    )


def _report_rows(reports):
    rows = reports.order_by("township__code", "institution__name", "pk").values_list(
        "township__name", "institution__name", *services.SUMMED, "hospital", "notes"
    )
    residents_at = 2 + services.SUMMED.index("residents")
    vaccinated_at = 2 + services.SUMMED.index("residents_vaccinated")
    for row in rows.iterator(chunk_size=CHUNK):
        coverage = coverage_percent(row[vaccinated_at], row[residents_at])
        yield (*row[:-2], _coverage(coverage), *row[-2:])
