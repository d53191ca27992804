"""Django's PostgreSQL backend, with a health check that costs a poll instead of a round trip.

With CONN_HEALTH_CHECKS, Django sends `SELECT 1` on a kept connection before each request's first
query: a round trip per request, a measurable share of a cheap call's CPU. A connection the server
has ended (a restart, `pg_terminate_backend`, an idle timeout) always leaves something to read on
its socket: the server's FATAL message, or end of file once the kernel saw the close. So the
check first polls the socket without waiting. Only a readable (or broken) connection gets
Django's `SELECT 1`, which closes it when it fails; a connection with nothing to read is used as
it is. What no poll can see (a host gone without a word) a `SELECT 1` would only find by timing
out too; the request's own query fails the same way and Django drops the connection after it.

`prepared_cursor` serves the few statements made once in code (core.prepared, userpools.hot_reads)
and run on every call: the server binds their parameters and keeps each one prepared on the
connection, so it is parsed and planned once, and psycopg dumps the parameters in C instead of
quoting each into the text. Django turns prepared statements off for everything else, for the
sake of connection poolers; DB_PREPARED_STATEMENTS=false does so for these too.
"""
from __future__ import annotations

import select
from datetime import UTC

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base
from psycopg.pq import Format


class PreparedCursor(base.ServerBindingCursor):
    """A cursor whose every statement the server binds and keeps prepared (psycopg names and reuses it).

    One is kept per connection and lent to one statement at a time (`DatabaseWrapper.prepared_cursor`):
    making a psycopg cursor and registering its loader cost ~0.05 M instructions, a few percent of a
    GetUser. Closing the kept one only ends the loan (the rows it last read are dropped at its next
    execute); one made for a statement nested in a loan is closed for real.
    """

    lent = False
    kept = False

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)

    def close(self) -> None:
        self.lent = False
        if not self.kept:
            super().close()


# psycopg's own timestamptz loader (its C one with psycopg[binary]), as no connection Django made overrides it.
_PSYCOPG_TIMESTAMPTZ = psycopg.adapters.get_loader(base.TIMESTAMPTZ_OID, Format.TEXT)

# psycopg prepares a statement once it has run this many times; Django turns that off (None). So
# high a threshold leaves every other statement unprepared, as Django has it, while a statement
# executed with prepare=True (PreparedCursor) is prepared at once.
_ONLY_WHEN_ASKED = 2**31


class DatabaseWrapper(base.DatabaseWrapper):
    health_check_done: bool  # Django's, set in connect() and reset as each request starts
    _kept_cursor: PreparedCursor | None = None  # lent by prepared_cursor(), on the connection it was made on

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if settings.DB_PREPARED_STATEMENTS and connection.prepare_threshold is None:
            connection.prepare_threshold = _ONLY_WHEN_ASKED
        return connection

    def prepared_cursor(self):
        """A cursor as `cursor()` gives (health check, wrappers, query logging), for statements
        worth keeping prepared; the usual one when DB_PREPARED_STATEMENTS is off."""
        if not settings.DB_PREPARED_STATEMENTS:
            return self.cursor()
        self.close_if_health_check_failed()
        self.ensure_connection()
        kept = self._kept_cursor
        if kept is None or kept.connection is not self.connection:  # first use, or a new connection
            kept = self._kept_cursor = self._new_prepared_cursor()
            kept.kept = True
        cursor = self._new_prepared_cursor() if kept.lent else kept  # a statement run while one holds it gets its own
        wrapped = self._prepare_cursor(cursor)
        cursor.lent = True
        return wrapped

    def _new_prepared_cursor(self) -> PreparedCursor:
        with self.wrap_database_errors:
            cursor = PreparedCursor(self.connection)
            # As create_cursor does: the connection's timestamp loader unless it disagrees.
            if self.timezone != self.connection.adapters.get_loader(base.TIMESTAMPTZ_OID, Format.TEXT).timezone:
                base.register_tzloader(self.timezone, cursor)
            elif self.timezone == UTC and self.connection.info.parameter_status("TimeZone") == "UTC":
                # Django's loader subclasses psycopg's pure-Python one to set the tzinfo; in a UTC
                # session psycopg's own (C) loader gives the very same values, ~12x faster.
                cursor.adapters.register_loader(base.TIMESTAMPTZ_OID, _PSYCOPG_TIMESTAMPTZ)
            return cursor

    def close_if_health_check_failed(self) -> None:
        if self.connection is None or not self.health_check_enabled or self.health_check_done or self.pool:
            return
        if self.connection.broken or self.connection.closed or _readable(self.connection.fileno()):
            super().close_if_health_check_failed()  # SELECT 1: closes the connection if that fails
        self.health_check_done = True


def _readable(fd: int) -> bool:
    """Whether the idle connection's socket has data or an end of file waiting (or is unusable)."""
    poller = select.poll()
    try:
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))
    except (OSError, ValueError):
        return True
