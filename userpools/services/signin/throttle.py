"""Per-source-IP limit on failed sign-ins, against password spraying (many users, few guesses each,
which the per-user lockout never sees).

Failures are counted in fixed windows in Django's cache (Redis in production) with an atomic
increment, so all app servers share the count. Once a source reaches the limit, every sign-in
from it is refused with TooManyRequestsException until the window ends. IAM-signed admin calls
are not throttled here: their source is the app's own backend.

Settings (read at run time): SIGN_IN_IP_FAILURE_LIMIT (default 100), SIGN_IN_IP_WINDOW_SECONDS (default 300).
"""
from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from core import generation
from core.errors import TooManyRequestsException
from userpools.services.signin import clock

MESSAGE = "Too many failed sign-in attempts from this source. Try again later."


def _limit() -> int:
    return settings.SIGN_IN_IP_FAILURE_LIMIT


def _window() -> int:
    return settings.SIGN_IN_IP_WINDOW_SECONDS


def _key(source_ip: str) -> str:
    window = _window()
    return f"signin:ip-failures:{source_ip}:{int(clock.now().timestamp()) // window}"


def read_ahead(source_ip: str | None) -> None:
    """Fetch the address's failure count with the cache generations, when this request reads them
    (core.generation.read_along; a worker reuses them for a few milliseconds otherwise), so that
    `refuse_if_throttled` costs no round trip of its own. Call before the pool or client is looked up."""
    if source_ip:
        generation.read_along(_key(source_ip))


def refuse_if_throttled(source_ip: str | None) -> None:
    """TooManyRequestsException while the address has too many recent failures."""
    if source_ip and (generation.value_read_along(_key(source_ip)) or 0) >= _limit():
        raise TooManyRequestsException(MESSAGE)


def record_failure(source_ip: str | None) -> None:
    """Count one failed sign-in from the address in the current window."""
    if not source_ip:
        return
    key = _key(source_ip)
    cache.add(key, 0, timeout=2 * _window())  # no-op when the window's counter exists
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=2 * _window())
