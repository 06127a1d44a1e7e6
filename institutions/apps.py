from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "institutions"
    verbose_name = _("Organisation and institutions")

    def ready(self):
        from institutions import models
        from institutions.counts import invalidate_on_write

        invalidate_on_write("institutions", models.Institution, models.Township)
