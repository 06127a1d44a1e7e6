"""Shared form rendering: date pickers show their value, checkbox lists lay out."""

import datetime

from django import forms
from django.utils import translation

from config.forms import StyledFormMixin


class VisitLikeForm(StyledFormMixin, forms.Form):
    first_day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    needs = forms.MultipleChoiceField(
        choices=[("supplies", "生活物资"), ("medicine", "药品")],
        widget=forms.CheckboxSelectMultiple,
    )
    answer = forms.ChoiceField(choices=[("yes", "是"), ("no", "否")], widget=forms.RadioSelect)


def test_a_date_picker_gets_its_initial_value_in_iso_format_under_chinese():
    with translation.override("zh-hans"):
        html = str(VisitLikeForm(initial={"first_day": datetime.date(2026, 11, 29)})["first_day"])
    assert 'value="2026-11-29"' in html


def test_checkbox_lists_style_each_option_not_the_wrapper():
    html = str(VisitLikeForm()["needs"])
    wrapper = html.split(">", 1)[0]
    assert "form-check-input" not in wrapper
    assert html.count('class="form-check"') == 2
    assert html.count('class="form-check-input"') == 2
    assert '<label class="form-check-label" for="id_needs_1">药品</label>' in html


def test_radio_buttons_are_laid_out_the_same_way():
    html = str(VisitLikeForm()["answer"])
    assert html.count('class="form-check"') == 2


def test_widgets_outside_our_forms_keep_their_own_wrapper_class():
    class AdminLike(forms.Form):
        kind = forms.ChoiceField(
            choices=[("a", "A")], widget=forms.RadioSelect(attrs={"class": "radiolist"})
        )

    html = str(AdminLike()["kind"])
    assert html.startswith('<div id="id_kind" class="radiolist">')
    assert "form-check" not in html
