"""Form rendering and input hygiene shared by every app: Bootstrap classes, one field
template, and ids that are checked before they reach the database."""

import re
import unicodedata

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Renders each field with its label, its errors beside it and its help text."""

    field_template_name = "forms/field.html"


def widget_css_class(widget):
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


# What a browser's <input type="date"> and "datetime-local" accept as a value: a date
# rendered in the active locale's format (2026/11/29) shows as an empty field.
HTML_INPUT_FORMATS = {"date": "%Y-%m-%d", "datetime-local": "%Y-%m-%dT%H:%M"}


# An id the database can hold: ASCII digits that fit a bigint. Python's int() also
# takes "²" or full-width digits, and a 30-digit id overflows the driver.
DATABASE_ID_RE = re.compile(r"[0-9]{1,18}\Z")
INTEGER_KEYS = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField"}


def ids_the_database_can_hold(form):
    """The form's data with every impossible id of a model choice replaced by "invalid",
    which the field then refuses with its usual "select a valid choice" message."""
    data = form.data
    for name, field in form.fields.items():
        if not isinstance(field, forms.ModelChoiceField) or field.to_field_name:
            continue
        if field.queryset.model._meta.pk.get_internal_type() not in INTEGER_KEYS:
            continue
        key = form.add_prefix(name)
        if hasattr(data, "getlist"):
            values = data.getlist(key)
        else:
            raw = data.get(key)
            values = list(raw) if isinstance(raw, list | tuple) else [raw]
        checked = [
            value if value in (None, "") or DATABASE_ID_RE.match(str(value)) else "invalid"
            for value in values
        ]
        if checked != values:
            data = data.copy() if data is form.data else data
            if hasattr(data, "setlist"):
                data.setlist(key, checked)
            else:
                data[key] = (
                    checked if isinstance(field, forms.ModelMultipleChoiceField) else checked[0]
                )
    return data


class StyledFormMixin:
    """Gives widgets Bootstrap's classes; phones get big fields from app.css.

    Radio buttons and checkbox lists get the class on each option (the override
    of Django's multiple_input.html keeps it off the wrapper), and date inputs
    render their value in the only format the browser's date picker reads.
    A choice of a record by an id no database could hold is a form error, not a 500.
    """

    def full_clean(self):
        if self.is_bound:
            self.data = ids_the_database_can_hold(self)
        super().full_clean()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = widget_css_class(field.widget)
            existing = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{existing} {css}".strip()
            html_format = HTML_INPUT_FORMATS.get(getattr(field.widget, "input_type", None))
            if html_format and hasattr(field.widget, "format"):
                field.widget.format = html_format


class LoginForm(StyledFormMixin, AuthenticationForm):
    pass


def add_service_errors(form, error):
    """Show a service's ValidationError on the form: beside its field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def search_text(params, name, max_length=100):
    """What was typed into a search box (a GET parameter), safe to put in a query: control
    characters (NUL above all, which PostgreSQL refuses in text) dropped, trimmed, cut short."""
    typed = params.get(name, "")
    typed = "".join(c for c in typed if unicodedata.category(c) != "Cc")
    return typed.strip()[:max_length]
