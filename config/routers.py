"""Heavy reads to a PostgreSQL replica, when there is one.

Only code that asks for it reads from the replica: a dashboard, a statistics page or an
export wraps its work in `reading_from_replica()` (or decorates its view with
`reads_from_replica`). Everything else reads from the primary, because a replica lags
by a moment and a clerk who has just saved a form must see it on the next page.
Without DATABASE_REPLICA_URL the wrapper does nothing.
"""

import functools
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"

_heavy_read = ContextVar("heavy_read", default=False)


@contextmanager
def reading_from_replica():
    token = _heavy_read.set(True)
    try:
        yield
    finally:
        _heavy_read.reset(token)


def reads_from_replica(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with reading_from_replica():
            return view(*args, **kwargs)

    return wrapper


def replica_configured():
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _heavy_read.get() and replica_configured():
            return REPLICA
        return None  # the primary

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
