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
`cache.incr`, which is atomic on Redis and on the local-memory cache; with any other cache backend
(a database cache's incr reads then writes) they are `LimitCounter` rows bumped by an UPDATE. Keys
hold digests, never an address or a name. Settings are read at run time (see README, "Limits").
"""
from __future__ import annotations

import hashlib
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.errors import InternalErrorException, LimitExceededException
from userpools.models import LimitCounter, User, UserPool

ATTEMPT_LIMIT_MESSAGE = "Attempt limit exceeded, please try after some time."
# A cache that cannot be reached: Redis's own errors, or ours where the cache backend translates them.
CACHE_DOWN = (RedisConnectionError, RedisTimeoutError, InternalErrorException)

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


def _counts_atomically() -> bool:
    # Redis INCR, and the local-memory cache's incr under its lock; other backends read then write.
    return isinstance(caches["default"], RedisCache | LocMemCache)


def _hit(name: str, window: int) -> int:
    """Count one event under `name` in the current fixed window; the count so far. With the cache
    unreachable (Redis down) the count goes to the database instead: limits hold through an outage."""
    key = f"limits:{name}:{int(time.time()) // window}"
    if not _counts_atomically():
        return _hit_row(key, window)
    try:
        cache.add(key, 0, timeout=2 * window)  # no-op when the window's counter exists
        try:
            return cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=2 * window)
            return 1
    except CACHE_DOWN:
        return _hit_row(key, window)


def _hit_row(key: str, window: int) -> int:
    """`_hit` on a database row: the UPDATE counts under the row's lock, so none is lost. It
    belongs to the caller's transaction: a call that fails afterwards takes its count back."""
    now = timezone.now()
    rows = LimitCounter.objects.filter(key=key)
    with transaction.atomic():
        if not rows.update(count=F("count") + 1):
            LimitCounter.objects.filter(expires_at__lt=now).delete()  # the windows that have passed
            try:
                with transaction.atomic():
                    LimitCounter.objects.create(key=key, count=1, expires_at=now + timedelta(seconds=2 * window))
            except IntegrityError:  # created meanwhile by a concurrent request
                rows.update(count=F("count") + 1)
        return rows.values_list("count", flat=True).get()


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
    if LimitCounter.objects.filter(key=_guess_lock_key(subject), expires_at__gt=timezone.now()).exists():
        raise LimitExceededException(ATTEMPT_LIMIT_MESSAGE)


def record_wrong_guess(subject: str) -> None:
    """Count one wrong code of the subject's; the last one allowed locks every code of theirs.
    The lock is a database row (it must hold through a cache outage, and locks are rare)."""
    if _hit(f"guess:{_digest(subject)}", settings.CODE_GUESS_WINDOW_SECONDS) >= settings.CODE_GUESS_LIMIT:
        LimitCounter.objects.update_or_create(
            key=_guess_lock_key(subject),
            defaults={"count": 1, "expires_at": timezone.now() + timedelta(seconds=settings.CODE_GUESS_LOCKOUT_SECONDS)},
        )
