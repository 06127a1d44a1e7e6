from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from config.forms import StyledFormMixin
from epidemic.models import WeeklyReport

# More than any one care home could count in a week: beyond it is a typo.
MAX_COUNT = 100_000

# (field, the field it cannot exceed, the message beside the first).
NOT_MORE_THAN = (
    ("residents_tested", "residents", _("Residents tested cannot outnumber residents in care.")),
    (
        "residents_positive",
        "residents_tested",
        _("Positive residents cannot outnumber residents tested."),
    ),
    ("staff_positive", "staff_tested", _("Positive staff cannot outnumber staff tested.")),
    (
        "sent_to_hospital",
        "residents",
        _("Residents sent to hospital cannot outnumber residents in care."),
    ),
    (
        "referred_80_plus",
        "sent_to_hospital",
        _("Residents aged 80+ referred are counted among those sent to hospital: enter no more."),
    ),
    ("deaths", "residents", _("Deaths cannot outnumber residents in care.")),
    (
        "residents_vaccinated",
        "residents",
        _("Residents vaccinated cannot outnumber residents in care."),
    ),
)


class WeeklyReportForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = WeeklyReport
        fields = [*WeeklyReport.COUNT_FIELDS[:7], "hospital", *WeeklyReport.COUNT_FIELDS[7:]]
        fields += ["notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, institution, antigen_kits=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.institution = institution
        if self.instance.pk is None and not self.is_bound:
            # A new week starts from what the institution's record says, and the antigen
            # kits from what its supply lines received and gave out that week
            # (preparedness.models.antigen_kits_of_week), which the clerk may correct.
            self.initial.setdefault("residents", institution.residents)
            self.initial.setdefault("hospital", institution.designated_hospital)
            if antigen_kits and antigen_kits["movements"]:
                self.initial.setdefault("antigen_kits_received", antigen_kits["received"])
                self.initial.setdefault("antigen_kits_given", antigen_kits["given"])
        for name in WeeklyReport.COUNT_FIELDS:
            field = self.fields[name]
            field.min_value = 0
            field.max_value = MAX_COUNT
            field.widget.attrs.update({"inputmode": "numeric", "min": 0, "max": MAX_COUNT})
            field.error_messages["invalid"] = _("Enter a whole number, 0 or more.")
            field.error_messages["required"] = _("Enter a number (0 if none).")

    def clean(self):
        cleaned = super().clean()
        for name in WeeklyReport.COUNT_FIELDS:
            value = cleaned.get(name)
            if value is not None and not 0 <= value <= MAX_COUNT:
                self.add_error(name, _("Enter a number from 0 to %(max)d.") % {"max": MAX_COUNT})
                cleaned.pop(name, None)
        for name, bound, message in NOT_MORE_THAN:
            value, limit = cleaned.get(name), cleaned.get(bound)
            if value is not None and limit is not None and value > limit:
                self.add_error(name, message)
        if cleaned.get("sent_to_hospital") and not (cleaned.get("hospital") or "").strip():
            self.add_error("hospital", _("Name the hospital they were sent to."))
        return cleaned

    def values(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def _post_clean(self):
        # The institution and week are the view's, not the form's: skip the model's
        # validation of them (the service checks the week, the database the uniqueness).
        pass


class CloseFollowUpForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=pgettext_lazy("follow-up", "What was done"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Say what was done before closing the follow-up.")},
        help_text=_("Isolation, referrals, the township's visit: what the bureau should know."),
    )
