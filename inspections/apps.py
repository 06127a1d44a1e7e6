from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections and hazards")

    def ready(self):
        from config.counts import invalidate_on_write
        from inspections import home, models

        invalidate_on_write(home.TOPIC, models.Hazard, models.Inspection)
