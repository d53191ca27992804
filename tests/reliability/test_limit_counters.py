"""The limits' counters are shared and atomic on every cache backend: Redis and the local-memory
cache increment in place; with any other backend (a database cache reads then writes) the counts
are database rows bumped by an UPDATE, so concurrent requests lose none."""
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection

from core.errors import LimitExceededException
from tests.userpools.concurrency import require_postgresql
from userpools.models import LimitCounter
from userpools.services import limits

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def one_window(monkeypatch):
    """The clock stands still: a run that crossed a window's edge would count in two windows."""
    monkeypatch.setattr(limits, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))


@pytest.fixture
def on_rows(monkeypatch):
    monkeypatch.setattr(limits, "_counts_atomically", lambda: False)


def test_the_configured_cache_counts_in_place():
    assert limits._counts_atomically()  # noqa: SLF001  (Redis with REDIS_URL, else local memory)
    cache.clear()
    assert [limits._hit("test:in-place", 60) for _ in range(3)] == [1, 2, 3]  # noqa: SLF001


def test_rows_count_in_sequence(on_rows):
    assert [limits._hit("test:rows", 60) for _ in range(3)] == [1, 2, 3]  # noqa: SLF001
    assert LimitCounter.objects.get().count == 3


def test_rows_lose_no_concurrent_count(on_rows):
    require_postgresql()

    def hits(_: int) -> list[int]:
        try:
            return [limits._hit("test:burst", 60) for _ in range(25)]  # noqa: SLF001
        finally:
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        seen = [count for counts in pool.map(hits, range(8)) for count in counts]
    assert sorted(seen) == list(range(1, 201))  # every request saw its own count
    assert LimitCounter.objects.get().count == 200


def test_limits_hold_with_the_cache_unreachable(settings):
    """Redis down: the counts and the guessing lock go to the database, so an outage lifts no limit."""
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }}
    settings.CODE_GUESS_LIMIT = 2
    assert [limits._hit("test:outage", 60) for _ in range(3)] == [1, 2, 3]  # noqa: SLF001
    limits.record_wrong_guess("user:outage")
    limits.refuse_if_guessing_locked("user:outage")  # one wrong code: not locked
    limits.record_wrong_guess("user:outage")
    with pytest.raises(LimitExceededException):
        limits.refuse_if_guessing_locked("user:outage")
