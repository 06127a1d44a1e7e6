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


class StyledFormMixin:
    """Gives widgets Bootstrap's classes; phones get big fields from app.css."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = widget_css_class(field.widget)
            existing = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{existing} {css}".strip()


class LoginForm(StyledFormMixin, AuthenticationForm):
    pass


def add_service_errors(form, error):
    """Show a service's ValidationError on the form: beside its field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
