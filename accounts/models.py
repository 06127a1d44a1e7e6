"""What the sign-in policy remembers about each account, beside the User model (which stays
as it is): when its password was last changed, whether it must be changed before anything
else, the hashes of the last few passwords, and the sessions it has open."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PasswordState(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="password_state",
        verbose_name=_("user"),
    )
    changed_at = models.DateTimeField(_("password changed at"), default=timezone.now)
    must_change = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when an administrator created the account or reset its password."),
    )

    class Meta:
        verbose_name = _("password state")
        verbose_name_plural = _("password states")

    def __str__(self):
        return str(self.user)

    def expires_at(self):
        """When the password runs out, or None when passwords never expire."""
        return password_expiry(self.changed_at)


def password_expiry(changed_at):
    days = getattr(settings, "PASSWORD_MAX_AGE_DAYS", 0)
    if not days:
        return None
    return changed_at + datetime.timedelta(days=days)


class PasswordHistory(models.Model):
    """The hash of every password an account has had, newest first; only the last
    PASSWORD_HISTORY are kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="password_history",
        verbose_name=_("user"),
    )
    password = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"])]
        verbose_name = _("previous password")
        verbose_name_plural = _("previous passwords")

    def __str__(self):
        return f"{self.user} @ {self.created_at:%Y-%m-%d %H:%M}"


class UserSession(models.Model):
    """A session opened by signing in, so that the account's sessions can be counted and
    ended together (the session store itself cannot be searched by user)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="signed_in_sessions",
        verbose_name=_("user"),
    )
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    signed_in_at = models.DateTimeField(_("signed in at"), default=timezone.now)

    class Meta:
        ordering = ["-signed_in_at", "-pk"]
        indexes = [models.Index(fields=["user", "-signed_in_at"])]
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")

    def __str__(self):
        return f"{self.user} @ {self.signed_in_at:%Y-%m-%d %H:%M}"
