"""The time claims of a token we signed, judged against a clock: pure, no database.

`exp` must lie in the future and no further from `iat` than the client's configured lifetime;
`iat` and `nbf` may lie in the future by a small clock skew only (other hosts' clocks, the
second `iat` is rounded to).
"""
from __future__ import annotations

from typing import Any, TypeGuard


def _number(value: Any) -> TypeGuard[int]:
    """A whole NumericDate (booleans are ints to Python, not to JSON)."""
    return isinstance(value, int) and not isinstance(value, bool)


def well_formed(claims: dict[str, Any], *, now: int, lifetime: int, skew: int) -> bool:
    """Whether `iat`, `nbf` and `exp` are whole numbers that fit together and the clock:
    issued no later than now + skew, not valid-from later than now + skew, and expiring at
    most `lifetime` (+ skew) seconds after issue. Expiry itself is `expired`'s concern."""
    iat, exp, nbf = claims.get("iat"), claims.get("exp"), claims.get("nbf", claims.get("iat"))
    if not (_number(iat) and _number(exp) and _number(nbf)):
        return False
    return iat <= now + skew and nbf <= now + skew and iat < exp <= iat + lifetime + skew


def expired(claims: dict[str, Any], *, now: int) -> bool:
    """Whether a well-formed token's `exp` has passed (no allowance: we are the issuer)."""
    return bool(claims["exp"] <= now)
