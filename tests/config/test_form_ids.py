"""A record chosen by an id no database could hold is a form error, never a 500."""

import pytest
from django import forms
from django.http import QueryDict

from config.forms import StyledFormMixin
from institutions.models import Township, User


class PickForm(StyledFormMixin, forms.Form):
    township = forms.ModelChoiceField(queryset=Township.objects.all())
    people = forms.ModelMultipleChoiceField(queryset=User.objects.all(), required=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value", ["99999999999999999999999999", "²", "１２", "-1", "1.5", "abc", "\\x00", "1e3"]
)
def test_an_impossible_id_is_refused_beside_its_field(value, township1):
    data = QueryDict(mutable=True)
    data["township"] = value
    data.setlist("people", [value, "7"])
    form = PickForm(data)
    assert not form.is_valid()
    assert "township" in form.errors
    assert "people" in form.errors


@pytest.mark.django_db
def test_a_real_id_still_chooses_its_record(township1, officer):
    form = PickForm({"township": str(township1.pk), "people": [str(officer.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["township"] == township1
    assert list(form.cleaned_data["people"]) == [officer]
