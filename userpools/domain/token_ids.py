"""Token ids (`jti`) that carry their issue time below the second.

A token's `iat` has whole seconds, so it cannot tell a token minted just before a sign-out from
one minted just after it in the same second. Its `jti` can: a UUID version 7 (RFC 9562) holds
the Unix time in milliseconds, and its 12 `rand_a` bits the fraction of the millisecond
(RFC 9562, 6.2, method 3), which is finer than a microsecond. Pure: no database, no clock.
"""
from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta

_VERSION = 7
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SUB_MS_STEPS = 4096  # 12 bits of rand_a


def new_token_id(issued_at: datetime) -> str:
    """A UUIDv7 string whose time is `issued_at` (an aware datetime) to the microsecond."""
    micros = (issued_at - _EPOCH) // timedelta(microseconds=1)
    millis, rest = divmod(micros, 1000)
    fraction = rest * _SUB_MS_STEPS // 1000
    value = (millis & (2**48 - 1)) << 80
    value |= _VERSION << 76
    value |= fraction << 64
    value |= 0b10 << 62  # the RFC 9562 variant
    value |= secrets.randbits(62)
    return str(uuid.UUID(int=value))


def issued_at(token_id: object) -> datetime | None:
    """The issue time a token id made by `new_token_id` carries, or None for any other id
    (e.g. the random version-4 ids of tokens minted before)."""
    try:
        parsed = uuid.UUID(str(token_id))
    except ValueError:
        return None
    if parsed.version != _VERSION or parsed.variant != uuid.RFC_4122:
        return None
    millis = parsed.int >> 80
    fraction = (parsed.int >> 64) & (_SUB_MS_STEPS - 1)
    # The fraction was rounded down from whole microseconds in steps finer than one, so the
    # smallest whole microsecond at or above it is exactly the one encoded.
    rest = -(-fraction * 1000 // _SUB_MS_STEPS)
    return _EPOCH + timedelta(microseconds=millis * 1000 + rest)
