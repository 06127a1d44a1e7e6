"""Password rules beyond Django's own (length, not like the username, not common, not all
digits): three of the four kinds of character, and none of the last few passwords.

Every password change, however it is made (the user's own page, the admin, `changepassword`,
`set_password()` and `save()` in code), ends in Django calling `password_changed()` on each
validator: PasswordHistoryValidator uses it to record the change (accounts.services).
"""

import re

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext, ngettext_lazy

# Django 5.2's MinimumLengthValidator asks for this message, which its own zh_Hans catalogue
# lacks (it has an older "%(min_length)d" wording): here so that makemessages keeps it in
# this app's catalogue and the refusal reads in Chinese.
DJANGO_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)

CHARACTER_CLASSES = [
    re.compile(r"[A-Z]"),
    re.compile(r"[a-z]"),
    re.compile(r"[0-9]"),
    re.compile(r"[^A-Za-z0-9]"),
]


def character_classes(password):
    return sum(1 for pattern in CHARACTER_CLASSES if pattern.search(password))


class CharacterClassesValidator:
    """At least `min_classes` of: capital letters, small letters, digits, other characters."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(self._message(), code="password_too_few_character_classes")

    def get_help_text(self):
        return self._message()

    def _message(self):
        return gettext(
            "Your password must mix at least %(count)d of these four kinds of character: "
            "capital letters, small letters, digits and symbols."
        ) % {"count": self.min_classes}


class PasswordHistoryValidator:
    """Not the current password nor one of the ones before it: `history` in all
    (PASSWORD_HISTORY unless given)."""

    def __init__(self, history=None):
        self._history = history

    @property
    def history(self):
        return self._history if self._history is not None else settings.PASSWORD_HISTORY

    def validate(self, password, user=None):
        if user is None or user.pk is None or self.history <= 0:
            return
        if any(check_password(password, encoded) for encoded in self.recent_hashes(user)):
            raise ValidationError(
                ngettext(
                    "You used this password recently: choose one that differs from your last "
                    "password.",
                    "You used this password recently: choose one that differs from each of your "
                    "last %(count)d passwords.",
                    self.history,
                )
                % {"count": self.history},
                code="password_recently_used",
            )

    def recent_hashes(self, user):
        from accounts.models import PasswordHistory

        hashes = list(
            PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[
                : self.history
            ]
        )
        # The current password counts even when it was set before history was kept.
        if user.has_usable_password() and user.password not in hashes:
            hashes = [user.password, *hashes][: self.history]
        return hashes

    def password_changed(self, password, user=None):
        from accounts import services

        if user is not None and user.pk is not None:
            services.password_changed(user, keep=self.history)

    def get_help_text(self):
        return ngettext(
            "Your password can't be the same as your last password.",
            "Your password can't be one of your last %(count)d passwords.",
            self.history,
        ) % {"count": self.history}
