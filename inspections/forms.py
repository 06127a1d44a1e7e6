import datetime
import re
import uuid

from django import forms
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from config.forms import StyledFormMixin
from inspections.models import (
    AnswerType,
    Campaign,
    Category,
    ChecklistTemplate,
    PassFail,
    Recurrence,
    Severity,
    TemplateVersion,
    YesNo,
)
from inspections.photos import MAX_PHOTOS_AT_ONCE, clean_photo
from inspections.validators import (
    parse_number,
    plain_number,
    strip_control_characters,
    validate_new_deadline,
    validate_plausible_date,
)
from institutions.models import Institution, InstitutionKind, Role, Township, User

ANSWER_MAX_LENGTH = 500  # Answer.value
NOTE_MAX_LENGTH = 2000


class PlainTextField(forms.CharField):
    """Text as typed, less the invisible control characters a paste can bring along."""

    def to_python(self, value):
        if isinstance(value, str):
            value = strip_control_characters(value)
        return super().to_python(value)


def note_field(label, *, required=True, rows=2, **kwargs):
    return PlainTextField(
        label=label,
        required=required,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


class DeadlineField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"})
    default_validators = [validate_new_deadline]


class PhotoField(forms.FileField):
    """One photo from the camera, stored re-encoded (see config.uploads)."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"})

    def to_python(self, data):
        upload = super().to_python(data)
        return clean_photo(upload) if upload else upload


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultiplePhotoInput(attrs={"accept": "image/*", "capture": "environment"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        if len(uploads) > MAX_PHOTOS_AT_ONCE:
            raise forms.ValidationError(
                _("Add at most %(count)d photos at a time."),
                code="too_many_photos",
                params={"count": MAX_PHOTOS_AT_ONCE},
            )
        return [
            clean_photo(super(MultiplePhotoField, self).clean(upload, initial))
            for upload in uploads
        ]


class AnswerForm(StyledFormMixin, forms.Form):
    """One checklist item: its answer, a note and a photo; saved on its own."""

    value = PlainTextField(required=False, max_length=ANSWER_MAX_LENGTH)
    note = note_field(_("Note"), required=False)
    photo = PhotoField(label=_("Photo"), required=False)

    def __init__(self, *args, item, **kwargs):
        self.item = item
        kwargs.setdefault("prefix", f"item{item.pk}")
        super().__init__(*args, **kwargs)
        field = self.fields["value"]
        field.label = item.text
        field.help_text = item.guidance
        kind = item.answer_type
        choices = {
            AnswerType.PASS_FAIL: PassFail.choices,
            AnswerType.YES_NO: YesNo.choices,
            AnswerType.CHOICE: item.choice_options(),
        }.get(kind)
        if choices is not None:
            field = self.fields["value"] = forms.ChoiceField(
                label=item.text,
                help_text=item.guidance,
                required=False,
                choices=choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
        elif kind == AnswerType.NUMBER:
            field.widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"})
            if item.unit:
                field.label = f"{item.text}（{item.unit}）"
        elif kind == AnswerType.TEXT:
            field.widget = forms.Textarea(attrs={"rows": 2, "class": "form-control"})
        elif kind == AnswerType.PHOTO:
            del self.fields["value"]

    def clean_value(self):
        value = (self.cleaned_data.get("value") or "").strip()
        if self.item.answer_type != AnswerType.NUMBER or not value:
            return value
        number = parse_number(value)
        if number is None:
            raise forms.ValidationError(_("Enter a number."), code="not_number")
        low, high = self.item.min_value, self.item.max_value
        if (low is not None and number < low) or (high is not None and number > high):
            raise forms.ValidationError(
                _("Enter a number from %(low)s to %(high)s.")
                % {
                    "low": plain_number(low) if low is not None else "—",
                    "high": plain_number(high) if high is not None else "—",
                },
                code="out_of_range",
            )
        return plain_number(number)


class SubmitInspectionForm(StyledFormMixin, forms.Form):
    inspector_name = PlainTextField(label=_("Inspectors"), max_length=100)
    person_present = PlainTextField(label=_("Institution's person present"), max_length=50)


class StartRectificationForm(StyledFormMixin, forms.Form):
    interim_measures = note_field(
        _("Interim measures while rectifying"),
        required=False,
        rows=3,
        help_text=_("Required for a major hazard that cannot be fixed at once."),
    )


class RectificationForm(StyledFormMixin, forms.Form):
    note = note_field(_("What was done"), rows=3)
    photos = MultiplePhotoField(label=_("Photos after the fix"), required=False)


class VerifyForm(StyledFormMixin, forms.Form):
    note = note_field(_("Verification note"), required=False)


class RejectForm(StyledFormMixin, forms.Form):
    reason = note_field(_("Reason for sending it back"))


class ExtensionRequestForm(StyledFormMixin, forms.Form):
    new_deadline = DeadlineField(label=_("New deadline"))
    reason = note_field(_("Reason"))


class DecideExtensionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("refuse", "refuse")])

    @property
    def approves(self):
        return self.cleaned_data["decision"] == "approve"


class TakeOverSupervisionForm(forms.Form):
    """由我督办: nothing to fill in; who posts it is who supervises."""


class AssignSupervisorForm(StyledFormMixin, forms.Form):
    officer = forms.ModelChoiceField(
        label=_("Supervising officer"),
        queryset=User.objects.filter(
            is_active=True, role__in=[Role.BUREAU_OFFICER, Role.ADMIN]
        ).order_by("full_name", "username"),
    )


class RaiseHazardForm(StyledFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    description = note_field(_("Description"), rows=3)
    deadline = DeadlineField(label=_("Deadline"))
    photos = MultiplePhotoField(label=_("Photos"), required=False)
    # One token per rendered form: sending the same form twice (back, then save
    # again) finds the hazard it already recorded. The model's column is unique.
    token = forms.CharField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["token"] = uuid.UUID(cleaned.get("token") or "")
        except ValueError:
            # Give the form a fresh token, so saving it again works.
            self.data = self.data.copy()
            self.data[self.add_prefix("token")] = str(uuid.uuid4())
            raise forms.ValidationError(
                _("This form had expired and has been renewed: check it and save again."),
                code="no_token",
            ) from None
        return cleaned


# --- Campaigns and ad-hoc inspections ----------------------------------------

ID_PATTERN = re.compile(r"[0-9]{1,18}")
# A picker lists every choice when there are at most this many (a county's 22
# townships); beyond, it lists the chosen ones and a search box finds the rest.
PICKER_LIMIT = 60


def templates_with_publication():
    """Checklist templates, each knowing whether it has a published (current) version."""
    published = TemplateVersion.objects.filter(template=OuterRef("pk"), is_published=True)
    return ChecklistTemplate.objects.annotate(is_published=Exists(published)).order_by("name")


class TemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if getattr(obj, "is_published", True):
            return obj.name
        return _("%(name)s (no published version)") % {"name": obj.name}


def check_template_published(template):
    if template is not None and template.current_version() is None:
        raise forms.ValidationError(
            _(
                "This checklist has no published version yet: "
                "publish one in the administration first."
            ),
            code="unpublished",
        )
    return template


class PickerWidget(forms.CheckboxSelectMultiple):
    """Checkboxes of the chosen records, then (over the limit) a search box whose
    htmx suggestions are more checkboxes of the same name (see _pick_options.html)."""

    template_name = "inspections/widgets/picker.html"

    def __init__(self, *args, search_url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.search_url = search_url
        self.searchable = False

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update({"search_url": self.search_url, "searchable": self.searchable})
        return context


class PickerField(forms.ModelMultipleChoiceField):
    def __init__(self, queryset, *, search_url, **kwargs):
        super().__init__(queryset, widget=PickerWidget(search_url=search_url), **kwargs)

    def label_from_instance(self, obj):
        township = getattr(obj, "township", None)
        return f"{obj.name}（{township.name}）" if township else obj.name

    def offer(self, chosen_ids):
        """List every choice when there are few; otherwise only the chosen ones (bounded by
        what the user picked), with the search box for the rest. Validation still checks
        whatever is posted against the whole queryset: the user's scope."""
        chosen = [pk for pk in map(str, chosen_ids) if ID_PATTERN.fullmatch(pk)]
        first = list(self.queryset[: PICKER_LIMIT + 1])
        if len(first) <= PICKER_LIMIT:
            shown = first
        else:
            shown = list(self.queryset.filter(pk__in=chosen[: PICKER_LIMIT * 10])) if chosen else []
            self.widget.searchable = True
        self.widget.choices = [(item.pk, self.label_from_instance(item)) for item in shown]


class CampaignForm(StyledFormMixin, forms.ModelForm):
    template = TemplateChoiceField(label=_("Checklist"), queryset=ChecklistTemplate.objects.none())
    institution_kinds = forms.MultipleChoiceField(
        label=_("Institution kinds"),
        choices=InstitutionKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind."),
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "template",
            "level",
            "institution_kinds",
            "townships",
            "institutions",
            "recurrence",
            "starts_on",
            "due_on",
            "ends_on",
            "is_active",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "due_on": _("For a one-off campaign. A recurring one is due on its weekdays."),
            "starts_on": _("A recurring campaign's first due date is its first due weekday."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["template"].queryset = templates_with_publication()
        options = reverse("inspections:campaign_options")
        self.fields["townships"] = PickerField(
            Township.objects.visible_to(user).order_by("code"),
            search_url=f"{options}?field=townships",
            required=False,
            label=_("Townships"),
            help_text=_("None ticked: the whole county."),
        )
        self.fields["institutions"] = PickerField(
            Institution.objects.visible_to(user)
            .active()
            .select_related("township")
            .order_by("name", "pk"),
            search_url=f"{options}?field=institutions",
            required=False,
            label=_("Hand-picked institutions"),
            help_text=_("If any are picked, only these are inspected (kinds and townships aside)."),
        )
        for name in ("townships", "institutions"):
            field = self.fields[name]
            field.widget.attrs["class"] = "form-check-input"
            field.offer(self._chosen(name))

    def _chosen(self, name):
        if self.is_bound:
            return self.data.getlist(self.add_prefix(name)) if hasattr(self.data, "getlist") else []
        if self.instance.pk:
            return list(getattr(self.instance, name).values_list("pk", flat=True))
        return [getattr(v, "pk", v) for v in self.initial.get(name) or []]

    def clean_template(self):
        return check_template_published(self.cleaned_data.get("template"))

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The campaign cannot end before it starts."))
        if cleaned.get("recurrence") not in (None, "", Recurrence.ONCE):
            # A recurring campaign is due on its weekdays; a due date would only mislead.
            cleaned["due_on"] = None
        if self.data.get("launch") is not None and not cleaned.get("is_active"):
            self.add_error("is_active", _("Only an active campaign can be launched."))
        return cleaned


class AdHocInspectionForm(StyledFormMixin, forms.Form):
    """Pick an institution (by typing part of its name, as the ledger's filter) and a
    checklist; the inspection is due today and belongs to no campaign."""

    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose the institution from the list that appears as you type."),
            "invalid_choice": _("Choose the institution from the list that appears as you type."),
        },
    )
    institution_name = PlainTextField(
        label=_("Institution"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    template = TemplateChoiceField(label=_("Checklist"), queryset=ChecklistTemplate.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.visible_to(user).active()
        self.fields["template"].queryset = templates_with_publication().filter(is_published=True)
        self.fields["institution_name"].widget.attrs.update(
            {
                "placeholder": _("Type part of a name"),
                "hx-get": reverse("inspections:institution_options"),
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": "#institution-options",
                "hx-sync": "this:replace",
                # Typing another name forgets the institution picked before.
                "data-clears": "institution",
            }
        )

    def clean_template(self):
        return check_template_published(self.cleaned_data.get("template"))


# --- The three levels compared ------------------------------------------------

MAX_PERIOD_DAYS = 366


class LevelsPeriodForm(StyledFormMixin, forms.Form):
    """The period of the three levels compared (inspections.levels): both dates or one,
    the default period filling in the other; a bad period is refused beside its field
    and the default is shown instead."""

    date_from = forms.DateField(
        label=_("Period from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_plausible_date],
        error_messages={"invalid": _("Enter a date such as 2027-01-20.")},
    )
    date_to = forms.DateField(
        label=_("Period to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_plausible_date],
        error_messages={"invalid": _("Enter a date such as 2027-01-20.")},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("The end of the period cannot be before its start."))
            elif (end - start).days + 1 > MAX_PERIOD_DAYS:
                self.add_error("date_to", _("A period lasts at most a year."))
        return cleaned

    def period(self, default):
        """(date_from, date_to): what was asked where valid, else `default`'s."""
        start, end = default
        if not self.is_bound or not self.is_valid():
            return start, end
        asked_from, asked_to = self.cleaned_data["date_from"], self.cleaned_data["date_to"]
        if asked_from and asked_to:
            return asked_from, asked_to
        longest = datetime.timedelta(days=MAX_PERIOD_DAYS - 1)
        if asked_from:
            return asked_from, min(max(end, asked_from), asked_from + longest)
        if asked_to:
            return max(min(start, asked_to), asked_to - longest), asked_to
        return start, end


class NotCredibleFilterForm(LevelsPeriodForm):
    """The institutions with self-inspection items found not credible: a county role
    may narrow to a township (a clerk's is their own) and a kind."""

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
        if user.is_county_wide:
            self.fields["township"].queryset = Township.objects.visible_to(user).order_by("code")
        else:
            del self.fields["township"]

    def chosen(self, name):
        if not self.is_bound or name not in self.fields or self.errors.get(name):
            return None
        return self.cleaned_data.get(name) or None
