"""Per-pool RS256 signing keys: the active key signs; retired keys stay published until the
tokens they signed have expired.

Private keys are stored encrypted (SigningKey.private_key_pem); parsed keys are cached in
process by kid, which is safe because a kid never changes its key material.
"""
from __future__ import annotations

import base64
import functools
import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from joserfc.jwk import RSAKey

from userpools.models import SigningKey, UserPool

ALGORITHM = "RS256"
KEY_BITS = 2048
# The longest an access or ID token can live on Cognito (1 day); a retired key is published
# that long after retirement, so every token it signed can still be verified.
LONGEST_TOKEN_LIFETIME = timedelta(days=1)


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
    return SigningKey.objects.filter(pool_id=pool_id, retired_at__isnull=True).order_by("-created", "-id").first()


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
    cutoff = timezone.now() - LONGEST_TOKEN_LIFETIME
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


_verification_keys: dict[str, VerificationKey] = {}


def verification_key(kid: str) -> VerificationKey | None:
    """The public key named by a token's kid (active or retired) and its pool, or None.

    Found keys are cached (a kid never changes its key); misses are not, so a cache cannot
    be filled with made-up kids.
    """
    found = _verification_keys.get(kid)
    if found is not None:
        return found
    row = SigningKey.objects.filter(kid=kid).only("public_jwk", "pool_id").first()
    if row is None:
        return None
    if len(_verification_keys) > 1024:
        _verification_keys.clear()
    found = _verification_keys[kid] = VerificationKey(RSAKey.import_key(row.public_jwk), row.pool_id)
    return found
