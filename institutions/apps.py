from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "institutions"
    verbose_name = _("Organisation and institutions")

    def ready(self):
        from config.counts import invalidate_on_write
        from institutions import models

        invalidate_on_write("institutions", models.Institution, models.Township)
