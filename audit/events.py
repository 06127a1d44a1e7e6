"""What the audit log records: the kinds of event and their outcomes.

Kept apart from the models so that `import audit` works before the app registry is
ready (the package is imported while Django loads INSTALLED_APPS).
"""

from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOGOUT = "logout", _("Signed out")
    LOCKOUT = "lockout", _("Account locked out")
    UNLOCK = "unlock", _("Account unlocked")
    TWO_FACTOR_PASSED = "two_factor_passed", _("Second factor accepted")
    TWO_FACTOR_FAILED = "two_factor_failed", _("Second factor refused")
    TWO_FACTOR_RESET = "two_factor_reset", _("Authenticator removed")
    PASSWORD_CHANGE = "password_change", _("Password changed")
    PERMISSION_CHANGE = "permission_change", _("Permissions changed")
    EXPORT = "export", _("Exported")
    FULL_ID_SHOWN = "full_id_shown", _("Full ID number shown")
    PERSON_PHOTO_DOWNLOADED = "person_photo_downloaded", _("Photo of a person downloaded")
    LOG_VIEWED = "log_viewed", _("Audit log viewed")
    LOG_ARCHIVED = "log_archived", _("Audit log archived")
    CHAIN_BROKEN = "chain_broken", _("Audit chain broken")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")
    DENIED = "denied", _("Denied")


class ObjectRef(NamedTuple):
    """What an event is about, when there is no model instance at hand."""

    type: str
    id: str
    text: str = ""
