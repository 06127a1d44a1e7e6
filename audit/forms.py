"""The audit log page's filters. Each field that does not validate is left out of the
filter rather than failing the page: garbage in the query string shows the whole log."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.events import Event, Outcome
from config.forms import StyledFormMixin

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)


class DateInput(forms.DateInput):
    input_type = "date"


def _plausible(value):
    if not EARLIEST <= value <= LATEST:
        raise forms.ValidationError(_("Enter a date between 2000 and 2100."))


class AuditFilterForm(StyledFormMixin, forms.Form):
    event = forms.ChoiceField(
        label=_("Event"), choices=[("", _("All events")), *Event.choices], required=False
    )
    user = forms.CharField(label=_("User name"), max_length=150, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=DateInput, validators=[_plausible]
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=DateInput, validators=[_plausible]
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("All outcomes")), *Outcome.choices], required=False
    )

    def applied(self):
        """The filters that validated, by name (empty ones left out)."""
        if self.is_bound:
            self.is_valid()
            data = getattr(self, "cleaned_data", {})
        else:
            data = {}
        return {name: value for name, value in data.items() if value not in ("", None)}

    def filter(self, events):
        applied = self.applied()
        if "event" in applied:
            events = events.filter(event=applied["event"])
        if "outcome" in applied:
            events = events.filter(outcome=applied["outcome"])
        if "user" in applied:
            events = events.filter(username=applied["user"].strip())
        if "date_from" in applied:
            events = events.filter(time__gte=_start_of(applied["date_from"]))
        if "date_to" in applied:
            events = events.filter(time__lt=_start_of(applied["date_to"] + datetime.timedelta(1)))
        return events


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
