"""The forms that check each imported row: the apps' own forms, with two lookups made in bulk.

Each row goes through the form the app uses to register that object by hand (field rules,
ID-number and credit-code checks, phones, dates, the model's clean()), with two changes:
- the township is looked up by name or division code in a dict of the user's townships
  fetched once, not by one query per row;
- uniqueness and constraint checks, one query per row each, are left to the pipeline, which
  checks every key of the file against the database in one query (imports.services). The
  rules those constraints carry that need no query are in the forms' and models' clean().
"""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.forms import StyledFormMixin
from duty_roster.forms import LocalDateTimeField, check_roster_day
from duty_roster.models import Holiday
from institutions.forms import InstitutionForm
from institutions.validators import normalize_credit_code
from relief.forms import CategoryForm, PersonForm


class TownshipField(forms.Field):
    """A township in the user's scope, typed by name (羊册镇) or by division code (411726102)."""

    default_error_messages = {
        "unknown": _("No township of yours has this name or division code: %(value)s."),
    }

    def __init__(self, *args, townships=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.townships = townships or {}

    def to_python(self, value):
        text = str(value or "").strip()
        if text in self.empty_values:
            return None
        township = self.townships.get(text)
        if township is None:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": text[:50]}
            )
        return township


def _no_constraint_queries(*args, **kwargs):
    return None


class BulkCheckedMixin:
    """Leave the per-row uniqueness and constraint queries to the pipeline's bulk checks."""

    def _post_clean(self):
        self.instance.validate_constraints = _no_constraint_queries
        super()._post_clean()

    def validate_unique(self):
        return None

    def _get_validation_exclusions(self):
        # The township came from the dict of the user's townships: it exists, and asking
        # the database again (ForeignKey.validate) would be one query per row.
        return super()._get_validation_exclusions() | {"township"}


class InstitutionImportForm(BulkCheckedMixin, InstitutionForm):
    township = TownshipField(label=_("township"))

    def __init__(self, *args, user, townships, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["township"].townships = townships
        # The credit code is what a second import of the same file is recognised by.
        self.fields["credit_code"].required = True

    def clean_credit_code(self):
        return normalize_credit_code(self.cleaned_data["credit_code"])


class PersonImportForm(BulkCheckedMixin, PersonForm):
    township = TownshipField(label=_("township"))

    def __init__(self, *args, user, townships, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["township"].townships = townships


class CategoryImportForm(BulkCheckedMixin, CategoryForm):
    pass


class HolidayImportForm(BulkCheckedMixin, forms.ModelForm):
    """The fields the admin's holiday calendar edits, with the model's own validation."""

    class Meta:
        model = Holiday
        fields = ["date", "kind", "name", "source"]


class LookupField(forms.Field):
    """A value typed by its name, found in a dict made once per import."""

    default_error_messages = {"unknown": _("Not found, or not yours to roster: %(value)s.")}

    def __init__(self, *args, lookup=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookup = lookup or {}

    def find(self, text):
        found = self.lookup.get(text)
        if found is None:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": text[:50]}
            )
        if isinstance(found, Ambiguous):
            raise forms.ValidationError(
                _("More than one person is called %(value)s: write their user name instead."),
                code="ambiguous",
                params={"value": text[:50]},
            )
        return found

    def to_python(self, value):
        text = str(value or "").strip()
        return None if text in self.empty_values else self.find(text)


class Ambiguous:
    """A name that several people share."""


class PeopleLookupField(LookupField):
    def to_python(self, value):
        parts = [part for part in re.split(r"[、,，;；\s]+", str(value or "")) if part]
        return list(dict.fromkeys(self.find(part) for part in parts))


class ShiftImportForm(forms.Form):
    """One shift of a roster: ShiftForm's fields and window, people and post typed by name."""

    post = LookupField(label=_("post"))
    starts_at = LocalDateTimeField(label=_("starts at"))
    ends_at = LocalDateTimeField(label=_("ends at"))
    leader = LookupField(label=_("leader"))
    officers = PeopleLookupField(label=_("officers"))

    def __init__(self, *args, posts, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].lookup = posts
        self.fields["leader"].lookup = people
        self.fields["officers"].lookup = people

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        check_roster_day(timezone.localtime(starts_at).date())
        return starts_at


class UploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class ConfirmForm(forms.Form):
    ALL = "all"
    VALID_ONLY = "valid"
    mode = forms.ChoiceField(
        choices=[(ALL, _("Import everything")), (VALID_ONLY, _("Import the valid rows only"))]
    )
