from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import StyledFormMixin
from daily_reports.models import MAX_PERIOD_DAYS, DailyReport, ReportingPeriod
from institutions.models import InstitutionKind

# Counts a single township or institution could report in a day; beyond it is a typo.
MAX_COUNT = 100_000


class ReportingPeriodForm(StyledFormMixin, forms.ModelForm):
    institution_kinds = forms.MultipleChoiceField(
        label=_("Institution kinds that report"),
        choices=InstitutionKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Every township centre reports; of the institutions, these kinds."),
    )

    class Meta:
        model = ReportingPeriod
        fields = ["name", "start_date", "end_date", "cutoff", "institution_kinds"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "cutoff": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        for name in ("start_date", "end_date"):
            value = cleaned.get(name)
            if value and not 2000 <= value.year <= 2100:
                self.add_error(name, _("Enter a date between 2000 and 2100."))
        if start and end and (end - start).days >= MAX_PERIOD_DAYS:
            self.add_error(
                "end_date", _("A period lasts at most %(days)d days.") % {"days": MAX_PERIOD_DAYS}
            )
        return cleaned


class DailyReportForm(StyledFormMixin, forms.ModelForm):
    duty_in_place = forms.TypedChoiceField(
        label=_("Duty in place"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )

    class Meta:
        model = DailyReport
        fields = [
            "safety_situation",
            "hazards_found",
            "hazards_fixed",
            "fever_cases",
            "positive_tests",
            "sent_to_hospital",
            "incidents",
            "incident_notes",
            "duty_in_place",
            "for_the_bureau",
            "correction_reason",
        ]
        widgets = {
            "safety_situation": forms.Textarea(attrs={"rows": 2}),
            "incident_notes": forms.Textarea(attrs={"rows": 2}),
            "for_the_bureau": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["duty_in_place"] = "yes" if self.instance.duty_in_place else "no"
        for name in DailyReport.COUNT_FIELDS:
            field = self.fields[name]
            field.min_value = 0
            field.max_value = MAX_COUNT
            field.widget.attrs.update({"inputmode": "numeric", "min": 0, "max": MAX_COUNT})
            field.error_messages["invalid"] = _("Enter a whole number, 0 or more.")
        if correcting:
            self.fields["correction_reason"].required = True
            self.fields["correction_reason"].error_messages["required"] = _(
                "Say why the report filed earlier is being corrected."
            )
        else:
            del self.fields["correction_reason"]

    def clean(self):
        cleaned = super().clean()
        for name in DailyReport.COUNT_FIELDS:
            value = cleaned.get(name)
            if value is not None and value > MAX_COUNT:
                self.add_error(name, _("At most %(max)d.") % {"max": MAX_COUNT})
        if cleaned.get("incidents") and not (cleaned.get("incident_notes") or "").strip():
            self.add_error("incident_notes", _("Say briefly what happened."))
        return cleaned

    def values(self):
        return {
            name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data
        }
