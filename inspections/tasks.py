from celery import shared_task
from django.db import transaction

from inspections import services
from inspections.campaigns import fan_out_active_campaigns


@shared_task(name="inspections.fan_out_campaigns")
def fan_out_campaigns():
    """Beat runs this every morning: create the inspections campaigns make due."""
    return fan_out_active_campaigns()


@shared_task(name="inspections.place_under_supervision")
def place_under_supervision():
    """Beat runs this every hour: hazards late enough go under the bureau's supervision."""
    # All or nothing: a worker killed between the UPDATE and the history and timeline rows
    # would leave hazards supervised without them, and the next run, finding them already
    # supervised, would never add them.
    with transaction.atomic():
        return services.place_under_supervision()
