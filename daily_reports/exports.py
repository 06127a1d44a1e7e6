"""The day's summary (日报汇总) as an export source: totals, then every non-zero item.

Unlike the page, the workbook is not capped at NONZERO_CAP reports: it is what the
bureau files and sends upward. Reports are read in chunks with their township and
institution joined; each report's items come from the model's own nonzero_items().
"""

import datetime

from django.utils.translation import gettext as _

from daily_reports import services
from daily_reports.models import DailyReport
from exports.services import Export
from exports.xlsxstream import Sheet

CHUNK = 1000


def day_of(params):
    """The day the URL named (the view has already checked it)."""
    return datetime.date.fromisoformat(params.get("day", ""))


def daily_summary(user, params):
    day = day_of(params)
    current = DailyReport.objects.visible_to(user).filter(day=day).current()
    nonzero = current.filter(services.nonzero_reports())

    def sheets():
        yield _totals_sheet(services.summary(day, user)["totals"])
        yield _items_sheet(nonzero)

    return Export(
        title=_("Daily report summary"),
        count=nonzero.count,
        filter_text=_("Day: %(day)s") % {"day": f"{day:%Y-%m-%d}"},
        sheets=sheets,
    )


def _totals_sheet(totals):
    rows = [
        [_("Reports (current versions)"), totals["reports"]],
        [_("Nothing to report (零报告)"), totals["zero"]],
        [_("Duty not in place"), totals["duty_not_in_place"]],
        *[[str(label), totals[name]] for name, label in services.count_labels()],
    ]
    return Sheet(
        title=_("Totals"),
        headers=[_("Item"), _("Value")],
        rows=rows,
        widths=[30, 14],
        numbered=False,
        counted=False,
    )


def _items_sheet(reports):
    return Sheet(
        title=_("Non-zero items"),
        headers=[
            _("Township"),
            _("Reporting unit"),
            _("Item"),
            _("Value"),
            _("Note"),
            _("Version"),
        ],
        rows=_item_rows(reports),
        widths=[14, 28, 20, 8, 50, 8],
        landscape=True,
    )


def _item_rows(reports):
    reports = reports.select_related("township", "institution").order_by(
        "township__code", "institution__name", "pk"
    )
    for report in reports.iterator(chunk_size=CHUNK):
        note = "\n".join(text for text in (report.incident_notes, report.for_the_bureau) if text)
        for label, value in report.nonzero_items() or [(_("Note"), "")]:
            yield (report.township.name, report.unit_name, str(label), value, note, report.version)
