"""Cache backends with bounded entries, and a Redis that is given up on quickly.

Every entry lives at most NEWSROOM_CACHE_MAX_SECONDS, whatever lifetime the
caller asked for ("forever" included), and an entry larger than
NEWSROOM_CACHE_MAX_ENTRY_BYTES once pickled is not stored: the caller carries
on as after a miss. So neither a forgotten key nor one huge page can fill the
cache.

Redis is asked with short socket timeouts (settings.py), and once it has
failed during a request it is not asked again until that request ends: every
later call fails at once with a ``redis.exceptions.ConnectionError``, which
callers already handle as "cache unreachable" (newsroom.caching.CACHE_ERRORS).
A stalled Redis so costs a reader one timeout, not one per cache call.
"""

from __future__ import annotations

import logging
import pickle
import time
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends import locmem, redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.signals import request_finished, request_started
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

_UNREACHABLE = (OSError, RedisError)
# Outside requests (the task worker, commands) a failure is remembered this long.
_FORGET_FAILURE_AFTER = 10.0


class _BoundedEntries:
    """Clamp every lifetime to the maximum; skip values too large to store."""

    pickle_protocol = pickle.HIGHEST_PROTOCOL

    def _max_seconds(self) -> int:
        return settings.NEWSROOM_CACHE_MAX_SECONDS

    def _bounded(self, timeout: Any) -> Any:
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        if timeout is None:
            return self._max_seconds()
        return min(timeout, self._max_seconds())

    def _fits(self, key: str, value: Any) -> bool:
        if type(value) is int:
            return True
        size = len(pickle.dumps(value, self.pickle_protocol))
        if size <= settings.NEWSROOM_CACHE_MAX_ENTRY_BYTES:
            return True
        logger.warning("Not caching %s: %d bytes is over the limit", key, size)
        return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if not self._fits(key, value):
            return False
        return super().add(key, value, self._bounded(timeout), version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self._fits(key, value):
            super().set(key, value, self._bounded(timeout), version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        kept = {key: value for key, value in data.items() if self._fits(key, value)}
        failed = super().set_many(kept, self._bounded(timeout), version) if kept else []
        return [*failed, *(key for key in data if key not in kept)]

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, self._bounded(timeout), version)


class LocMemCache(_BoundedEntries, locmem.LocMemCache):
    """This process's memory, for development and single-process sites."""


class RedisCache(_BoundedEntries, redis.RedisCache):
    """Redis, given up on for the rest of a request after its first failure."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._failed_at: float | None = None

    def forget_failure(self) -> None:
        self._failed_at = None

    def _call(self, name: str, *args, **kwargs):
        if self._failed_at is not None:
            if time.monotonic() - self._failed_at < _FORGET_FAILURE_AFTER:
                raise RedisConnectionError("Redis failed earlier in this request")
            self._failed_at = None
        try:
            return getattr(super(), name)(*args, **kwargs)
        except _UNREACHABLE:
            self._failed_at = time.monotonic()
            raise

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        return self._call("clear")


def _forget_failures(**kwargs: Any) -> None:
    for backend in caches.all(initialized_only=True):
        if isinstance(backend, RedisCache):
            backend.forget_failure()


request_started.connect(_forget_failures, dispatch_uid="newsroom-cache-request-started")
request_finished.connect(
    _forget_failures, dispatch_uid="newsroom-cache-request-finished"
)
