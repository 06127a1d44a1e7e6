"""Dashboard figures (counts and totals over a whole scope) kept in the cache for at most a
minute, so a home page or a list's page count does not recount the county on every view.

Each figure belongs to a topic ("relief", "institutions"); a write to a model of the topic
(its post_save/post_delete signals, see `invalidate_on_write`) starts a new generation of
the topic and every figure of it is recounted on its next read. Bulk writes, which send no
signals, are seen at the latest when the minute runs out.
"""

import contextlib
import contextvars
import hashlib
import time

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.functional import cached_property

from config.paging import MAX_PAGES
from institutions.scoping import scope_key

TIMEOUT_SECONDS = 60


def _generation_key(topic):
    return f"counts:{topic}:generation"


def cached_figure(topic, name, user, compute, *, per_user=False):
    """compute() for `user`'s scope, from the cache when counted in this generation within
    the last minute. per_user: the figure depends on the user, not only on their scope."""
    scope = f"u{user.pk}" if per_user else scope_key(user)
    key = f"counts:{topic}:{name}:{scope}"
    generation_key = _generation_key(topic)
    found = cache.get_many([generation_key, key])
    generation = found.get(generation_key, 0)
    stored = found.get(key)
    if stored is not None and stored[0] == generation and not _refreshing.get():
        return stored[1]
    value = compute()
    cache.set(key, (generation, value), TIMEOUT_SECONDS)
    return value


_refreshing = contextvars.ContextVar("counts_refreshing", default=False)


@contextlib.contextmanager
def refreshing():
    """Within it, cached_figure counts afresh and stores the result whatever is cached: a
    Celery task warms the figures a page will ask for before anyone waits for them."""
    token = _refreshing.set(True)
    try:
        yield
    finally:
        _refreshing.reset(token)


def invalidate(topic):
    # Now (this request's own next read) and after commit (a read that raced the write).
    def bump():
        # A counter, not a clock reading: two writes in one tick (or under a test's frozen
        # clock) still make two generations. incr is atomic in Redis.
        key = _generation_key(topic)
        cache.add(key, time.time_ns(), None)  # starts anywhere but 0, the "never" default
        try:
            cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, time.time_ns(), None)

    bump()
    transaction.on_commit(bump)


def invalidate_on_write(topic, *models):
    """Start a new generation of `topic` whenever a row of one of `models` is saved or
    deleted."""

    def receiver(sender, **kwargs):
        invalidate(topic)

    for model in models:
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"counts:{topic}")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"counts:{topic}")


class CachedCountPaginator(Paginator):
    """A paginator whose total (a COUNT over the whole filtered scope) is a cached figure:
    `name` must say which list and filter it counts (e.g. the query string without the
    page); the scope comes from `user`."""

    def __init__(self, object_list, per_page, *, topic, name, user, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._figure = (topic, f"count:{hashlib.sha256(name.encode()).hexdigest()}", user)

    @cached_property
    def count(self):
        topic, name, user = self._figure
        return cached_figure(topic, name, user, Paginator.count.func.__get__(self))

    @cached_property
    def num_pages(self):
        # No deeper than the capped lists go (config.paging.MAX_PAGES): an OFFSET reads
        # every row before it.
        return min(super().num_pages, MAX_PAGES)
