"""The Redis cache, forgiving: while Redis cannot be reached, a read is a miss and a write is
skipped, so a page counts its figures afresh instead of answering 500.

Django's RedisCache raises redis' ConnectionError from every call. Nothing this project
keeps in the cache is the only copy of anything (dashboard figures, the worker's heartbeat,
a large import's progress), so going on without it is right. After a failure the cache is
left alone for SKIP_SECONDS, so that a page does not wait for a connection attempt at every
call; then the next call tries Redis again.
"""

import functools
import logging
import time
import urllib.parse

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
SKIP_SECONDS = 5

# Server → monotonic time until which it is taken as down; shared by the threads of a process
# (each thread has its own cache object).
_down_until = {}


def _without_password(url):
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def _or(missing):
    """The operation, or `missing(*its arguments)` while Redis cannot be reached."""

    def decorate(operation):
        @functools.wraps(operation)
        def forgiving(self, *args):
            if time.monotonic() < _down_until.get(self.server, 0):
                return missing(*args)
            try:
                result = operation(self, *args)
            except UNREACHABLE as error:
                self._went_down(error)
                return missing(*args)
            if _down_until.pop(self.server, None) is not None:
                logger.warning("cache: Redis at %s answers again", self.name)
            return result

        return forgiving

    return decorate


def _not_found(key, delta):
    # What incr says of a key that is not there; config.counts starts a new one then.
    raise ValueError(f"Key '{key}' not found (the cache cannot be reached).")


class ForgivingRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, *, skip_seconds=SKIP_SECONDS, **options):
        super().__init__(servers, **options)
        self.server = servers[0]
        self.name = _without_password(self.server)
        self.skip_seconds = skip_seconds

    def _went_down(self, error):
        if self.server not in _down_until:
            logger.warning(
                "cache: Redis at %s cannot be reached (%s); pages go on without the cache",
                self.name,
                error,
            )
        _down_until[self.server] = time.monotonic() + self.skip_seconds

    add = _or(lambda key, value, timeout: False)(RedisCacheClient.add)
    get = _or(lambda key, default: default)(RedisCacheClient.get)
    set = _or(lambda key, value, timeout: None)(RedisCacheClient.set)
    touch = _or(lambda key, timeout: False)(RedisCacheClient.touch)
    delete = _or(lambda key: False)(RedisCacheClient.delete)
    get_many = _or(lambda keys: {})(RedisCacheClient.get_many)
    has_key = _or(lambda key: False)(RedisCacheClient.has_key)
    incr = _or(_not_found)(RedisCacheClient.incr)
    set_many = _or(lambda data, timeout: None)(RedisCacheClient.set_many)
    delete_many = _or(lambda keys: None)(RedisCacheClient.delete_many)
    clear = _or(lambda: False)(RedisCacheClient.clear)


class ForgivingRedisCache(RedisCache):
    """Django's RedisCache that goes on without Redis. OPTIONS as for RedisCache (they reach
    redis-py's connection pool), plus `skip_seconds`: how long to leave Redis alone after a
    failure (SKIP_SECONDS)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ForgivingRedisCacheClient
