"""The cache every app process shares when there is no Redis: Django's database cache, made fit
for counters and single-use markers.

Throttles, lockout windows, SRP secret blocks and challenge sessions, and the generations that
invalidate in-process caches must be seen by every web worker, so without Redis they live in
a database table. Three things differ from Django's own DatabaseCache:

- Its writes never join the request's transaction: the table sits behind a database alias of its
  own (`CACHE_DATABASE_ALIAS`, routed by `CacheRouter`), so a failed sign-in that rolls back still
  counts, as it does in Redis. On SQLite that alias is a second file: the request's transaction
  holds the main file's only write lock.
- `add` and `set` are one upsert statement, and `incr` runs under a row lock, so concurrent
  processes neither both win an `add` nor lose an increment.
- Nothing live is ever culled (a culled single-use marker could be replayed); expired rows are
  deleted by `purge_expired` (`manage.py purgeexpired`, the Celery beat schedule).
"""
from __future__ import annotations

import base64
import pickle
from datetime import UTC, datetime
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import BaseDatabaseCache
from django.db import connections, router, transaction
from django.utils import timezone

CACHE_DATABASE_ALIAS = "cache"
_FOREVER = datetime(9999, 12, 31, tzinfo=UTC)


class CacheRouter:
    """Sends the cache table, and nothing else, to the cache's own database alias."""

    @staticmethod
    def _is_cache(model: Any) -> bool:
        return model._meta.app_label == "django_cache"

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return CACHE_DATABASE_ALIAS if self._is_cache(model) else None

    db_for_write = db_for_read

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return (app_label == "django_cache") == (db == CACHE_DATABASE_ALIAS)


class SharedDatabaseCache(BaseDatabaseCache):
    """A database cache with atomic `add` and `incr` and no eviction (see the module doc)."""

    def _db(self) -> tuple[Any, str, Any]:
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        return connection, connection.ops.quote_name(self._table), connection.ops.quote_name

    def _expiry(self, timeout: Any) -> Any:
        seconds = self.get_backend_timeout(timeout)
        moment = _FOREVER if seconds is None else datetime.fromtimestamp(seconds, tz=UTC)
        return connections[router.db_for_write(self.cache_model_class)].ops.adapt_datetimefield_value(moment)

    @staticmethod
    def _encode(value: Any) -> str:
        return base64.b64encode(pickle.dumps(value, pickle.HIGHEST_PROTOCOL)).decode("latin1")

    @staticmethod
    def _decode(connection: Any, text: Any) -> Any:
        return pickle.loads(base64.b64decode(connection.ops.process_clob(text).encode()))  # noqa: S301 - our own rows

    def _now(self) -> Any:
        return connections[router.db_for_write(self.cache_model_class)].ops.adapt_datetimefield_value(timezone.now())

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return self.get_many([key], version).get(key, default)

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        wanted = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not wanted:
            return {}
        connection, table, q = self._db()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {q('cache_key')}, {q('value')} FROM {table} WHERE {q('cache_key')} IN ({', '.join(['%s'] * len(wanted))})"
                f" AND {q('expires')} > %s",
                [*wanted, self._now()],
            )
            return {wanted[key]: self._decode(connection, value) for key, value in cursor.fetchall()}

    def _upsert(self, key: str, value: Any, timeout: Any, *, only_if_expired: bool) -> bool:
        connection, table, q = self._db()
        condition = f" WHERE {table}.{q('expires')} <= %s" if only_if_expired else ""
        params = [key, self._encode(value), self._expiry(timeout)] + ([self._now()] if only_if_expired else [])
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({q('cache_key')}, {q('value')}, {q('expires')}) VALUES (%s, %s, %s)"
                f" ON CONFLICT ({q('cache_key')}) DO UPDATE SET {q('value')} = excluded.{q('value')},"
                f" {q('expires')} = excluded.{q('expires')}{condition}",
                params,
            )
            return cursor.rowcount == 1

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._upsert(self.make_and_validate_key(key, version=version), value, timeout, only_if_expired=False)

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        """Store only when the key is absent or expired; True when this call stored it."""
        return self._upsert(self.make_and_validate_key(key, version=version), value, timeout, only_if_expired=True)

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Add `delta` under the row's lock (SQLite: the write lock its IMMEDIATE transactions take)."""
        full_key = self.make_and_validate_key(key, version=version)
        connection, table, q = self._db()
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {q('value')} FROM {table} WHERE {q('cache_key')} = %s AND {q('expires')} > %s{lock}",
                [full_key, self._now()],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = self._decode(connection, row[0]) + delta
            cursor.execute(f"UPDATE {table} SET {q('value')} = %s WHERE {q('cache_key')} = %s", [self._encode(value), full_key])
        return value

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        connection, table, q = self._db()
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {q('expires')} = %s WHERE {q('cache_key')} = %s AND {q('expires')} > %s",
                [self._expiry(timeout), self.make_and_validate_key(key, version=version), self._now()],
            )
            return cursor.rowcount == 1

    def delete(self, key: str, version: int | None = None) -> bool:
        return self._delete([self.make_and_validate_key(key, version=version)])

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._delete([self.make_and_validate_key(key, version=version) for key in keys])

    def _delete(self, keys: list[str]) -> bool:
        if not keys:
            return False
        connection, table, q = self._db()
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE {q('cache_key')} IN ({', '.join(['%s'] * len(keys))})", keys)
            return cursor.rowcount > 0

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self.get(key, _MISSING, version=version) is not _MISSING

    def clear(self) -> None:
        connection, table, _ = self._db()
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")

    def purge_expired(self) -> int:
        """Delete the rows whose time is up; the number deleted."""
        connection, table, q = self._db()
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE {q('expires')} <= %s", [self._now()])
            return cursor.rowcount


_MISSING = object()
