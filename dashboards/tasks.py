import logging

from celery import shared_task
from django.utils import timezone

from dashboards import warming

logger = logging.getLogger(__name__)


@shared_task(name="dashboards.warm")
def warm_dashboards():
    """Recount the default dashboard of every scope in use (see dashboards.warming)."""
    from institutions.models import User

    scopes = warming.scopes_in_use()
    users = User.objects.filter(pk__in=scopes.values(), is_active=True).in_bulk()
    warmed = 0
    now = timezone.now()
    for pk in scopes.values():
        user = users.get(pk)
        # A scope's viewer may have moved township since: warm what they see now.
        if user is not None and (user.is_county_wide or user.is_township_staff):
            warming.warm(user, now)
            warmed += 1
    logger.info("dashboards warmed for %d scopes", warmed)
    return warmed
