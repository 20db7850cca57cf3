"""The shared cache on Redis, failing open: when Redis is down or frozen, a read is a miss and a write
is dropped, with a log line, instead of an error page.

What lives in the cache can be lost without harm to data: login and API rate-limit counters (while
Redis is down they do not count: the login stays usable, which is the lesser evil for a city's staff),
used TOTP codes for their 30 s window, cached fragments. After a failure the cache is skipped for a
few seconds by this cache object (one per thread), so that a page with several cache calls waits on a frozen Redis once,
not once per call.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

SKIP_AFTER_ERROR_SECONDS = 10.0


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache whose errors are logged and answered as a miss (or nothing done)."""

    _down_until = 0.0

    def _guard(self, method: str, fallback: Any, /, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return getattr(super(), method)(*args, **kwargs)
        except Exception as error:
            import redis.exceptions

            if not isinstance(
                error, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError | OSError
            ):
                raise
            self._down_until = time.monotonic() + SKIP_AFTER_ERROR_SECONDS
            log.warning(
                "cache unreachable (%s) in %s; failing open for %ss", error, method, SKIP_AFTER_ERROR_SECONDS
            )
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # A failed add answers True: the caller (a rate limiter, a used-code check) goes on.
        return self._guard("add", True, key, value, timeout=timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._guard("get", default, key, default=default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set", None, key, value, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("touch", False, key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return self._guard("delete", False, key, version=version)

    def get_many(self, keys, version=None):
        return self._guard("get_many", {}, keys, version=version)

    def has_key(self, key, version=None):
        return self._guard("has_key", False, key, version=version)

    def incr(self, key, delta=1, version=None):
        # A missing key raises ValueError in Django; while down, count nothing (fail open).
        return self._guard("incr", delta, key, delta=delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set_many", [], data, timeout=timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._guard("delete_many", None, keys, version=version)

    def clear(self):
        return self._guard("clear", False)
