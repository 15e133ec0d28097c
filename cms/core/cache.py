"""A Redis cache that an outage of Redis cannot turn into errors for residents.

Redis is the cache *and* the Celery broker. When it is down, Django's own ``RedisCache`` raises
on every call, and every page would be a 500: Wagtail reads the site-root cache to route each
request, the public forms count requests in the cache. With this backend a cache that cannot
be reached behaves like an empty one that keeps nothing: a read is a miss, a write is accepted
and dropped (``add`` says it stored the value), ``incr`` answers as for a missing key
(``ValueError``). Pages are then built from the database, rate limits let requests through,
and the work a request queues is kept in the database for the periodic sweeps. The outage is
logged as a warning, at most once per LOG_EVERY seconds per process, and the connection
timeouts in settings keep a Redis that does not answer from holding requests.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
LOG_EVERY = 30.0  # seconds between two warnings about the same outage, per process


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (the cache is unreachable)")


def _tolerant(operation: str, fallback):
    """RedisCache's `operation`, answering fallback(*args, **kwargs) while Redis is
    unreachable."""

    def method(self, *args, **kwargs):
        try:
            return getattr(RedisCache, operation)(self, *args, **kwargs)
        except UNREACHABLE as error:
            self._unreachable(operation, error)
            return fallback(*args, **kwargs)

    method.__name__ = method.__qualname__ = operation
    return method


class ResilientRedisCache(RedisCache):
    _last_warning = 0.0

    def _unreachable(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        if now - ResilientRedisCache._last_warning >= LOG_EVERY:
            ResilientRedisCache._last_warning = now
            logger.warning("Cache unreachable (%s: %s); serving without it", operation, error)

    # Reads miss.
    get = _tolerant("get", lambda key, default=None, version=None: default)
    get_many = _tolerant("get_many", lambda *args, **kwargs: {})
    has_key = _tolerant("has_key", lambda *args, **kwargs: False)
    # Writes are accepted and dropped. add() says it stored the value ("stored, then lost"):
    # callers that use it as a "first one wins" guard (a notification sent once) go ahead, so
    # an outage can cause a repeat, never a loss.
    add = _tolerant("add", lambda *args, **kwargs: True)
    set = _tolerant("set", lambda *args, **kwargs: None)
    set_many = _tolerant("set_many", lambda data, *args, **kwargs: list(data))  # not stored
    touch = _tolerant("touch", lambda *args, **kwargs: False)
    delete = _tolerant("delete", lambda *args, **kwargs: False)
    delete_many = _tolerant("delete_many", lambda *args, **kwargs: None)
    clear = _tolerant("clear", lambda *args, **kwargs: False)
    # A counter that cannot be read is a missing one, as Django answers for an absent key.
    incr = _tolerant("incr", _missing_key)
