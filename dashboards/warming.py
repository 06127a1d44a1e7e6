"""Warming the dashboard before anyone waits for it.

Its figures are counted over the whole scope (the county, or a township) and cached for a
minute. Counting them takes a good part of a second at a province's size, so a Celery
task recounts, every 50 seconds, the default view (no filters) of each scope somebody has
looked at in the last quarter of an hour: people find it counted, and the database pays
once a minute per scope in use, not once a view.
"""

import time

from django.core.cache import cache
from django.test import RequestFactory

from config.counts import refreshing
from institutions.scoping import scope_key

VIEWERS_KEY = "dashboard:viewers"
# A scope nobody has opened for this long is no longer warmed.
WARM_FOR_SECONDS = 15 * 60
# How often a view writes down that its scope is in use (not on every view).
NOTE_EVERY_SECONDS = 60


def note_viewer(user):
    """Remember that `user`'s scope is in use (one cache write a minute per scope)."""
    viewers = cache.get(VIEWERS_KEY) or {}
    scope = scope_key(user)
    now = time.time()
    seen = viewers.get(scope)
    if seen is not None and now - seen[1] < NOTE_EVERY_SECONDS:
        return
    viewers[scope] = (user.pk, now)
    cache.set(VIEWERS_KEY, _recent(viewers, now), WARM_FOR_SECONDS)


def _recent(viewers, now):
    return {scope: seen for scope, seen in viewers.items() if now - seen[1] < WARM_FOR_SECONDS}


def scopes_in_use():
    """{scope: user pk} of the scopes looked at lately: someone of each to count as."""
    viewers = _recent(cache.get(VIEWERS_KEY) or {}, time.time())
    return {scope: pk for scope, (pk, _seen) in viewers.items()}


def warm(user, now):
    """Count the default dashboard of `user`'s scope afresh into the cache."""
    from dashboards import board
    from dashboards.forms import DashboardFilterForm

    request = RequestFactory().get("/dashboard/")
    request.user = user
    filters = DashboardFilterForm(None, user=user).filters()
    with refreshing():
        board.build(request, filters, now)
