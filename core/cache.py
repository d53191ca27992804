"""Django's Redis cache, failing fast and in our own terms when Redis is unreachable.

The socket timeouts come from settings (CACHES OPTIONS); here a Redis connection error or timeout
becomes `InternalErrorException`, so every front answers a clear HTTP 500 instead of a traceback,
and the operation's transaction rolls back with nothing half-done.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.errors import InternalErrorException

log = logging.getLogger(__name__)

UNAVAILABLE = "The service is temporarily unavailable. Please try again later."


def _translated(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError) as exc:
            log.error("Redis cache unreachable: %s", type(exc).__name__)
            raise InternalErrorException(UNAVAILABLE) from exc

    return call


class FailFastRedisCache(RedisCache):
    """RedisCache whose every operation turns a Redis outage into InternalErrorException."""


for _name in ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many", "clear"):
    setattr(FailFastRedisCache, _name, _translated(getattr(RedisCache, _name)))
