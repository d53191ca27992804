"""The limits' counters are shared and atomic on every cache backend: Redis and the local-memory
cache increment in place; with any other backend (a database cache reads then writes) the counts
are database rows bumped by an UPDATE, so concurrent requests lose none."""
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache
from django.db import connection

from tests.userpools.concurrency import require_postgresql
from userpools.models import LimitCounter
from userpools.services import limits

pytestmark = pytest.mark.django_db(transaction=True)


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
