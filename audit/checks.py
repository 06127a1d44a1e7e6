from django.conf import settings
from django.core import checks

from audit.models import RETENTION_FLOOR_DAYS


@checks.register(checks.Tags.security)
def retention_at_least_the_legal_minimum(app_configs, **kwargs):
    days = settings.AUDIT_RETENTION_DAYS
    if days < RETENTION_FLOOR_DAYS:
        return [
            checks.Warning(
                f"AUDIT_RETENTION_DAYS is {days}, below the {RETENTION_FLOOR_DAYS} days the "
                "Cybersecurity Law asks (§21); the archive keeps rows that long anyway.",
                id="audit.W001",
            )
        ]
    return []
