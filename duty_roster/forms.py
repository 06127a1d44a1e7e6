import datetime
import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from config.forms import StyledFormMixin
from duty_roster import periods, pickers
from duty_roster.models import (
    DutyLogEntry,
    DutyPost,
    FollowUpState,
    IncidentCategory,
    IncidentSeverity,
    LeaveApprover,
    SpotCheckMethod,
    SpotCheckResult,
)
from duty_roster.pickers import (
    PeopleChoiceField,
    PersonChoiceField,
    RotationField,
    chosen_ids,
    first_few,
    offer_at_most,
)
from duty_roster.validators import (
    FIRST_DAY,
    LAST_DAY,
    MAX_CASUALTIES,
    validate_service_years,
)
from institutions.models import Institution, Township

PATTERNS = {
    "24h": [(datetime.time(8, 30), 24)],
    "day_night": [(datetime.time(8, 0), 12), (datetime.time(20, 0), 12)],
    "office": [(datetime.time(8, 30), 9)],
}


class SubmitOnceMixin(forms.Form):
    """A create form carries a fresh one-time token; the service refuses a second row."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)


def _active_people(user):
    return (
        get_user_model()
        .objects.visible_to(user)
        .filter(is_active=True)
        .select_related("township", "institution")
        .order_by("full_name", "username")
    )


def people_for_post(post, user):
    """Who the pickers offer at this post: its township's people and county staff, as
    far as `user` may see them, labelled with their place and role."""
    return _active_people(user).filter(post.staff_q())


def first_people_for_post(post, user, *, leaving_out=()):
    """first_few(people_for_post(post, user).exclude(pk__in=leaving_out)), read a page at
    a time: the first page by name of each of the post's staff_parts (a township's staff,
    each county role, the superusers), every one in order from its index (see
    User.Meta.indexes), then the first of those. Sorting the whole township's staff for a
    page of it grew with the township. Databases that cannot limit the parts of a UNION
    (SQLite) take the plain query."""
    people = people_for_post(post, user).exclude(pk__in=leaving_out)
    if not connection.features.supports_slicing_ordering_in_compound:
        return first_few(people)
    # Each part filtered by its own condition only: ANDed with the whole OR, the planner
    # misjudged a part's size and sorted the township again.
    parts = [
        _active_people(user)
        .filter(part)
        .exclude(pk__in=leaving_out)
        .values("pk")[: pickers.PICKER_LIMIT + 1]
        for part in post.staff_parts()
    ]
    return first_few(people.filter(pk__in=parts[0].union(*parts[1:])))


def offer_few(form, names, *, search, matching=None, first=None):
    """Cut the pickers `names` of `form` (which share one queryset) to what a search
    finds (offer_at_most); form.pickers_cut says whether they were cut, so the page shows
    its search box. `first`: the queryset's first few when the caller has read them."""
    extra = {} if matching is None else {"matching": matching}
    if first is None:
        first = first_few(form.fields[names[0]].queryset)
    cut = False
    for name in names:
        chosen = chosen_ids(form[name].value())
        cut |= offer_at_most(form.fields[name], term=search, chosen=chosen, first=first, **extra)
    form.pickers_cut = cut


class PostPeopleMixin:
    """People pickers filled with the post's people (see people_for_post), listing at
    most a page of them: those the roster page's search finds (`search`)."""

    people_fields = ()

    def __init__(self, *args, user, post, search="", **kwargs):
        super().__init__(*args, **kwargs)
        people = people_for_post(post, user)
        for name in self.people_fields:
            self.fields[name].queryset = people
        offer_few(self, self.people_fields, search=search, first=first_people_for_post(post, user))


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        limits = {"min": f"{FIRST_DAY:%Y-%m-%d}T00:00", "max": f"{LAST_DAY:%Y-%m-%d}T23:59"}
        super().__init__({**limits, **(attrs or {})}, format="%Y-%m-%dT%H:%M")


class LocalDateTimeField(forms.DateTimeField):
    """A phone's date-and-time picker; the year must lie within 2000–2100."""

    widget = DateTimeLocalInput
    default_validators = [validate_service_years]


class LocalDateField(forms.DateField):
    widget = forms.DateInput(
        attrs={"type": "date", "min": f"{FIRST_DAY:%Y-%m-%d}", "max": f"{LAST_DAY:%Y-%m-%d}"},
        format="%Y-%m-%d",
    )
    default_validators = [validate_service_years]


# How far from today people may roster or report: wide enough for real use, narrow
# enough that a slip of the year (2207 for 2027) is caught beside the field.
ROSTER_DAYS_BACK = 31
ROSTER_DAYS_AHEAD = 366


def check_roster_day(day):
    today = timezone.localdate()
    if not (
        today - datetime.timedelta(days=ROSTER_DAYS_BACK)
        <= day
        <= today + datetime.timedelta(days=ROSTER_DAYS_AHEAD)
    ):
        raise forms.ValidationError(
            _("Roster within a month back and a year ahead of today."), code="roster_window"
        )


NOBODY = get_user_model().objects.none()


class ShiftForm(PostPeopleMixin, StyledFormMixin, SubmitOnceMixin):
    people_fields = ("leader", "officers")
    starts_at = LocalDateTimeField(label=_("Starts at"))
    ends_at = LocalDateTimeField(label=_("Ends at"))
    leader = PersonChoiceField(label=_("Leader on duty"), queryset=NOBODY)
    officers = PeopleChoiceField(label=_("Duty officers"), queryset=NOBODY)

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        check_roster_day(timezone.localtime(starts_at).date())
        return starts_at


class GenerateRosterForm(PostPeopleMixin, StyledFormMixin, forms.Form):
    people_fields = ("officers", "leaders")
    first_day = LocalDateField(label=_("First day"))
    days = forms.IntegerField(label=_("Number of days"), min_value=1, max_value=62, initial=14)
    pattern = forms.ChoiceField(
        label=_("Shift pattern"),
        choices=[
            ("24h", _("24 hours from 08:30")),
            ("day_night", _("Day 08:00–20:00 and night 20:00–08:00")),
            ("office", _("Office hours 08:30–17:30")),
        ],
    )
    officers = RotationField(label=_("Duty officers, in rotation order"), queryset=NOBODY)
    leaders = RotationField(label=_("Leaders on duty, in rotation order"), queryset=NOBODY)

    def clean_first_day(self):
        check_roster_day(self.cleaned_data["first_day"])
        return self.cleaned_data["first_day"]

    def clean_pattern(self):
        return PATTERNS[self.cleaned_data["pattern"]]


class LogEntryForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = DutyLogEntry
        fields = ["kind", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class HandoverForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Handover note"), widget=forms.Textarea(attrs={"rows": 3}))


class SwapForm(StyledFormMixin, forms.Form):
    replacement = PersonChoiceField(label=_("Colleague who takes the shift"), queryset=NOBODY)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, shift, search="", **kwargs):
        super().__init__(*args, **kwargs)
        on_shift = [row.person_id for row in shift.attendances.all()]
        self.fields["replacement"].queryset = people_for_post(shift.post, user).exclude(
            pk__in=on_shift
        )
        offer_few(
            self,
            ["replacement"],
            search=search,
            first=first_people_for_post(shift.post, user, leaving_out=on_shift),
        )


class LeaveForm(StyledFormMixin, SubmitOnceMixin):
    destination = forms.CharField(label=_("Where"), max_length=100)
    starts_at = LocalDateTimeField(label=_("From"))
    ends_at = LocalDateTimeField(label=_("Until"))
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))
    contact = forms.CharField(label=_("How to reach you"), max_length=24)
    approver = PersonChoiceField(label=_("Approver"), queryset=NOBODY, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        approvers = LeaveApprover.objects.approvers_for(user).select_related(
            "township", "institution"
        )
        self.fields["approver"].queryset = approvers
        if not approvers.exists():
            self.fields["approver"].help_text = _(
                "Nobody is set up to approve your leave yet: ask the administrator to add "
                "your approver (leave approvers)."
            )

    def clean_contact(self):
        from institutions.validators import normalize_phone, validate_phone

        validate_phone(self.cleaned_data["contact"])
        return normalize_phone(self.cleaned_data["contact"])


CASUALTY_ERRORS = {
    "max_value": _("At most %(limit_value)s people; check the number."),
    "min_value": _("Enter 0 or more people."),
}


class IncidentForm(StyledFormMixin, SubmitOnceMixin):
    occurred_at = LocalDateTimeField(label=_("When it happened"))
    township = forms.ModelChoiceField(label=_("Township"), queryset=Township.objects.none())
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.none(), required=False
    )
    place = forms.CharField(label=_("Where"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=IncidentCategory.choices)
    # Contexts: inspections' identical msgids (隐患等级, 整改情况) would win otherwise.
    severity = forms.ChoiceField(
        label=pgettext_lazy("incident", "Severity"), choices=IncidentSeverity.choices
    )
    deaths = forms.IntegerField(
        label=_("Deaths"),
        min_value=0,
        max_value=MAX_CASUALTIES,
        initial=0,
        error_messages=CASUALTY_ERRORS,
    )
    injuries = forms.IntegerField(
        label=_("Injuries"),
        min_value=0,
        max_value=MAX_CASUALTIES,
        initial=0,
        error_messages=CASUALTY_ERRORS,
    )
    summary = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}))
    actions_taken = forms.CharField(
        label=pgettext_lazy("incident", "What was done"), widget=forms.Textarea(attrs={"rows": 2})
    )
    who_was_told = forms.CharField(label=_("Who was told"), max_length=200)

    def __init__(self, *args, user, search="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.visible_to(user)
        self.fields["institution"].queryset = (
            Institution.objects.visible_to(user).active().order_by("name")
        )
        if user.township_id:
            self.fields["township"].initial = user.township_id
        if user.institution_id:
            self.fields["institution"].initial = user.institution_id
        offer_few(self, ["institution"], search=search, matching=institutions_matching)


def institutions_matching(institutions, term):
    """Institutions whose name or credit code contains the typed text."""
    if not term:
        return institutions.none()
    return institutions.filter(Q(name__contains=term) | Q(credit_code__contains=term.upper()))


class IncidentReportForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 3}))
    final = forms.BooleanField(label=_("This is the final report (终报)"), required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])

    @property
    def approves(self):
        return self.cleaned_data["decision"] == "approve"


class CountyRosterForm(StyledFormMixin, forms.Form):
    """The county 值班表's period, layout and township (the posts page's download).

    Every field may be left empty: no dates is the coming festival or fortnight
    (duty_roster.periods), a first day alone is a fortnight from it.
    """

    BY_TOWNSHIP, ALL = "township", "all"

    start = LocalDateField(label=_("First day"), required=False)
    end = LocalDateField(label=_("Last day"), required=False)
    layout = forms.ChoiceField(
        label=_("Layout"),
        choices=[(BY_TOWNSHIP, _("A sheet per township")), (ALL, _("One sheet for all"))],
        required=False,
    )
    township = forms.ModelChoiceField(
        label=_("Township"),
        queryset=Township.objects.none(),
        required=False,
        empty_label=_("All townships"),
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("auto_id", "roster-%s")  # the posts page has its own id_township
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.visible_to(user).order_by("code")
        if not self.is_bound:
            period = periods.default_period(timezone.localdate())
            self.initial.setdefault("start", period.first)
            self.initial.setdefault("end", period.last)
            self.initial.setdefault("layout", self.BY_TOWNSHIP)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start, end = data.get("start"), data.get("end")
        if start is None and end is None:
            period = periods.default_period(timezone.localdate())
        else:
            start = start or end - datetime.timedelta(days=periods.DEFAULT_DAYS - 1)
            end = end or start + datetime.timedelta(days=periods.DEFAULT_DAYS - 1)
            period = periods.Period(max(start, FIRST_DAY), min(end, LAST_DAY))
        if period.last < period.first:
            self.add_error("end", _("The last day is before the first day."))
        elif period.days > periods.MAX_DAYS:
            self.add_error(
                "end", _("A roster covers at most %(days)d days.") % {"days": periods.MAX_DAYS}
            )
        data["period"] = period
        data["layout"] = data.get("layout") or self.BY_TOWNSHIP
        return data

    def filter_text(self):
        """The choices in words, for the file's filter line."""
        data = self.cleaned_data
        layouts = dict(self.fields["layout"].choices)
        parts = [
            data["period"].in_words(),
            f"{self.fields['layout'].label}：{layouts[data['layout']]}",
        ]
        if data.get("township"):
            parts.append(f"{self.fields['township'].label}：{data['township'].name}")
        return "；".join(parts)


# --- Spot checks (查岗) -----------------------------------------------------------


def posts_matching(posts, term):
    """Posts whose name contains the typed text."""
    if not term:
        return posts.none()
    return posts.filter(name__contains=term)


class SpotCheckForm(StyledFormMixin, SubmitOnceMixin):
    post = forms.ModelChoiceField(label=_("Duty post"), queryset=DutyPost.objects.none())
    checked_at = LocalDateTimeField(label=_("Checked at"))
    method = forms.ChoiceField(
        label=_("How"), choices=SpotCheckMethod.choices, widget=forms.RadioSelect
    )
    answered_by = forms.CharField(
        label=_("Who answered"),
        max_length=50,
        required=False,
        help_text=_("Name and position of the person who answered the phone or met you."),
    )
    leader_present = forms.BooleanField(label=_("The leader on duty was present"), required=False)
    officers_present = forms.BooleanField(label=_("The duty officers were present"), required=False)
    result = forms.ChoiceField(
        label=pgettext_lazy("spot check", "Result"),
        choices=SpotCheckResult.choices,
        widget=forms.RadioSelect,
    )
    findings = forms.CharField(
        label=_("Findings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the post fails: the post answers what was done about it."),
    )

    field_order = [
        "post",
        "checked_at",
        "method",
        "answered_by",
        "leader_present",
        "officers_present",
        "result",
        "findings",
    ]

    def __init__(self, *args, search="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = DutyPost.objects.filter(is_active=True).order_by(
            "kind", "name", "pk"
        )
        offer_few(self, ["post"], search=search, matching=posts_matching)

    def clean(self):
        data = super().clean()
        result = data.get("result")
        if result == SpotCheckResult.PASSED and not (
            data.get("leader_present") and data.get("officers_present")
        ):
            self.add_error(
                "result",
                _("A post passes only when its leader on duty and duty officers are present."),
            )
        if result == SpotCheckResult.FAILED and not data.get("findings", "").strip():
            self.add_error("findings", _("Write what was found: the post has to answer it."))
        return data


class SpotCheckFilterForm(StyledFormMixin, forms.Form):
    township = forms.ModelChoiceField(
        label=_("Township"), queryset=Township.objects.none(), required=False
    )
    result = forms.ChoiceField(
        label=pgettext_lazy("spot check", "Result"),
        choices=[("", _("Any")), *SpotCheckResult.choices],
        required=False,
    )
    follow_up = forms.ChoiceField(
        label=_("Follow-up"), choices=[("", _("Any")), *FollowUpState.choices], required=False
    )
    date_from = LocalDateField(label=_("From"), required=False)
    date_to = LocalDateField(label=_("Until"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.visible_to(user).order_by("code")

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", _("The last day is before the first day."))
        return data

    def filter(self, checks):
        """The checks as filtered (all of them while the form has errors)."""
        if not self.is_valid():
            return checks
        data = self.cleaned_data
        if data.get("township"):
            checks = checks.filter(post__township=data["township"])
        if data.get("result"):
            checks = checks.filter(result=data["result"])
        if data.get("follow_up"):
            checks = checks.in_follow_up(data["follow_up"])
        zone = timezone.get_current_timezone()
        if data.get("date_from"):
            start = datetime.datetime.combine(data["date_from"], datetime.time.min, tzinfo=zone)
            checks = checks.filter(checked_at__gte=start)
        if data.get("date_to"):
            end = datetime.datetime.combine(
                data["date_to"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
            )
            checks = checks.filter(checked_at__lt=end)
        return checks


class SpotCheckAnswerForm(StyledFormMixin, forms.Form):
    response = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write what was done about the finding.")},
    )


class SpotCheckCloseForm(StyledFormMixin, forms.Form):
    closing_note = forms.CharField(
        label=_("Closing note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
