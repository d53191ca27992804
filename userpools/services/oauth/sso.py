"""The hosted UI's single sign-on session: one per pool and browser, ended by /logout.

The browser holds a random key (in a signed cookie); its hash is the row's key, so the server
can end a session without the browser's help and a database leak reveals no usable key.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.utils import timezone

from userpools.models import HostedSession, User, UserPool

SESSION_SECONDS = 3600  # Cognito's hosted-UI session lasts one hour


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(pool: UserPool, user: User, auth_time: datetime) -> str:
    """A new session for this user; returns the key the browser keeps."""
    key = secrets.token_urlsafe(32)
    HostedSession.objects.filter(user=user, expires_at__lt=timezone.now()).delete()  # the user's dead sessions go
    HostedSession.objects.create(key_hash=_hash(key), pool=pool, user=user, auth_time=auth_time,
                                 expires_at=timezone.now() + timedelta(seconds=SESSION_SECONDS))
    return key


def current(pool: UserPool, key: str | None) -> HostedSession | None:
    """The live session of this pool the key opens, with an enabled user; None otherwise."""
    if not key:
        return None
    row = HostedSession.objects.select_related("user__pool").filter(key_hash=_hash(key), pool=pool).first()
    if row is None or row.revoked_at is not None or row.expires_at <= timezone.now() or not row.user.enabled:
        return None
    valid_after = row.user.tokens_valid_after
    if valid_after is not None and row.auth_time <= valid_after:  # global sign-out ends it too
        return None
    return row


def end(pool: UserPool, key: str | None) -> None:
    """/logout: the session the key opens ends now."""
    if key:
        HostedSession.objects.filter(key_hash=_hash(key), pool=pool, revoked_at__isnull=True).update(revoked_at=timezone.now())
