from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Signing in and staying signed in: password policy, sessions, second factor."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Accounts and sign-in")

    def ready(self):
        from accounts import signals  # noqa: F401 - connects the receivers

        post_migrate.connect(_ensure_role_groups, sender=self, dispatch_uid="accounts.roles")


def _ensure_role_groups(sender, using, apps=None, **kwargs):
    # Again after every migrate and after a flush (which empties the groups that the
    # data migration made), so the three administrator groups always exist as declared.
    from django.apps import apps as installed_apps

    from accounts.roles import ensure_role_groups

    ensure_role_groups(apps or installed_apps, using=using)
