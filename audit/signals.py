"""What the log hears without anyone calling it: sign-ins, lockouts and unlocks, permission
changes, authenticators removed and exports, from Django's, axes', accounts' and the
models' signals.

Who changed a permission is the signed-in user of the request under way, which
simple_history's middleware (HistoryRequestMiddleware) keeps at hand; changes made
outside a request (a command, a shell) have no actor. `QuerySet.update()` sends no signal:
code that changes roles or flags that way records the change itself (audit.record).
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from simple_history.models import HistoricalRecords

from accounts.signals import lockout_released
from audit.events import Event, ObjectRef, Outcome
from audit.services import record

# A user's fields that grant or take away rights.
PERMISSION_FIELDS = ("role", "is_active", "is_staff", "is_superuser")


def current_request():
    return getattr(HistoricalRecords.context, "request", None)


# --- Signing in and out ----------------------------------------------------------


def on_logged_in(sender, request, user, **kwargs):
    record(Event.LOGIN, request=request, user=user)


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(Event.LOGOUT, request=request, user=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password in `credentials`; only the name is kept.
    username_field = get_user_model().USERNAME_FIELD
    tried = credentials.get(username_field, credentials.get("username", ""))
    record(
        Event.LOGIN_FAILED,
        request=request,
        user=None,
        username=tried or "",
        outcome=Outcome.FAILURE,
    )


def on_locked_out(sender, request, username, ip_address=None, **kwargs):
    # Sent when the lock starts, and again for each try refused while it lasts.
    record(
        Event.LOCKOUT,
        request=request,
        user=None,
        username=username or "",
        outcome=Outcome.DENIED,
    )


def on_lockout_released(sender, request, username, ip_address=None, **kwargs):
    # Who lifted it is the signed-in security administrator; what, the name and address.
    record(
        Event.UNLOCK,
        request=request,
        obj=ObjectRef("lockout", username or "", f"{username} @ {ip_address or '-'}"),
        ip_address=ip_address or "",
    )


# --- Permissions -------------------------------------------------------------------


def _actor_and_request():
    request = current_request()
    user = getattr(request, "user", None)
    return request, (user if user is not None and user.is_authenticated else None)


def before_user_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._audit_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(PERMISSION_FIELDS):
        return  # last_login, a password: nothing that grants a right
    instance._audit_before = (
        sender._default_manager.filter(pk=instance.pk).values(*PERMISSION_FIELDS).first()
    )


def after_user_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        changes = {name: [None, getattr(instance, name)] for name in PERMISSION_FIELDS}
        detail = {"created": True}
    else:
        before = getattr(instance, "_audit_before", None)
        if not before:
            return
        changes = {
            name: [before[name], getattr(instance, name)]
            for name in PERMISSION_FIELDS
            if before[name] != getattr(instance, name)
        }
        detail = {}
        if not changes:
            return
    request, actor = _actor_and_request()
    record(
        Event.PERMISSION_CHANGE,
        request=request,
        user=actor,
        obj=instance,
        changes=changes,
        **detail,
    )


def before_user_deleted(sender, instance, **kwargs):
    request, actor = _actor_and_request()
    # An ObjectRef, not the instance: the row is about to go.
    record(
        Event.PERMISSION_CHANGE,
        request=request,
        user=actor,
        obj=ObjectRef(instance._meta.label_lower, instance.pk, str(instance)),
        deleted=True,
    )


def _names(model, pks):
    if model._meta.label == "auth.Permission":
        rows = model.objects.filter(pk__in=pks).values_list("content_type__app_label", "codename")
        return sorted(f"{app}.{codename}" for app, codename in rows)
    return sorted(str(item) for item in model.objects.filter(pk__in=pks))


def on_m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Groups of a user, permissions of a user or a group: added, removed or cleared."""
    if action == "pre_clear":
        # What a clear takes away, read before it goes.
        relation = _relation_of(sender, instance)
        instance._audit_cleared = list(getattr(instance, relation).values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action == "post_clear":
        pk_set = set(getattr(instance, "_audit_cleared", []))
    if not pk_set:
        return
    request, actor = _actor_and_request()
    record(
        Event.PERMISSION_CHANGE,
        request=request,
        user=actor,
        obj=instance,
        relation=_relation_of(sender, instance),
        action=action.removeprefix("post_"),
        items=_names(model, pk_set),
    )


def _relation_of(through, instance):
    """The name of the many-to-many field on `instance`'s side of `through`."""
    for field in instance._meta.get_fields():
        if field.many_to_many and getattr(field, "remote_field", None) is not None:
            if field.concrete and field.remote_field.through is through:
                return field.name
            if not field.concrete and field.through is through:
                return field.get_accessor_name()
    return through._meta.model_name


def after_authenticator_deleted(sender, instance, **kwargs):
    # A lost phone: the security administrator removes the user's authenticator.
    request, actor = _actor_and_request()
    record(
        Event.TWO_FACTOR_RESET,
        request=request,
        user=actor,
        obj=ObjectRef(instance.user._meta.label_lower, instance.user_id, str(instance.user)),
        device=instance.name,
        confirmed=instance.confirmed,
    )


# --- Exports -----------------------------------------------------------------------


def after_export_created(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    record(
        Event.EXPORT,
        request=current_request(),
        user=instance.requester,
        obj=instance,
        kind=instance.kind,
        title=instance.title,
        filter_text=instance.filter_text,
        params=instance.params,
        row_count=instance.row_count,
        is_async=instance.is_async,
    )


def connect():
    User = get_user_model()
    user_logged_in.connect(on_logged_in, dispatch_uid="audit.login")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="audit.lockout")
    lockout_released.connect(on_lockout_released, dispatch_uid="audit.unlock")
    pre_save.connect(before_user_saved, sender=User, dispatch_uid="audit.user_pre_save")
    post_save.connect(after_user_saved, sender=User, dispatch_uid="audit.user_post_save")
    pre_delete.connect(before_user_deleted, sender=User, dispatch_uid="audit.user_pre_delete")
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(on_m2m_changed, sender=through, dispatch_uid=f"audit.m2m.{through}")
    post_delete.connect(
        after_authenticator_deleted,
        sender="otp_totp.TOTPDevice",
        dispatch_uid="audit.authenticator_deleted",
    )
    # By label: the exports app is not imported here, only its model's signal heard.
    post_save.connect(after_export_created, sender="exports.ExportJob", dispatch_uid="audit.export")
