from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    """Accountability cases (问责) for failed duty, overdue major hazards and late reports."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "accountability"
    verbose_name = _("Accountability")
