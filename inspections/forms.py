from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from config.forms import StyledFormMixin
from inspections.models import AnswerType, Category, Severity

MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


def validate_photo(upload):
    """Images only, judged by their content rather than their name, and not too large."""
    if upload.size > MAX_PHOTO_BYTES:
        raise forms.ValidationError(
            _("The photo is larger than %(mb)d MB; take it at a lower resolution.")
            % {"mb": MAX_PHOTO_BYTES // (1024 * 1024)},
            code="photo_too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise forms.ValidationError(
            _("This file is not a photo. Upload a JPEG or PNG picture."), code="not_image"
        ) from error
    finally:
        upload.seek(0)
    if image_format not in PHOTO_FORMATS:
        raise forms.ValidationError(
            _("This file is not a photo. Upload a JPEG or PNG picture."), code="not_image"
        )
    return upload


class PhotoField(forms.ImageField):
    widget = forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"})
    default_validators = []

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        return validate_photo(upload) if upload else upload


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
        return [
            validate_photo(super(MultiplePhotoField, self).clean(upload, initial))
            for upload in uploads
        ]


PASS_FAIL_CHOICES = [("pass", _("Pass")), ("fail", _("Fail")), ("na", _("Not applicable"))]
YES_NO_CHOICES = [("yes", _("Yes")), ("no", _("No"))]


class AnswerForm(StyledFormMixin, forms.Form):
    """One checklist item: its answer, a note and a photo; saved on its own."""

    value = forms.CharField(required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photo = PhotoField(label=_("Photo"), required=False)

    def __init__(self, *args, item, **kwargs):
        self.item = item
        kwargs.setdefault("prefix", f"item{item.pk}")
        super().__init__(*args, **kwargs)
        field = self.fields["value"]
        field.label = item.text
        field.help_text = item.guidance
        kind = item.answer_type
        if kind == AnswerType.PASS_FAIL:
            self.fields["value"] = forms.ChoiceField(
                label=item.text,
                help_text=item.guidance,
                required=False,
                choices=PASS_FAIL_CHOICES,
                widget=forms.RadioSelect,
            )
        elif kind == AnswerType.YES_NO:
            self.fields["value"] = forms.ChoiceField(
                label=item.text,
                help_text=item.guidance,
                required=False,
                choices=YES_NO_CHOICES,
                widget=forms.RadioSelect,
            )
        elif kind == AnswerType.CHOICE:
            self.fields["value"] = forms.ChoiceField(
                label=item.text,
                help_text=item.guidance,
                required=False,
                choices=[(c, c) for c in item.choices],
                widget=forms.RadioSelect,
            )
        elif kind == AnswerType.NUMBER:
            field.widget = forms.TextInput(attrs={"inputmode": "decimal"})
            if item.unit:
                field.label = f"{item.text}（{item.unit}）"
        elif kind == AnswerType.TEXT:
            field.widget = forms.Textarea(attrs={"rows": 2})
        elif kind == AnswerType.PHOTO:
            del self.fields["value"]
        for name in ("value",):
            if name in self.fields:
                css = (
                    "form-check-input"
                    if kind in (AnswerType.PASS_FAIL, AnswerType.YES_NO, AnswerType.CHOICE)
                    else "form-control"
                )
                self.fields[name].widget.attrs["class"] = css

    def clean_value(self):
        value = (self.cleaned_data.get("value") or "").strip()
        if self.item.answer_type != AnswerType.NUMBER or not value:
            return value
        try:
            number = Decimal(value)
        except InvalidOperation as error:
            raise forms.ValidationError(_("Enter a number."), code="not_number") from error
        low, high = self.item.min_value, self.item.max_value
        if (low is not None and number < low) or (high is not None and number > high):
            raise forms.ValidationError(
                _("Enter a number from %(low)s to %(high)s.")
                % {
                    "low": _plain(low) if low is not None else "—",
                    "high": _plain(high) if high is not None else "—",
                },
                code="out_of_range",
            )
        return _plain(number)


def _plain(number):
    number = Decimal(number)
    return (
        format(number.normalize(), "f") if number == number.to_integral() else format(number, "f")
    )


class SubmitInspectionForm(StyledFormMixin, forms.Form):
    inspector_name = forms.CharField(label=_("Inspectors"), max_length=100)
    person_present = forms.CharField(label=_("Institution's person present"), max_length=50)


class StartRectificationForm(StyledFormMixin, forms.Form):
    interim_measures = forms.CharField(
        label=_("Interim measures while rectifying"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a major hazard that cannot be fixed at once."),
    )


class RectificationForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultiplePhotoField(label=_("Photos after the fix"), required=False)


class VerifyForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Verification note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for sending it back"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtensionRequestForm(StyledFormMixin, forms.Form):
    new_deadline = forms.DateField(
        label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class RaiseHazardForm(StyledFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    photos = MultiplePhotoField(label=_("Photos"), required=False)

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return deadline
