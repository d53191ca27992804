"""Limits on sending codes and on guessing them, shared by every app server.

- **Sending**: ForgotPassword, ResendConfirmationCode, GetUserAttributeVerificationCode and the
  SMS/email MFA challenges each count their requests per user (`CODE_SEND_USER_LIMIT`) and per
  source address (`CODE_SEND_IP_LIMIT`), and every code mailed or texted counts against its
  destination address or number (`CODE_SEND_DESTINATION_LIMIT`), all within
  `CODE_SEND_WINDOW_SECONDS`. Past a limit the call fails with Cognito's LimitExceededException
  before any code is made, so a fresh code cannot buy fresh guesses and a victim's inbox cannot
  be flooded.
- **Guessing**: wrong codes are counted per user across every code (sign-up, recovery, attribute
  verification, MFA), not per code; `CODE_GUESS_LIMIT` of them within `CODE_GUESS_WINDOW_SECONDS`
  lock the user's codes for `CODE_GUESS_LOCKOUT_SECONDS`, the right code included.

A subject is an opaque string: `user_subject` for a user, `name_subject` for a name nobody has
(clients that hide which users exist count those the same way, so the limits reveal nothing).
Counters live in Django's cache (Redis in production) and are bumped with `cache.add` then
`cache.incr`, which is atomic on Redis and on the local-memory cache; keys hold digests, never
an address or a name. Settings are read at run time (see README, "Limits").
"""
from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from core.errors import LimitExceededException
from userpools.models import User, UserPool

ATTEMPT_LIMIT_MESSAGE = "Attempt limit exceeded, please try after some time."

# The requests that send a code, each counted on its own.
FORGOT_PASSWORD = "forgot-password"
RESEND_CONFIRMATION = "resend-confirmation"
ATTRIBUTE_CODE = "attribute-code"
MFA_CODE = "mfa-code"


def user_subject(user: User) -> str:
    return f"user:{user.sub}"


def name_subject(pool: UserPool, username_key: str) -> str:
    return f"name:{pool.id}:{username_key}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def _hit(name: str, window: int) -> int:
    """Count one event under `name` in the current fixed window; the count so far."""
    key = f"limits:{name}:{int(time.time()) // window}"
    cache.add(key, 0, timeout=2 * window)  # no-op when the window's counter exists
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=2 * window)
        return 1


def count_code_request(operation: str, subject: str, source_ip: str | None) -> None:
    """Count one request for a code by `subject` from `source_ip`; LimitExceededException once
    either is past its limit in the window."""
    window = settings.CODE_SEND_WINDOW_SECONDS
    over = _hit(f"send:{operation}:{_digest(subject)}", window) > settings.CODE_SEND_USER_LIMIT
    if source_ip:
        over = _hit(f"send-ip:{_digest(source_ip)}", window) > settings.CODE_SEND_IP_LIMIT or over
    if over:
        raise LimitExceededException(ATTEMPT_LIMIT_MESSAGE)


def count_delivery(destination: str) -> None:
    """Count one code mailed or texted to `destination`; LimitExceededException past its limit."""
    window = settings.CODE_SEND_WINDOW_SECONDS
    if _hit(f"to:{_digest(destination.strip().lower())}", window) > settings.CODE_SEND_DESTINATION_LIMIT:
        raise LimitExceededException(ATTEMPT_LIMIT_MESSAGE)


def _guess_lock_key(subject: str) -> str:
    return f"limits:guess-lock:{_digest(subject)}"


def refuse_if_guessing_locked(subject: str) -> None:
    """LimitExceededException while the subject's codes are locked after too many wrong ones."""
    if cache.get(_guess_lock_key(subject)):
        raise LimitExceededException(ATTEMPT_LIMIT_MESSAGE)


def record_wrong_guess(subject: str) -> None:
    """Count one wrong code of the subject's; the last one allowed locks every code of theirs."""
    if _hit(f"guess:{_digest(subject)}", settings.CODE_GUESS_WINDOW_SECONDS) >= settings.CODE_GUESS_LIMIT:
        cache.add(_guess_lock_key(subject), 1, timeout=settings.CODE_GUESS_LOCKOUT_SECONDS)
