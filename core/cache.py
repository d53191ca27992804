"""Django's Redis cache, failing fast and in our own terms when Redis is unreachable.

The socket timeouts come from settings (CACHES OPTIONS); here a Redis connection error or timeout
becomes `InternalErrorException`, so every front answers a clear HTTP 500 instead of a traceback,
and the operation's transaction rolls back with nothing half-done. After one such error this
process stops asking Redis for `REDIS_RETRY_AFTER_SECONDS`: a frozen Redis costs a call one socket
timeout, not one per cache operation, and the callers with a sound local fallback (limits'
counters, the generations of in-process caches) take it at once.
"""
from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.errors import InternalErrorException

log = logging.getLogger(__name__)

UNAVAILABLE = "The service is temporarily unavailable. Please try again later."


_down_until = 0.0  # monotonic time until which this process takes Redis for down


def _translated(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        global _down_until
        if time.monotonic() < _down_until:
            raise InternalErrorException(UNAVAILABLE)
        try:
            return method(self, *args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError) as exc:
            log.error("Redis cache unreachable: %s", type(exc).__name__)
            _down_until = time.monotonic() + settings.REDIS_RETRY_AFTER_SECONDS
            raise InternalErrorException(UNAVAILABLE) from exc

    return call


class _OneClientPerPool(RedisCacheClient):
    """Django builds a new redis.Redis for every cache operation, and each one sets up its ~170
    response callbacks: a measurable share of a request's CPU. One client per connection pool
    serves every operation and thread (the pool hands each command a connection)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class FailFastRedisCache(RedisCache):
    """RedisCache whose every operation turns a Redis outage into InternalErrorException."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _OneClientPerPool


for _name in ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many", "clear"):
    setattr(FailFastRedisCache, _name, _translated(getattr(RedisCache, _name)))
