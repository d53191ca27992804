"""The opaque Session that carries a sign-in from one challenge to the next.

It is a Fernet token (encrypted and authenticated, with its own timestamp) holding the pool,
client, user, pending challenge, whether the admin API started it, the time of the first factor,
a fingerprint of the user's password hash and the sign-in's progress (what the stages have
learned so far, e.g. which MFA factor passed), so it cannot be forged, read, moved to another
client or user, or replayed once the challenge has changed the password. It lives for the
client's AuthSessionValidity.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from core.errors import NotAuthorizedException
from userpools.domain import client_auth
from userpools.models import User, UserPoolClient
from userpools.services.signin import clock

INVALID = "Invalid session for the user."
EXPIRED = "Invalid session for the user, session is expired."


@dataclass(frozen=True)
class PendingChallenge:
    """What an encrypted Session says: whose sign-in, which challenge, since when, and the progress so far."""

    user_sub: str
    challenge: str
    auth_time: datetime
    password_fingerprint: str
    progress: dict = field(default_factory=dict)  # JSON facts the stages keep between challenges


@functools.lru_cache(maxsize=4)
def _fernet(key_material: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"auth-session").derive(key_material.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def password_fingerprint(user: User) -> str:
    """A keyed digest of the stored hash: changes whenever the password does, reveals nothing."""
    key = hashlib.sha256(f"session-fingerprint:{settings.ENCRYPTION_KEY}".encode()).digest()
    return hmac.new(key, user.password.encode(), hashlib.sha256).hexdigest()[:32]


def issue(client: UserPoolClient, user: User, challenge: str, *, admin: bool, auth_time: datetime, progress: dict | None = None) -> str:
    """An encrypted Session for the pending `challenge` of this user's sign-in."""
    payload = {
        "p": client.pool_id,
        "c": client.client_id,
        "a": admin,
        "u": str(user.sub),
        "ch": challenge,
        "t": int(auth_time.timestamp()),
        "f": password_fingerprint(user),
        "s": progress or {},
    }
    data = json.dumps(payload, separators=(",", ":")).encode()
    return _fernet(settings.ENCRYPTION_KEY).encrypt_at_time(data, int(clock.now().timestamp())).decode()


def _open(token: str) -> tuple[dict, int]:
    fernet = _fernet(settings.ENCRYPTION_KEY)
    try:
        raw = token.encode()
        payload = json.loads(fernet.decrypt(raw))
        return payload, fernet.extract_timestamp(raw)
    except (InvalidToken, ValueError, UnicodeError):
        raise NotAuthorizedException(INVALID) from None


def client_of(token: str) -> tuple[str, str, bool]:
    """(pool id, client id, admin) of a session, for operations that take a Session without a
    ClientId (AssociateSoftwareToken, VerifySoftwareToken); `read` then checks the rest."""
    payload, _ = _open(token)
    return payload["p"], payload["c"], payload["a"]


def read(token: str, client: UserPoolClient, *, admin: bool) -> PendingChallenge:
    """The pending challenge in `token`, if it is ours, unexpired, and for this client and API."""
    payload, issued_at = _open(token)
    if payload.get("p") != client.pool_id or payload.get("c") != client.client_id or payload.get("a") != admin:
        raise NotAuthorizedException(INVALID)
    if clock.now().timestamp() - issued_at > client_auth.auth_session_seconds(client):
        raise NotAuthorizedException(EXPIRED)
    return PendingChallenge(
        user_sub=payload["u"],
        challenge=payload["ch"],
        auth_time=datetime.fromtimestamp(payload["t"], tz=UTC),
        password_fingerprint=payload["f"],
        progress=payload.get("s") or {},
    )


def still_valid_for(pending: PendingChallenge, user: User) -> bool:
    """Whether the user's password is unchanged since the Session was issued."""
    return hmac.compare_digest(pending.password_fingerprint, password_fingerprint(user))
