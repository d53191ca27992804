"""STS session tokens: the session's facts sealed with authenticated encryption (AES-256-GCM).

A token carries everything needed to verify a call signed with its temporary key (the key id,
its secret, the expiry, the role or user, session policies and tags), so SigV4 verification with
`X-Amz-Security-Token` needs no database read. Pure: key material in, claims out.
"""
from __future__ import annotations

import base64
import functools
import json
import os
import zlib

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_VERSION = b"\x01"
_AAD = b"sts-session-token-v1"
_NONCE_BYTES = 12


class TokenInvalid(Exception):
    """The token was not sealed by us with this key, or was altered."""


@functools.lru_cache(maxsize=4)
def _aead(key_material: str) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"sts-session-tokens").derive(key_material.encode())
    return AESGCM(key)


def seal(claims: dict, key_material: str) -> str:
    """An opaque, tamper-evident token for `claims` (JSON-serialisable)."""
    nonce = os.urandom(_NONCE_BYTES)
    plaintext = zlib.compress(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    sealed = _VERSION + nonce + _aead(key_material).encrypt(nonce, plaintext, _AAD)
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def open_token(token: str, key_material: str) -> dict:
    """The claims sealed in `token`; TokenInvalid if it is not ours or was changed."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError):
        raise TokenInvalid() from None
    if len(raw) < 1 + _NONCE_BYTES + 16 or raw[:1] != _VERSION:
        raise TokenInvalid()
    nonce, ciphertext = raw[1 : 1 + _NONCE_BYTES], raw[1 + _NONCE_BYTES :]
    try:
        claims = json.loads(zlib.decompress(_aead(key_material).decrypt(nonce, ciphertext, _AAD)))
    except (InvalidTag, zlib.error, ValueError):
        raise TokenInvalid() from None
    if not isinstance(claims, dict):
        raise TokenInvalid()
    return claims
