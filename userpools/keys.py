"""Per-pool RS256 signing keys: the active key signs; retired keys stay published until the
tokens they signed have expired.

Private keys are stored encrypted (SigningKey.private_key_pem); parsed keys are cached in
process by kid, which is safe because a kid never changes its key material.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from joserfc.jwk import RSAKey

from userpools import config_cache
from userpools.models import SigningKey, UserPool

ALGORITHM = "RS256"
KEY_BITS = 2048
# The longest an access or ID token can live on Cognito (1 day); a retired key is published
# that long after retirement, so every token it signed can still be verified.
LONGEST_TOKEN_LIFETIME = timedelta(days=1)


_KID_FORM = re.compile(r"[A-Za-z0-9+/=_-]{1,64}")


def _kid(key: RSAKey) -> str:
    """Like Cognito's: base64 of a SHA-256 digest (here of the public key's DER encoding)."""
    return base64.b64encode(hashlib.sha256(key.as_der(private=False)).digest()).decode()


def _new_key(pool: UserPool) -> SigningKey:
    key = RSAKey.generate_key(KEY_BITS, private=True)
    kid = _kid(key)
    public = key.as_dict(private=False)
    public_jwk = {"alg": ALGORITHM, "e": public["e"], "kid": kid, "kty": "RSA", "n": public["n"], "use": "sig"}
    signing_key = SigningKey(pool=pool, kid=kid, public_jwk=public_jwk)
    signing_key.private_key_pem = key.as_pem(private=True).decode()
    signing_key.save()
    return signing_key


def _current(pool_id: str) -> SigningKey | None:
    # Cached per process; a miss is not cached, so the re-read under the pool lock goes to the database.
    return config_cache.current_signing_key(pool_id)


def active_key(pool: UserPool) -> SigningKey:
    """The key that signs the pool's tokens, created on first use.

    Creation locks the pool row so that concurrent first sign-ins create one key.
    """
    key = _current(pool.pk)
    if key is not None:
        return key
    with transaction.atomic():
        UserPool.objects.select_for_update(no_key=True).filter(pk=pool.pk).first()
        return _current(pool.pk) or _new_key(pool)


@transaction.atomic
def rotate(pool: UserPool) -> SigningKey:
    """Retire the pool's active key(s) and start signing with a new one."""
    UserPool.objects.select_for_update(no_key=True).filter(pk=pool.pk).first()
    SigningKey.objects.filter(pool=pool, retired_at__isnull=True).update(retired_at=timezone.now())
    return _new_key(pool)


def published_keys(pool: UserPool) -> list[SigningKey]:
    """The keys in the pool's JWKS: active ones first, then those retired within a token lifetime."""
    cutoff = timezone.now() - LONGEST_TOKEN_LIFETIME  # the rule of _published, as a query
    keys = list(SigningKey.objects.filter(pool=pool).filter(Q(retired_at__isnull=True) | Q(retired_at__gt=cutoff)))
    # Active first (clients may try keys in order), newest first within each group.
    return sorted(keys, key=lambda key: (key.retired_at is not None, -key.created.timestamp()))


def jwks(pool: UserPool) -> dict:
    return {"keys": [key.public_jwk for key in published_keys(pool)]}


@functools.lru_cache(maxsize=256)
def _private_key(kid: str, encrypted: str) -> RSAKey:
    key = SigningKey(kid=kid, private_key_encrypted=encrypted)
    return RSAKey.import_key(key.private_key_pem, {"kid": kid, "alg": ALGORITHM, "use": "sig"})


def private_key(signing_key: SigningKey) -> RSAKey:
    return _private_key(signing_key.kid, signing_key.private_key_encrypted)


@dataclass(frozen=True)
class VerificationKey:
    key: RSAKey
    pool_id: str
    retired_at: datetime | None = None


def _published(retired_at: datetime | None, now: datetime) -> bool:
    """The rule `published_keys` applies: active, or retired within a token lifetime."""
    return retired_at is None or retired_at > now - LONGEST_TOKEN_LIFETIME


# kid -> (the key, when it was read). A kid never changes its key material, but an active key
# may be retired by another process: a short lifetime bounds how stale that knowledge gets,
# far below the day a retired key stays published, so the cache never verifies with a key the
# JWKS no longer lists.
_verification_keys: dict[str, tuple[VerificationKey, float]] = {}
_CACHE_SECONDS = 60.0
_CACHE_SIZE = 1024


def forget_cached_keys() -> None:
    """Drop the in-process cache of verification keys (tests; after editing keys by hand)."""
    _verification_keys.clear()


def verification_key(kid: str) -> VerificationKey | None:
    """The public key named by a token's kid and its pool, or None unless the key is in its
    pool's published set (`published_keys`): a key retired longer than a token lifetime ago no
    longer verifies anything.

    Found keys are cached briefly; misses are not, so a cache cannot be filled with made-up kids.
    A kid that is not of our form (base64 of a SHA-256 digest) is refused before any query.
    """
    if not _KID_FORM.fullmatch(kid):
        return None
    now = timezone.now()
    cached = _verification_keys.get(kid)
    if cached is not None and time.monotonic() - cached[1] < _CACHE_SECONDS:
        found: VerificationKey | None = cached[0]
    else:
        found = _load_verification_key(kid)
    if found is None or not _published(found.retired_at, now):
        return None
    return found


def _load_verification_key(kid: str) -> VerificationKey | None:
    row = SigningKey.objects.filter(kid=kid).only("public_jwk", "pool_id", "retired_at").first()
    if row is None:
        _verification_keys.pop(kid, None)
        return None
    cached = _verification_keys.get(kid)
    key = cached[0].key if cached is not None else RSAKey.import_key(row.public_jwk)
    if len(_verification_keys) >= _CACHE_SIZE:
        _verification_keys.clear()
    found = VerificationKey(key, row.pool_id, row.retired_at)
    _verification_keys[kid] = (found, time.monotonic())
    return found
