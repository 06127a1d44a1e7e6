import datetime
import uuid

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.forms import StyledFormMixin
from inspections.models import Category, Severity
from inspections.validators import validate_new_deadline
from preparedness.documents import clean_document
from preparedness.models import (
    Drill,
    MovementKind,
    Plan,
    PlanKind,
    Responsibility,
    Supply,
    SupplyMovement,
)

DOCUMENT_ACCEPT = "application/pdf,image/*"
MAX_EVACUATION_MINUTES = 180
# More than any institution keeps of one item: beyond it is a typo.
MAX_MOVEMENT = 1_000_000
# Plans and letters are dated from the first year the system could hold them.
EARLIEST_DATE = datetime.date(2000, 1, 1)


class DocumentField(forms.FileField):
    """A PDF or a photo of the signed pages, checked and re-named (preparedness.documents)."""

    widget = forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT})

    def to_python(self, data):
        upload = super().to_python(data)
        return clean_document(upload) if upload else upload


def _not_in_future(value, message):
    if value and value > timezone.localdate():
        raise forms.ValidationError(message, code="future")
    if value and value < EARLIEST_DATE:
        raise forms.ValidationError(_("Enter a date from 2000 on."), code="too_early")
    return value


DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


class PlanForm(StyledFormMixin, forms.ModelForm):
    """A new version of one kind of plan; what the kind needs is required for it."""

    document = DocumentField(label=_("Document (PDF or photo)"), required=False)
    # The version this form supersedes (0: the first), checked when it is saved.
    supersedes = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=10**6)

    class Meta:
        model = Plan
        fields = [
            "title",
            "owner",
            "owner_phone",
            "approved_on",
            "review_on",
            "residents_unable_to_walk",
            "evacuation_assignments",
            "designated_hospital",
            "emergency_channel",
            "cooperation_agreement",
            "notes",
            "document",
        ]
        widgets = {
            "approved_on": DATE_WIDGET,
            "review_on": DATE_WIDGET,
            "evacuation_assignments": forms.Textarea(attrs={"rows": 4}),
            "emergency_channel": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    FIRE_FIELDS = ("residents_unable_to_walk", "evacuation_assignments")
    ONE_POLICY_FIELDS = ("designated_hospital", "emergency_channel", "cooperation_agreement")

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind != PlanKind.FIRE:
            for name in self.FIRE_FIELDS:
                del self.fields[name]
        if kind != PlanKind.ONE_POLICY:
            for name in self.ONE_POLICY_FIELDS:
                del self.fields[name]

    def clean_approved_on(self):
        return _not_in_future(
            self.cleaned_data.get("approved_on"), _("The approval date cannot be in the future.")
        )

    def clean(self):
        cleaned = super().clean()
        approved, review = cleaned.get("approved_on"), cleaned.get("review_on")
        if approved and review and review <= approved:
            self.add_error("review_on", _("The review date must come after the approval date."))
        if self.kind == PlanKind.FIRE:
            unable = cleaned.get("residents_unable_to_walk")
            if unable is None:
                self.add_error(
                    "residents_unable_to_walk",
                    _("Enter how many residents cannot walk out by themselves (0 if none)."),
                )
            elif unable > 0 and not cleaned.get("evacuation_assignments", "").strip():
                self.add_error(
                    "evacuation_assignments", _("Say who moves each resident who cannot walk.")
                )
        if self.kind == PlanKind.ONE_POLICY:
            if not cleaned.get("designated_hospital", "").strip():
                self.add_error("designated_hospital", _("Name the designated hospital."))
            if not cleaned.get("emergency_channel", "").strip():
                self.add_error("emergency_channel", _("Describe the emergency channel."))
        return cleaned

    def plan_fields(self):
        fields = {name: self.cleaned_data.get(name) for name in self.fields}
        fields.pop("supersedes")
        fields["document"] = fields.get("document") or ""
        if fields.get("residents_unable_to_walk") is None:
            fields.pop("residents_unable_to_walk", None)
        return fields


class SupplyForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Supply
        fields = [
            "kind",
            "description",
            "quantity",
            "unit",
            "minimum_quantity",
            "location",
            "last_inspected_on",
            "expires_on",
            "is_active",
        ]
        widgets = {"last_inspected_on": DATE_WIDGET, "expires_on": DATE_WIDGET}


class SupplyMovementForm(StyledFormMixin, forms.ModelForm):
    """Items received into a supply line or given out of it; the stock is checked by
    services.record_movement, under the line's lock."""

    # One token per rendered form: sent twice, it finds the movement it recorded.
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    class Meta:
        model = SupplyMovement
        fields = ["moved_on", "kind", "quantity", "note"]
        widgets = {"moved_on": DATE_WIDGET, "kind": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moved_on"].initial = timezone.localdate
        self.fields["kind"].choices = MovementKind.choices  # no blank radio button
        self.fields["kind"].initial = MovementKind.RECEIVED
        quantity = self.fields["quantity"]
        quantity.min_value = 1
        quantity.max_value = MAX_MOVEMENT
        quantity.widget.attrs.update({"inputmode": "numeric", "min": 1, "max": MAX_MOVEMENT})
        quantity.validators = [
            *quantity.validators,
            MinValueValidator(1, message=_("Enter a quantity of 1 or more.")),
            MaxValueValidator(MAX_MOVEMENT),
        ]

    def clean_moved_on(self):
        return _not_in_future(
            self.cleaned_data.get("moved_on"),
            _("A movement cannot be recorded before it happens."),
        )

    def movement_fields(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DrillForm(StyledFormMixin, forms.ModelForm):
    evacuation_minutes = forms.IntegerField(
        label=_("Evacuation time: minutes"),
        required=False,
        min_value=0,
        max_value=MAX_EVACUATION_MINUTES,
    )
    evacuation_extra_seconds = forms.IntegerField(
        label=_("and seconds"), required=False, min_value=0, max_value=59
    )
    raise_hazard = forms.BooleanField(
        label=_("Raise a hazard from the problems found"), required=False
    )
    hazard_category = forms.ChoiceField(
        label=_("Hazard category"),
        choices=Category.choices,
        initial=Category.TRAINING,
        required=False,
    )
    hazard_severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.GENERAL, required=False
    )
    hazard_deadline = forms.DateField(label=_("Rectify by"), required=False, widget=DATE_WIDGET)
    # One token per rendered form: sent twice, it finds the drill (and hazard) it recorded.
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    HAZARD_FIELDS = ("raise_hazard", "hazard_category", "hazard_severity", "hazard_deadline")

    class Meta:
        model = Drill
        fields = ["held_on", "kind", "scenario", "staff_count", "residents_count", "problems"]
        widgets = {
            "held_on": DATE_WIDGET,
            "scenario": forms.Textarea(attrs={"rows": 3}),
            "problems": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, may_raise, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_raise = may_raise
        if not may_raise:
            for name in self.HAZARD_FIELDS:
                del self.fields[name]
        order = [
            "held_on",
            "kind",
            "scenario",
            "staff_count",
            "residents_count",
            "evacuation_minutes",
            "evacuation_extra_seconds",
            "problems",
            *[name for name in self.HAZARD_FIELDS if name in self.fields],
            "token",
        ]
        self.order_fields(order)

    def clean_held_on(self):
        return _not_in_future(
            self.cleaned_data.get("held_on"), _("A drill cannot be recorded before it is held.")
        )

    def clean(self):
        cleaned = super().clean()
        minutes = cleaned.get("evacuation_minutes")
        seconds = cleaned.get("evacuation_extra_seconds")
        if minutes is None and seconds is None:
            cleaned["evacuation_seconds"] = None
        else:
            cleaned["evacuation_seconds"] = (minutes or 0) * 60 + (seconds or 0)
        if cleaned.get("raise_hazard"):
            if not cleaned.get("problems", "").strip():
                self.add_error(
                    "problems", _("Describe the problems found to raise a hazard from them.")
                )
            for name in ("hazard_category", "hazard_severity"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, forms.Field.default_error_messages["required"])
            deadline = cleaned.get("hazard_deadline")
            if deadline is None:
                self.add_error("hazard_deadline", _("Set the date by which it must be rectified."))
            else:
                try:
                    validate_new_deadline(deadline)
                except forms.ValidationError as error:
                    self.add_error("hazard_deadline", error)
        return cleaned

    def drill_fields(self):
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["evacuation_seconds"] = self.cleaned_data["evacuation_seconds"]
        return fields

    def hazard(self):
        """What to raise a hazard with, or None."""
        if not self.cleaned_data.get("raise_hazard"):
            return None
        return {
            "category": self.cleaned_data["hazard_category"],
            "severity": self.cleaned_data["hazard_severity"],
            "deadline": self.cleaned_data["hazard_deadline"],
        }


class ResponsibilityForm(StyledFormMixin, forms.ModelForm):
    letter = DocumentField(label=_("Signed responsibility letter (PDF or photo)"), required=False)

    class Meta:
        model = Responsibility
        fields = [
            "institution_head",
            "institution_head_phone",
            "township_official",
            "township_official_phone",
            "bureau_contact",
            "bureau_contact_phone",
            "signed_on",
            "letter",
        ]
        widgets = {"signed_on": DATE_WIDGET}

    def clean_signed_on(self):
        return _not_in_future(
            self.cleaned_data.get("signed_on"), _("The signing date cannot be in the future.")
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("signed_on") and not (cleaned.get("letter") or self.instance.letter):
            self.add_error("letter", _("Upload the signed letter with its signing date."))
        return cleaned
