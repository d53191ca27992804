"""The production backends are really in use when configured (CI runs this leg on PostgreSQL + Redis).

Without DATABASE_URL/REDIS_URL these skip locally; in CI (CI=true) a configured backend that
does not answer fails the run instead of skipping.
"""
import os
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection


def _need(variable: str) -> None:
    if not os.environ.get(variable):
        pytest.skip(f"{variable} is not set")


@pytest.mark.postgres
@pytest.mark.django_db
def test_database_url_selects_postgresql():
    _need("DATABASE_URL")
    if os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
        assert connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            cursor.execute("select version()")
            assert "PostgreSQL" in cursor.fetchone()[0]


@pytest.mark.redis
def test_redis_url_backs_the_shared_cache():
    _need("REDIS_URL")
    assert "redis" in settings.CACHES["default"]["BACKEND"].lower()
    key, value = f"probe-{uuid.uuid4()}", "shared"
    cache.set(key, value, 5)
    import redis

    raw = redis.Redis.from_url(settings.REDIS_URL)
    assert any(key in k.decode() for k in raw.keys(f"*{key}*")), "the value did not reach Redis"
    assert cache.get(key) == value
    cache.delete(key)
