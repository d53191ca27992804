"""Whether the dependencies a request needs answer now: each database alias and, when configured,
Redis (cache and Celery broker). Short timeouts, so a probe never hangs on a dead Redis."""
from __future__ import annotations

import redis
from django.conf import settings
from django.db import DatabaseError, connections

REDIS_TIMEOUT_SECONDS = 1.0


def check_all() -> dict[str, str]:
    """Each dependency's state: "ok", or the kind of failure (never its message: it may hold a URL)."""
    checks = {_name(alias): _database(alias) for alias in connections}
    if settings.REDIS_URL:
        checks["redis"] = _redis(settings.REDIS_URL)
    return checks


def _name(alias: str) -> str:
    return "database" if alias == "default" else f"database:{alias}"


def _database(alias: str) -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        connections[alias].close()  # a broken connection must not be reused by the next request
        return f"unavailable: {type(exc).__name__}"
    return "ok"


def _redis(url: str) -> str:
    client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS)
    try:
        client.ping()
    except redis.RedisError as exc:
        return f"unavailable: {type(exc).__name__}"
    finally:
        client.close()
    return "ok"
