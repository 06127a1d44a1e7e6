"""The lockouts django-axes holds now: a username at a client address with
AXES_FAILURE_LIMIT failures within the cool-off (summed over the browsers used, as
django-axes counts them)."""

from dataclasses import dataclass
from datetime import datetime

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone


@dataclass
class Lockout:
    username: str
    ip_address: str
    failures: int
    last_failure: datetime
    unlocks_at: datetime


def current_lockouts(now=None):
    now = now or timezone.now()
    cool_off = get_cool_off()
    limit = settings.AXES_FAILURE_LIMIT
    attempts = AccessAttempt.objects.order_by("attempt_time")
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=now - cool_off)
    by_client = {}
    for attempt in attempts.only("username", "ip_address", "failures_since_start", "attempt_time"):
        by_client.setdefault((attempt.username, attempt.ip_address), []).append(attempt)
    lockouts = []
    for (username, ip_address), rows in by_client.items():
        failures = sum(row.failures_since_start for row in rows)
        if failures < limit:
            continue
        lockouts.append(
            Lockout(
                username=username or "",
                ip_address=ip_address or "",
                failures=failures,
                last_failure=rows[-1].attempt_time,
                unlocks_at=_unlocks_at(rows, limit, cool_off),
            )
        )
    return sorted(lockouts, key=lambda lockout: lockout.last_failure, reverse=True)


def _unlocks_at(rows, limit, cool_off):
    """When enough of the oldest failures have aged out of the cool-off to let the
    username at that address in again."""
    if cool_off is None:
        return None
    remaining = sum(row.failures_since_start for row in rows)
    for row in rows:
        remaining -= row.failures_since_start
        if remaining < limit:
            return row.attempt_time + cool_off
    return rows[-1].attempt_time + cool_off


def unlock(*, username, ip_address):
    """Forget the failures of `username` at `ip_address`; returns how many records went."""
    return AxesProxyHandler.reset_attempts(username=username, ip_address=ip_address)
