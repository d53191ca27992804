"""TOTP (RFC 6238) for software-token MFA, on django-otp's pure `oath.TOTP`.

Framework-free: secrets are base32 text (what authenticator apps take), codes are six digits
every 30 seconds. `matching_step` accepts the current step and one step either side (clock
drift) and never a step at or before `last_step`, so a code cannot be used twice; the caller
stores the returned step under a row lock.
"""
from __future__ import annotations

import base64
import binascii
import hmac
import secrets

from django_otp.oath import TOTP

SECRET_BYTES = 20  # 160 bits, RFC 4226's recommended key length
DIGITS = 6
STEP_SECONDS = 30
DRIFT_STEPS = 1


def new_secret() -> str:
    """A fresh random secret in unpadded base32 (32 characters)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode().rstrip("=")


def _key(secret: str) -> bytes:
    padded = secret.upper() + "=" * (-len(secret) % 8)
    return base64.b32decode(padded)


def code_at(secret: str, at: float, drift: int = 0) -> str:
    """The code of `secret` at time `at` (`drift` steps later), as an authenticator app shows it."""
    totp = TOTP(_key(secret), step=STEP_SECONDS, digits=DIGITS, drift=drift)
    totp.time = at
    return f"{totp.token():0{DIGITS}d}"


def step_at(at: float) -> int:
    """The TOTP time step of time `at`."""
    return int(at) // STEP_SECONDS


def matching_step(secret: str, code: str, at: float, last_step: int | None) -> int | None:
    """The time step whose code `code` is (within the drift window, after `last_step`), or None."""
    if len(code) != DIGITS or not code.isdigit():
        return None
    try:
        key = _key(secret)
    except (binascii.Error, ValueError):
        return None
    current = step_at(at)
    for offset in (0, -DRIFT_STEPS, DRIFT_STEPS):
        step = current + offset
        if last_step is not None and step <= last_step:
            continue
        totp = TOTP(key, step=STEP_SECONDS, digits=DIGITS, drift=offset)
        totp.time = at
        if hmac.compare_digest(f"{totp.token():0{DIGITS}d}", code):
            return step
    return None
