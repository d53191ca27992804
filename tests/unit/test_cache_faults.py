"""A Redis cache that cannot be reached answers InternalErrorException at once (issue 13, "Faults")."""
from __future__ import annotations

import time

import pytest

from core import cache as core_cache
from core.cache import UNAVAILABLE, FailFastRedisCache
from core.errors import InternalErrorException


@pytest.fixture(autouse=True)
def redis_taken_for_up_again():
    """The failure below makes this process take Redis for down (core.cache): not the tests after it."""
    yield
    core_cache._down_until = 0.0


@pytest.mark.parametrize("operation", [
    lambda cache: cache.get("key"),
    lambda cache: cache.add("key", 1),
    lambda cache: cache.incr("key"),
    lambda cache: cache.set_many({"a": 1}),
])
def test_an_unreachable_redis_is_an_internal_error(operation):
    cache = FailFastRedisCache("redis://127.0.0.1:9/0", {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})
    began = time.monotonic()
    with pytest.raises(InternalErrorException) as excinfo:
        operation(cache)
    assert time.monotonic() - began < 2
    assert (excinfo.value.status, excinfo.value.message) == (500, UNAVAILABLE)
