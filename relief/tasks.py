import logging

from celery import shared_task

from relief import services

logger = logging.getLogger(__name__)


@shared_task(name="relief.release_after_notice")
def release_after_notice():
    """Every morning: pay the applications whose 公示 ended yesterday or before with no
    objection standing, so that a payment never waits for someone to remember a button."""
    paid = services.release_after_notice()
    if paid:
        logger.info("Paid %d applications after their public notice", paid)
    return paid
