import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import StyledFormMixin
from inspections.models import AnswerType, Category, PassFail, Severity, YesNo
from inspections.photos import MAX_PHOTOS_AT_ONCE, clean_photo
from inspections.validators import (
    parse_number,
    plain_number,
    strip_control_characters,
    validate_new_deadline,
)
from institutions.models import Role, User

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
