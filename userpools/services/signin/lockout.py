"""Cognito's lockout schedule for failed password sign-ins.

After five consecutive failures a user is locked for 2^(n-5) seconds (n counting the failures,
not the attempts refused while locked), capped at about 15 minutes; refused attempts say
"Password attempts exceeded". A success after the lock, or 15 minutes without any attempt,
starts the count again. The counters live on the User row and are changed under a row lock, so
every app server shares them and concurrent failures are all counted; `proven` checks the lock and
the password under that row lock, so a burst of guesses cannot all pass the check before the fifth
failure locks the user.

Where the client hides which users exist, a name nobody has follows the same schedule, kept in the
shared cache (`refuse_if_phantom_locked`, `record_phantom_failure`), so "Password attempts exceeded"
tells a guesser nothing.
"""
from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, F, Q, Value, When

from core import metrics
from core.errors import NotAuthorizedException, ServiceError
from userpools import hot_reads
from userpools.models import User, UserPool
from userpools.services import limits
from userpools.services.signin import clock

FREE_FAILURES = 4  # the fifth failure starts the first lock
MAX_LOCK_SECONDS = 15 * 60
QUIET_RESET = timedelta(minutes=15)
LOCKED_MESSAGE = "Password attempts exceeded"
Result = TypeVar("Result")


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


def proven(user: User, proof: Callable[[User], bool], locked_error: ServiceError | None = None) -> bool:
    """Run `proof` (a password or SRP check) on the user's row locked against every other attempt,
    counting a failure; "Password attempts exceeded" (or `locked_error`) when the user is locked.

    Attempts at one user are serialised here (others are not), so each sees every failure
    before it: the fifth wrong guess locks the user for all that follow.
    """
    return _proven(user, proof, locked_error, lambda: True) is not None


def proven_then(user: User, proof: Callable[[User], bool], step: Callable[[], Result]) -> Result | None:
    """As `proven`, but a passed proof's `step` (the sign-in's next step) then runs in the same
    transaction, on the row still locked: one transaction where there were two. Its result, or
    None when the proof failed. Only for a step in which nothing else writes to the user: a
    trigger's handler calling our API would wait for the lock held here."""
    return _proven(user, proof, None, step)


def proven_by_name_then(pool: UserPool, username_key: str, proof: Callable[[User], bool],
                        step: Callable[[User], Result]) -> tuple[User | None, Result | None]:
    """As `proven_then`, for the user with this username key, read once, locked, with its
    attributes and groups: a statement fewer where nothing needs the user read before the proof
    (no triggers). (user, step's result), (user, None) when the proof failed, (None, None) when
    no user has that username (an alias may still name one)."""

    def read() -> User | None:
        user = hot_reads.locked_user_by_name(pool.pk, username_key)
        if user is not None:
            user.pool = pool
        return user

    return _locked_proof(read, proof, None, step)


def _proven(user: User, proof: Callable[[User], bool], locked_error: ServiceError | None,
            step: Callable[[], Result]) -> Result | None:
    def read() -> User:
        fresh = hot_reads.locked_user(user.pk)
        # The proof and record_success then see the row as it is now, failures counted since
        # `user` was read included.
        for field in ("password", "srp_salt", "srp_verifier_sealed", "failed_sign_ins", "last_failed_sign_in", "locked_until"):
            setattr(user, field, getattr(fresh, field))
        user.remember_groups(fresh.groups_read_ahead() or [])  # the tokens' groups, read with the row
        return user

    return _locked_proof(read, proof, locked_error, lambda _: step())[1]


def _locked_proof(read: Callable[[], User | None], proof: Callable[[User], bool], locked_error: ServiceError | None,
                  step: Callable[[User], Result]) -> tuple[User | None, Result | None]:
    now = clock.now()
    result = None
    with transaction.atomic():
        user = read()
        if user is None:
            return None, None
        locked = user.locked_until is not None and now < user.locked_until
        if locked:
            User.objects.filter(pk=user.pk).update(last_failed_sign_in=now)
        elif not proof(user):
            record_failure(user)
        else:
            result = step(user)  # its error rolls back its writes; a passed proof wrote nothing
    if locked:
        raise locked_error or NotAuthorizedException(LOCKED_MESSAGE)
    return user, result


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


# --- names nobody has (PreventUserExistenceErrors) -----------------------------------------------

def _phantom_key(pool: UserPool, username_key: str) -> str:
    digest = hashlib.sha256(f"{pool.id}\0{username_key}".encode()).hexdigest()
    return f"signin:phantom-lockout:{digest}"


def refuse_if_phantom_locked(pool: UserPool, username_key: str) -> None:
    """As `refuse_if_locked`, for a name nobody has."""
    key = _phantom_key(pool, username_key)
    try:
        state = cache.get(key)
    except limits.CACHE_DOWN:  # a phantom's lock is not worth failing the call for
        return
    now = clock.now()
    if state and state["until"] is not None and now.timestamp() < state["until"]:
        cache.set(key, {**state, "last": now.timestamp()}, timeout=MAX_LOCK_SECONDS + int(QUIET_RESET.total_seconds()))
        raise NotAuthorizedException(LOCKED_MESSAGE)


def record_phantom_failure(pool: UserPool, username_key: str) -> None:
    """As `record_failure`, for a name nobody has. The count is a best effort (get, then set): it
    only has to look like a real user's, and nobody's account hangs on it."""
    key = _phantom_key(pool, username_key)
    try:
        state = cache.get(key)
    except limits.CACHE_DOWN:
        return
    now = clock.now().timestamp()
    quiet = state is None or now - state["last"] >= QUIET_RESET.total_seconds()
    failures = 1 if quiet else state["failures"] + 1
    seconds = lock_seconds(failures)
    with contextlib.suppress(*limits.CACHE_DOWN):
        cache.set(key, {"failures": failures, "last": now, "until": now + seconds if seconds else None},
                  timeout=MAX_LOCK_SECONDS + int(QUIET_RESET.total_seconds()))
