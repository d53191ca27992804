"""Cognito's lockout schedule for failed password sign-ins.

After five consecutive failures a user is locked for 2^(n-5) seconds (n counting the failures,
not the attempts refused while locked), capped at about 15 minutes; refused attempts say
"Password attempts exceeded". A success after the lock, or 15 minutes without any attempt,
starts the count again. The counters live on the User row and are changed under a row lock, so
every app server shares them and concurrent failures are all counted.
"""
from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Case, F, Q, Value, When

from core import metrics
from core.errors import NotAuthorizedException
from userpools.models import User
from userpools.services.signin import clock

FREE_FAILURES = 4  # the fifth failure starts the first lock
MAX_LOCK_SECONDS = 15 * 60
QUIET_RESET = timedelta(minutes=15)
LOCKED_MESSAGE = "Password attempts exceeded"


def lock_seconds(failures: int) -> int:
    """How long the user is locked after `failures` consecutive failures (0: not locked)."""
    if failures <= FREE_FAILURES:
        return 0
    return min(2 ** (failures - FREE_FAILURES - 1), MAX_LOCK_SECONDS)


def refuse_if_locked(user: User) -> None:
    """Raise "Password attempts exceeded" while the user is locked.

    A refused attempt is still an attempt: it restarts the quiet period but not the count.
    """
    now = clock.now()
    if user.locked_until is None or now >= user.locked_until:
        return
    User.objects.filter(pk=user.pk).update(last_failed_sign_in=now)
    raise NotAuthorizedException(LOCKED_MESSAGE)


def record_failure(user: User) -> None:
    """Count one wrong password, locking the user when the schedule says so."""
    now = clock.now()
    users = User.objects.filter(pk=user.pk)
    with transaction.atomic():
        # Counting in the UPDATE itself takes the row's write lock first (on SQLite as well as
        # PostgreSQL), so concurrent failures queue here and none is lost.
        quiet = Q(last_failed_sign_in__isnull=True) | Q(last_failed_sign_in__lte=now - QUIET_RESET)
        users.update(
            failed_sign_ins=Case(When(quiet, then=Value(1)), default=F("failed_sign_ins") + 1),
            last_failed_sign_in=now,
        )
        seconds = lock_seconds(users.values_list("failed_sign_ins", flat=True).get())
        if seconds:
            users.update(locked_until=now + timedelta(seconds=seconds))
            metrics.LOCKOUTS.inc()


def record_success(user: User) -> None:
    """A correct password clears the count (the caller has already refused locked users)."""
    if user.failed_sign_ins or user.locked_until or user.last_failed_sign_in:
        User.objects.filter(pk=user.pk).update(failed_sign_ins=0, last_failed_sign_in=None, locked_until=None)
        user.failed_sign_ins, user.last_failed_sign_in, user.locked_until = 0, None, None
