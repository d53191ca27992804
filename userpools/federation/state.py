"""Federated sign-ins in flight. What must survive the trip to the provider (the original
/oauth2/authorize parameters, the OIDC nonce and PKCE verifier, the SAML request id) stays on
our side, in the shared cache, under a random key; only the key travels (as `state` or SAML
`RelayState`, which may be 80 bytes at most). A key is good once and for ten minutes, and only
in the browser that started the sign-in: that browser holds the key's `proof` (in a cookie, see
`csrf_cookie`), so a callback link handed to someone else (login CSRF) finishes nothing."""
from __future__ import annotations

import hmac
import secrets

from django.core.cache import cache
from django.utils.crypto import salted_hmac

from core.errors import NotAuthorizedException

LIFETIME_SECONDS = 600
_PREFIX = "federation:pending:"


def new_key() -> str:
    """A fresh, unguessable key for one sign-in."""
    return secrets.token_urlsafe(32)


def save(key: str, pending: dict) -> None:
    """Keep `pending` (JSON-able) under `key` for ten minutes."""
    cache.set(_PREFIX + key, pending, LIFETIME_SECONDS)


def proof(key: str) -> str:
    """What the starting browser keeps to show the key is its own (an HMAC: the key cannot be read back from it)."""
    return salted_hmac("userpools.federation.state", key, algorithm="sha256").hexdigest()


def take(key: str, browser_proof: str) -> dict:
    """The pending sign-in of `key`, removed so no one can use it again; NotAuthorizedException if
    `browser_proof` is not the key's (another browser), or it is unknown, expired or already taken
    (of two concurrent takers only the one whose delete removed it wins)."""
    if not key or len(key) > 64:
        raise NotAuthorizedException("Invalid state.")
    if not hmac.compare_digest(browser_proof.encode(), proof(key).encode()):
        raise NotAuthorizedException("This sign-in was not started in this browser.")
    pending = cache.get(_PREFIX + key)
    if pending is None or not cache.delete(_PREFIX + key):
        raise NotAuthorizedException("Invalid state.")
    return pending
