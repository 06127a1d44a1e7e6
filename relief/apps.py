from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReliefConfig(AppConfig):
    name = "relief"
    verbose_name = _("Relief for people in difficulty")

    def ready(self):
        from config.counts import invalidate_on_write
        from relief import models

        invalidate_on_write(
            "relief",
            models.Person,
            models.PersonCategory,
            models.VisitRule,
            models.HomeVisit,
            models.Application,
            models.RegistrationConflict,
            models.TransferRequest,
            models.FoundReport,
        )
