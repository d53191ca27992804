"""The RS256 key that signs GetOpenIdToken tokens, and their verification (STS uses it for
AssumeRoleWithWebIdentity with the provider `cognito-identity.amazonaws.com`)."""
from __future__ import annotations

import base64
import functools
import hashlib
import re
import time
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from joserfc.jws import extract_compact

from identitypools import ids
from identitypools.models import SigningKey

ALGORITHM = "RS256"
KEY_BITS = 2048
LONGEST_TOKEN_LIFETIME = timedelta(days=1)  # developer tokens live at most a day


def _new_key() -> SigningKey:
    key = RSAKey.generate_key(KEY_BITS, private=True)
    kid = base64.b64encode(hashlib.sha256(key.as_der(private=False)).digest()).decode()
    public = key.as_dict(private=False)
    row = SigningKey(kid=kid, public_jwk={"alg": ALGORITHM, "e": public["e"], "kid": kid, "kty": "RSA", "n": public["n"], "use": "sig"})
    row.private_key_pem = key.as_pem(private=True).decode()
    row.save()
    return row


def active_key() -> SigningKey:
    """The signing key, created on first use (a concurrent creation may leave two active keys;
    both are published and either verifies, so that race is harmless)."""
    row = SigningKey.objects.filter(retired_at__isnull=True).order_by("created", "id").first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return _new_key()
    except IntegrityError:  # pragma: no cover - a kid collision is a 256-bit coincidence
        return SigningKey.objects.filter(retired_at__isnull=True).order_by("created", "id").first() or _new_key()


def jwks() -> dict:
    cutoff = timezone.now() - LONGEST_TOKEN_LIFETIME
    return {"keys": [row.public_jwk for row in SigningKey.objects.filter(Q(retired_at__isnull=True) | Q(retired_at__gt=cutoff))]}


@functools.lru_cache(maxsize=16)
def _private(kid: str, encrypted: str) -> RSAKey:
    row = SigningKey(kid=kid, private_key_encrypted=encrypted)
    return RSAKey.import_key(row.private_key_pem, {"kid": kid, "alg": ALGORITHM, "use": "sig"})


def sign(claims: dict) -> str:
    row = active_key()
    return jwt.encode({"alg": ALGORITHM, "kid": row.kid, "typ": "JWS"}, claims, _private(row.kid, row.private_key_encrypted))


def verify(token: str) -> dict | None:
    """The claims of an unexpired token we signed, or None when we did not sign it (or it expired)."""
    kid = _kid_of(token)
    row = SigningKey.objects.filter(kid=kid).first() if kid is not None else None
    if row is None:
        return None
    try:
        claims = jwt.decode(token, RSAKey.import_key(row.public_jwk), algorithms=[ALGORITHM]).claims
    except (JoseError, ValueError, TypeError):
        return None
    if claims.get("iss") != ids.issuer() or not isinstance(claims.get("exp"), int) or claims["exp"] <= int(time.time()):
        return None
    return claims


def is_ours(token: str) -> bool:
    """Whether the token names one of our identity-pool keys (signed by us, valid or not)."""
    kid = _kid_of(token)
    return kid is not None and SigningKey.objects.filter(kid=kid).exists()


_KID_FORM = re.compile(r"[A-Za-z0-9+/=]{1,64}")  # base64 of a SHA-256 digest, as we make them


def _kid_of(token: str) -> str | None:
    """The token's kid if it has the form of ours; anything else is refused before a query."""
    try:
        kid = extract_compact(token.encode()).protected.get("kid")
    except (JoseError, ValueError, TypeError):
        return None
    return kid if isinstance(kid, str) and _KID_FORM.fullmatch(kid) else None
