"""The dashboard's filters: period, township (county roles only) and institution kind."""

import datetime
from dataclasses import dataclass

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.forms import StyledFormMixin
from inspections.models import Campaign, Level, Recurrence
from inspections.validators import validate_plausible_date
from institutions.models import InstitutionKind, Township

DEFAULT_DAYS = 30
# Trend charts have a point a day: a year is the most a page draws.
MAX_PERIOD_DAYS = 366


def festival_campaign(today):
    """The festival sweep under way: an active one-off township inspection campaign
    (排查) that runs today, the most recently started if several do."""
    return (
        Campaign.objects.filter(
            is_active=True,
            level=Level.TOWNSHIP,
            recurrence=Recurrence.ONCE,
            starts_on__lte=today,
            ends_on__gte=today,
        )
        .order_by("-starts_on", "-pk")
        .only("pk", "name", "starts_on", "ends_on", "due_on")
        .first()
    )


def default_period(campaign, today):
    if campaign is not None:
        return campaign.starts_on, campaign.ends_on
    return today - datetime.timedelta(days=DEFAULT_DAYS - 1), today


class DateInput(forms.DateInput):
    input_type = "date"


@dataclass(frozen=True)
class Filters:
    """What the figures are counted over; `township_id` is the township the page is
    narrowed to (chosen by a county role, or a clerk's own), None for the whole county."""

    date_from: datetime.date
    date_to: datetime.date
    township_id: int | None
    kind: str
    campaign: Campaign | None
    today: datetime.date

    def cache_name(self):
        return (
            f"{self.today.isoformat()}:{self.date_from.isoformat()}:{self.date_to.isoformat()}"
            f":t{self.township_id or ''}:k{self.kind}"
            f":c{self.campaign.pk if self.campaign else ''}"
        )

    def period_bounds(self):
        """The period as aware datetimes [start, end) in Asia/Shanghai."""
        start = timezone.make_aware(datetime.datetime.combine(self.date_from, datetime.time.min))
        end = timezone.make_aware(
            datetime.datetime.combine(self.date_to + datetime.timedelta(days=1), datetime.time.min)
        )
        return start, end

    def days(self):
        return [
            self.date_from + datetime.timedelta(days=n)
            for n in range((self.date_to - self.date_from).days + 1)
        ]


class DashboardFilterForm(StyledFormMixin, forms.Form):
    date_from = forms.DateField(
        label=_("Period from"),
        required=False,
        widget=DateInput,
        validators=[validate_plausible_date],
        error_messages={"invalid": _("Enter a date such as 2027-01-20.")},
    )
    date_to = forms.DateField(
        label=_("Period to"),
        required=False,
        widget=DateInput,
        validators=[validate_plausible_date],
        error_messages={"invalid": _("Enter a date such as 2027-01-20.")},
    )
    township = forms.ModelChoiceField(
        label=_("Township"),
        queryset=Township.objects.none(),
        required=False,
        empty_label=_("Whole county"),
        error_messages={"invalid_choice": _("Choose a township from the list.")},
    )
    kind = forms.ChoiceField(
        label=_("Institution kind"),
        choices=[("", _("All kinds")), *InstitutionKind.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose an institution kind from the list.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.is_county_wide:
            self.fields["township"].queryset = Township.objects.visible_to(user).order_by("code")
        else:
            # A clerk's page is their township's; ?township= is not theirs to choose.
            del self.fields["township"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("The end of the period cannot be before its start."))
            elif (end - start).days + 1 > MAX_PERIOD_DAYS:
                self.add_error("date_to", _("A period lasts at most a year."))
        return cleaned

    def filters(self, today=None):
        """The filters to count with: what was asked where it is valid, the defaults
        (the festival sweep's dates, or the last 30 days) elsewhere."""
        today = today or timezone.localdate()
        campaign = festival_campaign(today)
        start, end = default_period(campaign, today)
        data = self.cleaned_data if self.is_bound else {}
        errors = self.errors if self.is_bound else {}
        if not errors.get("date_from") and not errors.get("date_to"):
            asked_from, asked_to = data.get("date_from"), data.get("date_to")
            if asked_from and asked_to:
                start, end = asked_from, asked_to
            elif asked_from:
                start = asked_from
                end = min(start + datetime.timedelta(days=MAX_PERIOD_DAYS - 1), max(end, start))
            elif asked_to:
                end = asked_to
                start = max(end - datetime.timedelta(days=MAX_PERIOD_DAYS - 1), min(start, end))
        if self.user.is_county_wide:
            township = data.get("township") if not errors.get("township") else None
            township_id = township.pk if township else None
        else:
            township_id = self.user.township_id if self.user.is_township_staff else None
        kind = data.get("kind", "") if not errors.get("kind") else ""
        return Filters(
            date_from=start,
            date_to=end,
            township_id=township_id,
            kind=kind or "",
            campaign=campaign,
            today=today,
        )


class InspectionState(models.TextChoices):
    DONE = "done", _("Done")
    DUE = "due", _("Due")
    OVERDUE = "overdue", _("Overdue")


class InspectionListForm(DashboardFilterForm):
    """The inspections behind a coverage figure: one campaign's (the festival sweep's
    table), or those of the campaigns running today that fall due in the period (the
    league table), in a state."""

    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Choose a campaign from the list.")},
    )
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("Any state")), *InspectionState.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose a state from the list.")},
    )

    def chosen(self, name):
        if not self.is_bound or self.errors.get(name):
            return None
        return self.cleaned_data.get(name) or None
