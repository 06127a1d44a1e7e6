"""The filter line of a workbook, in words (exports/describe.py)."""

import datetime

from django import forms

from exports.describe import filter_text


class ListForm(forms.Form):
    status = forms.ChoiceField(
        label="状态", choices=[("", "全部"), ("open", "整改中")], required=False
    )
    needs = forms.MultipleChoiceField(
        label="需求", choices=[("food", "食品"), ("medicine", "药品")], required=False
    )
    since = forms.DateField(label="自", required=False)
    name = forms.CharField(label="名称", required=False)


def test_labels_of_choices_dates_and_lists_in_words():
    form = ListForm({"status": "open", "needs": ["food", "medicine"], "since": "2027-01-28"})
    assert filter_text(form) == "状态：整改中；需求：食品、药品；自：2027-01-28"


def test_a_value_that_does_not_validate_is_left_out_like_the_list_ignores_it():
    form = ListForm({"status": "nonsense", "since": "2027-02-30", "name": "敬老院"})
    assert filter_text(form) == "名称：敬老院"


def test_an_unbound_form_and_skipped_fields_say_nothing():
    assert filter_text(ListForm()) == ""
    assert filter_text(
        ListForm({"name": "x", "since": datetime.date(2027, 1, 1)}), skip=("name",)
    ) == ("自：2027-01-01")
