from django import forms
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from config.forms import StyledFormMixin


class PasswordChangeForm(StyledFormMixin, DjangoPasswordChangeForm):
    pass


class UnlockForm(forms.Form):
    """One lockout, named as django-axes keys it: a username at a client address."""

    username = forms.CharField(max_length=255)
    ip_address = forms.GenericIPAddressField()

    def clean_username(self):
        username = self.cleaned_data["username"]
        if "\x00" in username:
            raise forms.ValidationError("NUL", code="invalid")
        return username


class TokenForm(StyledFormMixin, forms.Form):
    """The six digits an authenticator app shows."""

    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
