"""How the sign-in policy hears about sign-ins, sign-outs and changes to accounts, and the
one signal it sends (for the audit log)."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from accounts import services
from accounts.roles import ROLE_GROUPS

# Sent when a security administrator lifts a lockout: sender is None, with request (of the
# administrator), username and ip_address of the lockout lifted.
lockout_released = Signal()


@receiver(user_logged_in, dispatch_uid="accounts.start_session")
def _start_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        services.start_session(request, user)


@receiver(user_logged_out, dispatch_uid="accounts.forget_session")
def _forget_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        services.session_ended(request.session.session_key)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.account_saved")
def _account_saved(sender, instance, created, update_fields=None, **kwargs):
    if kwargs.get("raw"):
        return
    if not instance.is_active and not created:
        services.end_sessions(instance)
    if update_fields is None or "role" in update_fields:
        put_in_role_group(instance)


def put_in_role_group(user):
    """In the group of an administrator role when the user has one, and in no other."""
    wanted = ROLE_GROUPS.get(user.role)
    current = set(user.groups.filter(name__in=ROLE_GROUPS.values()).values_list("name", flat=True))
    if current == ({wanted} if wanted else set()):
        return
    others = current - {wanted}
    if others:
        user.groups.remove(*Group.objects.filter(name__in=others))
    if wanted and wanted not in current:
        group, _created = Group.objects.get_or_create(name=wanted)
        user.groups.add(group)
