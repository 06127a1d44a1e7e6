import re
import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from config.forms import StyledFormMixin
from institutions.models import Role, Township
from institutions.validators import RAW_IDENTIFIER_MAX_LENGTH
from relief.models import (
    ApplicationStatus,
    Category,
    ChildKind,
    FoundReport,
    FoundStatus,
    MonitoringReason,
    Need,
    PaymentMethod,
    Person,
    PersonCategory,
    Programme,
    ProgrammeKind,
    TransferRequest,
)
from relief.validators import (
    normalize_id_number,
    normalize_period,
    validate_id_number,
    validate_relief_date,
)

DATE = forms.DateInput(attrs={"type": "date"})


class PersonForm(StyledFormMixin, forms.ModelForm):
    # Longer than 18 on purpose: a pasted number with a leading space or a full-width space
    # inside must reach normalisation whole, not be cut by the browser's maxlength.
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=RAW_IDENTIFIER_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )

    class Meta:
        model = Person
        fields = ["name", "id_number", "township", "village", "address", "phone", "monthly_income"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.visible_to(user)
        if user.township_id:
            self.fields["township"].initial = user.township_id

    @sensitive_variables()
    def clean_id_number(self):
        number = normalize_id_number(self.cleaned_data["id_number"])
        validate_id_number(number)
        return number

    def validate_unique(self):
        # Whether the number is taken is answered by services.register_person, which does
        # not tell one township about another's people; the generic "already exists" would.
        exclude = self._get_validation_exclusions() | {"id_number"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)

    def clean_monthly_income(self):
        income = self.cleaned_data["monthly_income"]
        if income < 0:
            raise forms.ValidationError(_("Income cannot be negative."))
        return income


class CategoryForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = PersonCategory
        fields = ["category", "start_date", "end_date", "raised_in_institution"]
        widgets = {"start_date": DATE, "end_date": DATE}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return cleaned


class ApplicationForm(StyledFormMixin, forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.filter(kind=ProgrammeKind.ONE_OFF, is_active=True),
    )
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=10, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    is_emergency = forms.BooleanField(
        label=_("Emergency: help first, review after"), required=False
    )
    single_person_coverage = forms.BooleanField(
        label=_("Single-person coverage (单人保)"),
        required=False,
        help_text=_("Count only this person's income, as a household of one."),
    )
    employment_cost_deduction = forms.BooleanField(
        label=_("Employment cost deduction (就业成本扣减)"),
        required=False,
        help_text=_("Do not count a share of the income earned from work."),
    )
    earned_income = forms.DecimalField(
        label=_("Monthly income from work (yuan)"),
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    # A new token each time the form is shown; sending the same form twice files once.
    # Not required: a page rendered before the token existed still files (just not once-only).
    submission_token = forms.UUIDField(initial=uuid.uuid4, widget=forms.HiddenInput, required=False)


class NoteForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class BatchForm(StyledFormMixin, forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.exclude(kind=ProgrammeKind.ONE_OFF).filter(is_active=True),
    )
    period = forms.CharField(
        label=_("Month"),
        max_length=RAW_IDENTIFIER_MAX_LENGTH,
        widget=forms.TextInput(
            attrs={"placeholder": "2027-01", "type": "month", "min": "2000-01", "max": "2100-12"}
        ),
    )

    def clean_period(self):
        return normalize_period(self.cleaned_data["period"])


class ExcludeForm(StyledFormMixin, forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(label=_("Reason for leaving out"), max_length=200)


class PaidForm(StyledFormMixin, forms.Form):
    method = forms.ChoiceField(label=_("Paid by"), choices=PaymentMethod.choices)


class VisitForm(StyledFormMixin, forms.Form):
    visited_on = forms.DateField(
        label=_("Visited on"), widget=DATE, validators=[validate_relief_date]
    )
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))
    needs = forms.MultipleChoiceField(
        label=_("Needs"), choices=Need.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    follow_up = forms.CharField(
        label=_("Follow-up actions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up_owner = forms.ModelChoiceField(
        label=_("Who follows up"), queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, *args, user, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["follow_up_owner"].queryset = follow_up_owners(user, person)


def follow_up_owners(user, person):
    """Who may be asked to follow a visit up: the relief staff of the person's township and
    the bureau, as far as `user` may see them. Not every account in scope: a county's
    institution staff (thousands at a province's size) do no relief work, and offering
    them made the person page a select of thousands of names. Bounded by the number of
    relief staff, so the select stays a select, and the server refuses anyone else."""
    relief_staff = Q(role=Role.TOWNSHIP_STAFF, township_id=person.township_id) | Q(
        role__in=[Role.BUREAU_OFFICER, Role.ADMIN]
    )
    if user.is_village_worker:
        # A village worker sees no account, but asks their township to follow up.
        return (
            get_user_model()
            .objects.filter(role=Role.TOWNSHIP_STAFF, township_id=user.township_id, is_active=True)
            .order_by("full_name", "username")
        )
    return (
        get_user_model()
        .objects.visible_to(user)
        .filter(relief_staff, is_active=True)
        .order_by("role", "full_name", "username")
    )


class TransferRequestForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = TransferRequest
        fields = ["village", "address", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}


# Digits with an optional check character X: an ID number or a part of one, not a name.
ID_QUERY_RE = re.compile(r"[0-9]{4,17}[0-9X]?")


class PeopleSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or ID number"),
        required=False,
        help_text=_(
            "A name or its start, or a whole ID number (18 characters). ID numbers are stored "
            "encrypted, so a part of one cannot be searched."
        ),
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All categories")), *Category.choices], required=False
    )
    overdue = forms.BooleanField(label=_("Overdue for a visit"), required=False)

    def clean_q(self):
        text = self.cleaned_data["q"].strip()
        as_id = normalize_id_number(text)
        if ID_QUERY_RE.fullmatch(as_id) and len(as_id) != 18:
            raise forms.ValidationError(
                _(
                    "Type the whole ID number, all 18 characters: ID numbers are stored "
                    "encrypted and cannot be found by a part."
                )
            )
        return text


class ApplicationListForm(forms.Form):
    """The applications list's filter, shared by the page and its .xlsx."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *ApplicationStatus.choices], required=False
    )

    def filter(self, applications):
        status = self.cleaned_data.get("status") if self.is_valid() else None
        return applications.filter(status=status) if status else applications


class VisitListForm(StyledFormMixin, forms.Form):
    """The home visits list's filter, shared by the page and its .xlsx. A value that does
    not parse leaves out its own condition only, not the others."""

    FOLLOW_UP_CHOICES = [
        ("", _("Any follow-up")),
        ("open", _("Follow-up still open")),
        ("done", _("Follow-up done")),
    ]

    township = forms.ModelChoiceField(
        label=_("Township"),
        queryset=Township.objects.none(),
        required=False,
        empty_label=_("All townships"),
    )
    visited_from = forms.DateField(label=_("Visited from"), required=False, widget=DATE)
    visited_until = forms.DateField(label=_("Visited until"), required=False, widget=DATE)
    need = forms.ChoiceField(
        label=_("Need"), choices=[("", _("Any need")), *Need.choices], required=False
    )
    follow_up = forms.ChoiceField(label=_("Follow-up"), choices=FOLLOW_UP_CHOICES, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_county_wide:
            self.fields["township"].queryset = Township.objects.visible_to(user)
        else:
            del self.fields["township"]  # a clerk's list is their township's

    def filter(self, visits):
        if not self.is_bound:
            return visits
        self.is_valid()  # cleaned_data keeps the fields that parsed
        data = self.cleaned_data
        if data.get("township"):
            visits = visits.filter(person__township=data["township"])
        if data.get("visited_from"):
            visits = visits.filter(visited_on__gte=data["visited_from"])
        if data.get("visited_until"):
            visits = visits.filter(visited_on__lte=data["visited_until"])
        if data.get("need"):
            visits = visits.filter(needs__contains=[data["need"]])
        if data.get("follow_up") == "open":
            visits = visits.exclude(follow_up="").filter(follow_up_done=False)
        elif data.get("follow_up") == "done":
            visits = visits.filter(follow_up_done=True)
        return visits


class ObjectionForm(StyledFormMixin, forms.Form):
    objector = forms.CharField(
        label=_("Raised by"),
        max_length=100,
        help_text=_("Who raised it, e.g. a villager's name."),
    )
    content = forms.CharField(label=_("Objection"), widget=forms.Textarea(attrs={"rows": 3}))
    raised_on = forms.DateField(
        label=_("Raised on"), widget=DATE, validators=[validate_relief_date]
    )


class ObjectionResolveForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Resolution"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ChildReportForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Recognise as"), choices=ChildKind.choices)
    raised_in_institution = forms.BooleanField(
        label=_("Raised in a welfare institution (机构集中养育)"), required=False
    )
    reporter_name = forms.CharField(
        label=_("Found by"),
        max_length=100,
        help_text=_("Who found the child: a village worker, a neighbour, a teacher..."),
    )
    found_on = forms.DateField(label=_("Found on"), widget=DATE, validators=[validate_relief_date])
    circumstances = forms.CharField(
        label=_("Circumstances"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For a de-facto unsupported child: what became of each parent (severe "
            "disability, serious illness, in custody or missing for six months or more)."
        ),
    )


class PriceTriggerForm(StyledFormMixin, forms.Form):
    period = forms.CharField(
        label=_("Month"), max_length=RAW_IDENTIFIER_MAX_LENGTH, help_text=_("e.g. 2027-01")
    )
    cpi_rise = forms.DecimalField(
        label=_("CPI rise year on year (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=-50,
        max_value=100,
    )
    food_cpi_rise = forms.DecimalField(
        label=_("Food CPI rise year on year (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=-50,
        max_value=100,
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.filter(kind=ProgrammeKind.PERIODIC, is_active=True),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        subsidy = self.fields["programme"].queryset.filter(name__contains="价格").first()
        if subsidy is not None:
            self.fields["programme"].initial = subsidy.pk

    def clean_period(self):
        return normalize_period(self.cleaned_data["period"])


class MonitoringFlagForm(StyledFormMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=MonitoringReason.choices)
    review_on = forms.DateField(
        label=_("Review by"), widget=DATE, validators=[validate_relief_date]
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MonitoringReviewForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Review"), widget=forms.Textarea(attrs={"rows": 2}))
    next_review_on = forms.DateField(
        label=_("Next review (empty: end the monitoring)"),
        widget=DATE,
        required=False,
        validators=[validate_relief_date],
    )


class FoundReportForm(StyledFormMixin, forms.ModelForm):
    """A person found in a village. A village worker reports in their own village: the
    field is not offered, the service puts theirs."""

    needs = forms.MultipleChoiceField(
        label=_("Needs"), choices=Need.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = FoundReport
        fields = ["name", "village", "address", "found_on", "situation", "needs", "is_urgent"]
        widgets = {"found_on": DATE, "situation": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_village_worker:
            del self.fields["village"]

    def clean_found_on(self):
        # Said with the other fields' errors, not after them by the service.
        found_on = self.cleaned_data["found_on"]
        if found_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return found_on


class FoundHandleForm(StyledFormMixin, forms.Form):
    OUTCOMES = [
        (FoundStatus.REGISTERED, FoundStatus.REGISTERED.label),
        (FoundStatus.REFERRED, FoundStatus.REFERRED.label),
        (FoundStatus.NO_NEED, FoundStatus.NO_NEED.label),
    ]

    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOMES, widget=forms.RadioSelect)
    id_number = forms.CharField(
        label=_("ID number of the person registered"),
        max_length=RAW_IDENTIFIER_MAX_LENGTH,
        required=False,
        help_text=_("Only when registered: the whole number, as on the person's page."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
