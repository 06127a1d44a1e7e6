"""The sign-in policy's writes: password changes and the sessions of an account.

What a request needs to know about its account's password (must it be changed, when was it
changed) is copied into the session at sign-in, so that checking it on every page costs no
query. Whatever changes that state (a new password, a reset by an administrator) also ends
the account's sessions, so no session keeps a stale copy.
"""

import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import PasswordHistory, PasswordState, UserSession, password_expiry

# Keys this app keeps in the session (seconds since the epoch, and a flag).
SIGNED_IN_AT = "accounts.signed_in_at"
PASSWORD_CHANGED_AT = "accounts.password_changed_at"  # noqa: S105 - a session key
MUST_CHANGE_PASSWORD = "accounts.must_change_password"  # noqa: S105 - a session key


def _session_store(session_key=None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


# --- Passwords ----------------------------------------------------------------


def password_changed(user, *, keep):
    """Called for every new password: keep its hash for the history check, restart its
    age, lift any forced change, and end every session the account has open (the one
    whose user changed their own password is carried over by Django's
    update_session_auth_hash, under a new key)."""
    now = timezone.now()
    PasswordHistory.objects.create(user=user, password=user.password, created_at=now)
    stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    PasswordState.objects.update_or_create(
        user=user, defaults={"changed_at": now, "must_change": False}
    )
    end_sessions(user)


def require_password_change(user):
    """An administrator created the account or set its password: its owner must choose
    their own at the next sign-in."""
    PasswordState.objects.update_or_create(user=user, defaults={"must_change": True})
    end_sessions(user)


def password_state(user):
    state, _created = PasswordState.objects.get_or_create(user=user)
    return state


def password_change_reason(session, now=None):
    """Why this session's user must change their password before anything else, or None."""
    if session.get(MUST_CHANGE_PASSWORD):
        return gettext(
            "Your password was set by an administrator. Choose a password of your own "
            "before you go on."
        )
    changed_at = session.get(PASSWORD_CHANGED_AT)
    if changed_at is None:
        return None
    expires = password_expiry(datetime.datetime.fromtimestamp(changed_at, tz=datetime.UTC))
    if expires is not None and (now or timezone.now()) >= expires:
        return gettext(
            "Your password is more than %(days)d days old. Choose a new one before you go on."
        ) % {"days": settings.PASSWORD_MAX_AGE_DAYS}
    return None


# --- Sessions -----------------------------------------------------------------


def start_session(request, user):
    """At sign-in (Django has just given the session a new id, or emptied it): note when,
    copy the password state into the session, track the session and end the oldest
    beyond SESSION_MAX_PER_USER."""
    now = timezone.now()
    request.session[SIGNED_IN_AT] = now.timestamp()
    copy_password_state(request.session, user)
    if request.session.session_key is None:
        # Signing in over another account's session flushes it: the new one has no key
        # until it is first saved.
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={"user": user, "signed_in_at": now},
    )
    end_sessions_beyond_limit(user, current_key=request.session.session_key)


def follow_new_session_key(request, user):
    """The session of a signed-in user got a new key without a new sign-in (Django does
    this when a user changes their own password): track it under the new key, with
    the password state as it is now."""
    signed_in_at = request.session.get(SIGNED_IN_AT)
    if signed_in_at is None or request.session.session_key is None:
        return
    copy_password_state(request.session, user)
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "signed_in_at": datetime.datetime.fromtimestamp(signed_in_at, tz=datetime.UTC),
        },
    )


def copy_password_state(session, user):
    state = password_state(user)
    session[PASSWORD_CHANGED_AT] = state.changed_at.timestamp()
    session[MUST_CHANGE_PASSWORD] = state.must_change


def session_outlived(session, now=None):
    """True when the session began more than SESSION_ABSOLUTE_SECONDS ago, or was not
    begun by signing in at all."""
    signed_in_at = session.get(SIGNED_IN_AT)
    if signed_in_at is None:
        return True
    now = (now or timezone.now()).timestamp()
    return now - signed_in_at >= settings.SESSION_ABSOLUTE_SECONDS


def end_sessions(user, *, except_key=None):
    """Sign the account out everywhere (but in the session `except_key`)."""
    tracked = UserSession.objects.filter(user=user).exclude(session_key=except_key or "")
    keys = list(tracked.values_list("session_key", flat=True))
    for key in keys:
        _session_store().delete(key)
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def end_sessions_beyond_limit(user, *, current_key):
    """Keep the newest SESSION_MAX_PER_USER sessions that are still alive (the current
    one always among them); end the rest. Sessions that ran out on their own are
    forgotten, not counted."""
    limit = max(settings.SESSION_MAX_PER_USER, 1)
    alive = 1
    for tracked in UserSession.objects.filter(user=user).exclude(session_key=current_key):
        store = _session_store(tracked.session_key)
        if store.load().get(SESSION_KEY) != str(user.pk):
            tracked.delete()
        elif alive >= limit:
            store.delete(tracked.session_key)
            tracked.delete()
        else:
            alive += 1


def session_ended(session_key):
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()
