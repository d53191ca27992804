"""The production backends are really in use when configured (CI runs this leg on PostgreSQL + Redis),
and the embedded ones when not: every test here asserts on whichever leg it runs.

In CI (CI=true) a configured backend that does not answer fails the run.
"""
import os
import uuid
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

# The DATABASE_URL schemes the service supports, and the Django vendor each must select.
VENDOR_BY_SCHEME = {"postgres": "postgresql", "postgresql": "postgresql", "pgsql": "postgresql", "sqlite": "sqlite"}


@pytest.mark.django_db
def test_database_url_selects_its_backend():
    url = os.environ.get("DATABASE_URL")
    if not url:
        assert connection.vendor == "sqlite", "without DATABASE_URL the embedded SQLite database is used"
        return
    scheme = urlsplit(url).scheme
    assert scheme in VENDOR_BY_SCHEME, f"DATABASE_URL has the unsupported scheme {scheme!r} (expected one of {sorted(VENDOR_BY_SCHEME)})"
    assert connection.vendor == VENDOR_BY_SCHEME[scheme]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("select version()")
            assert "PostgreSQL" in cursor.fetchone()[0]


def test_without_redis_url_the_cache_is_local():
    if os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is set (test_redis_url_backs_the_shared_cache covers it)")
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert settings.CELERY_BROKER_URL is None


@pytest.mark.redis
def test_redis_url_backs_the_shared_cache():
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set (test_without_redis_url_the_cache_is_local covers it)")
    assert "redis" in settings.CACHES["default"]["BACKEND"].lower()
    key, value = f"probe-{uuid.uuid4()}", "shared"
    cache.set(key, value, 5)
    import redis

    raw = redis.Redis.from_url(settings.REDIS_URL)
    assert any(key in k.decode() for k in raw.keys(f"*{key}*")), "the value did not reach Redis"
    assert cache.get(key) == value
    cache.delete(key)
