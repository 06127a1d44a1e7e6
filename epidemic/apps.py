from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EpidemicConfig(AppConfig):
    """Weekly epidemic-prevention figures of care homes: testing, referrals, vaccination."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "epidemic"
    verbose_name = _("Epidemic care")
