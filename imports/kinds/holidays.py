"""The holiday calendar, recognised by date."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from duty_roster.models import Holiday
from imports.forms import HolidayImportForm
from imports.kinds.base import (
    BATCH_SIZE,
    Checked,
    Column,
    ImportKind,
    RowError,
)


class HolidayImport(ImportKind):
    """The State Council's holiday notice for a year: days off and adjusted working days."""

    slug = "holidays"
    title = gettext_lazy("Holiday calendar")
    description = gettext_lazy(
        "One row per day off or adjusted working day, recognised by its date."
    )
    columns = [
        Column("date", pgettext_lazy("import column", "Date"), "2027-02-06"),
        Column("kind", pgettext_lazy("import column", "Day"), "放假", choices=Holiday.Kind),
        Column("name", pgettext_lazy("import column", "Holiday"), "春节"),
        Column(
            "source", pgettext_lazy("import column", "Source (may be empty)"), "国务院办公厅通知"
        ),
    ]
    ALSO = {
        "放假": Holiday.Kind.HOLIDAY,
        "休息": Holiday.Kind.HOLIDAY,
        "上班": Holiday.Kind.WORKDAY,
    }

    def may_import(self, user):
        return user.is_active and user.is_county_wide

    def form_data(self, values):
        data = super().form_data(values)
        data["kind"] = self.ALSO.get(data["kind"], data["kind"])
        return data

    def check(self, user, rows, progress=None):
        checked = Checked()
        prepared = []
        for done, (number, values) in enumerate(rows, start=1):
            if progress:
                progress(done)
            checked.rows[number] = values
            form = HolidayImportForm(self.form_data(values))
            if form.is_valid():
                prepared.append((number, form.instance))
            else:
                self._add_form_errors(checked, number, form)
        known = set(
            Holiday.objects.filter(date__in={day.date for _n, day in prepared})
            .order_by()
            .values_list("date", flat=True)
        )
        seen = {}
        label = self.label_of("date")
        for number, day in prepared:
            if day.date in seen:
                message = _("Repeats row %(row)d of this file.") % {"row": seen[day.date]}
                checked.errors.append(RowError(number, label, message))
                continue
            seen[day.date] = number
            if day.date in known:
                checked.existing.append(number)
            else:
                checked.valid.append((number, day))
        return checked

    def save(self, user, checked):
        days = [day for _number, day in checked.valid]
        Holiday.objects.bulk_create(days, batch_size=BATCH_SIZE)
        return len(days)
