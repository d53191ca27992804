"""Answers for names nobody has, where the app client prevents user-existence errors.

A client with PreventUserExistenceErrors ENABLED must answer a real user and an unknown name
alike, in type, message and time. The code operations do it with a *phantom* code: ForgotPassword
and ResendConfirmationCode "send" one to a simulated destination, and ConfirmForgotPassword and
ConfirmSignUp redeem it by the rules a real code follows (no code: ExpiredCodeException; wrong
code: CodeMismatchException, counted; the sixth: LimitExceededException), kept in the shared cache
by pool and name. Real users whose answer would otherwise reveal them (disabled, already
confirmed, no pending code, no contact to send to) are answered the same way.

`no_sooner` gives those operations one duration: the answer waits until
HIDDEN_USER_MIN_RESPONSE_MS have passed, whatever work (database writes, a mail queued at
commit) the path did.
"""
from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache

from core.errors import CodeMismatchException, ExpiredCodeException, LimitExceededException
from userpools.domain import codes
from userpools.models import UserPool
from userpools.services import limits, lookup, verification

WRONG_CODE = "Invalid verification code provided, please try again."
NO_CODE = "Invalid code provided, please request a code again."


@contextmanager
def no_sooner(enabled: bool) -> Iterator[None]:
    """Let the `with` body's answer (or error) leave no sooner than the configured floor."""
    started = time.monotonic()
    try:
        yield
    finally:
        if enabled:
            remaining = settings.HIDDEN_USER_MIN_RESPONSE_MS / 1000 - (time.monotonic() - started)
            if remaining > 0:
                time.sleep(remaining)


def subject(pool: UserPool, username: str) -> str:
    """The limits' subject for a name nobody (visible) has."""
    return limits.name_subject(pool, lookup.username_key(pool, username))


def _key(pool: UserPool, username: str, purpose: str) -> str:
    digest = hashlib.sha256(f"{pool.id}\0{lookup.username_key(pool, username)}\0{purpose}".encode()).hexdigest()
    return f"hidden-users:code:{digest}"


def simulated_send(pool: UserPool, username: str, purpose: str) -> dict:
    """Issue a phantom code for `purpose` and answer believable CodeDeliveryDetails. A code is
    made and hashed as for a real user, so the work matches too."""
    codes.hash_code(codes.generate_code(), salt=f"{pool.id}:{purpose}")
    with contextlib.suppress(*limits.CACHE_DOWN):  # a phantom is not worth failing the call for
        cache.set(_key(pool, username, purpose), 0, timeout=int(verification.LIFETIMES[purpose].total_seconds()))
    return verification.simulated_details(pool, username)


def redeem(pool: UserPool, username: str, purpose: str, *, pending_without_send: bool = False) -> None:
    """Answer a code for a phantom as a real user's wrong code would be answered (always raises).

    `pending_without_send`: a code counts as pending even if none was "sent" (sign-up sends one
    at SignUp, which a phantom never had).
    """
    who = subject(pool, username)
    limits.refuse_if_guessing_locked(who)
    key = _key(pool, username, purpose)
    try:
        failed = cache.get(key)
    except limits.CACHE_DOWN:  # the phantom's state is lost with the cache: as if no code were sent
        failed = None
    if failed is None:
        if not pending_without_send:
            raise ExpiredCodeException(NO_CODE)
        failed = 0
    if failed >= verification.MAX_FAILED_ATTEMPTS:
        raise LimitExceededException(verification.ATTEMPT_LIMIT_MESSAGE)
    with contextlib.suppress(*limits.CACHE_DOWN):
        cache.set(key, failed + 1, timeout=int(verification.LIFETIMES[purpose].total_seconds()))
    limits.record_wrong_guess(who)
    raise CodeMismatchException(WRONG_CODE)
