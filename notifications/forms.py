from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import StyledFormMixin
from notifications.models import PERSONAL_CHANNELS, Channel, Preference, Rule


class PreferencesForm(StyledFormMixin, forms.Form):
    """One row per rule: which channels besides the inbox (always on) a person wants."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        chosen = dict(Preference.objects.filter(user=user).values_list("rule", "channels"))
        self.rules = list(Rule.objects.filter(is_enabled=True).order_by("code"))
        choices = [(c.value, c.label) for c in PERSONAL_CHANNELS]
        for rule in self.rules:
            self.fields[rule.code] = forms.MultipleChoiceField(
                label=rule.name,
                help_text=_("Urgent: sent at once.") if rule.is_urgent else rule.description,
                choices=choices,
                required=False,
                initial=chosen.get(rule.code, []),
                widget=forms.CheckboxSelectMultiple,
            )
        self.no_email = not user.email
        self.no_mobile = not (user.phone or "").startswith("1")

    def clean(self):
        cleaned = super().clean()
        for code, channels in list(cleaned.items()):
            if Channel.EMAIL in channels and self.no_email:
                self.add_error(
                    code, _("Your account has no e-mail address; ask an admin to add it.")
                )
            if Channel.SMS in channels and self.no_mobile:
                self.add_error(
                    code, _("Your account has no mobile number; ask an admin to add it.")
                )
        return cleaned

    def save(self):
        for rule in self.rules:
            Preference.objects.update_or_create(
                user=self.user,
                rule=rule.code,
                defaults={"channels": self.cleaned_data.get(rule.code, [])},
            )
