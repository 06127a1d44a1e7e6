from django.utils.functional import SimpleLazyObject

from notifications.models import Notification


def inbox(request):
    """The unread count in the navigation: one indexed count, only when a page shows it."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {
        "UNREAD_NOTIFICATIONS": SimpleLazyObject(
            lambda: Notification.objects.for_user(user).unread().count()
        )
    }
