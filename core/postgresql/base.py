"""Django's PostgreSQL backend, with a health check that costs a poll instead of a round trip.

With CONN_HEALTH_CHECKS, Django sends `SELECT 1` on a kept connection before each request's first
query: a round trip per request, a measurable share of a cheap call's CPU. A connection the server
has ended (a restart, `pg_terminate_backend`, an idle timeout) always leaves something to read on
its socket: the server's FATAL message, or end of file once the kernel saw the close. So the
check first polls the socket without waiting. Only a readable (or broken) connection gets
Django's `SELECT 1`, which closes it when it fails; a connection with nothing to read is used as
it is. What no poll can see (a host gone without a word) a `SELECT 1` would only find by timing
out too; the request's own query fails the same way and Django drops the connection after it.
"""
from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    health_check_done: bool  # Django's, set in connect() and reset as each request starts

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
