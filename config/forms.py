"""Form rendering shared by every app: Bootstrap classes and one field template."""

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


class StyledFormMixin:
    """Gives widgets Bootstrap's classes; phones get big fields from app.css.

    Radio buttons and checkbox lists get the class on each option (the override
    of Django's multiple_input.html keeps it off the wrapper), and date inputs
    render their value in the only format the browser's date picker reads.
    """

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
