"""Encryption at rest for secrets we must read back (HMAC keys, signing keys)."""
from __future__ import annotations

import base64
import functools
import hmac

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


@functools.lru_cache(maxsize=4)
def _fernet(key_material: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"secrets-at-rest").derive(
        key_material.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(plaintext: str) -> str:
    return _fernet(settings.ENCRYPTION_KEY).encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    return _decrypted(settings.ENCRYPTION_KEY, ciphertext)


@functools.lru_cache(maxsize=512)
def _decrypted(key_material: str, ciphertext: str) -> str:
    """Memoized: a ciphertext always opens to the same text, and the keys that sign every call (an
    access key's secret, an app client's) are read from cached rows on every request."""
    try:
        return _fernet(key_material).decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        raise RuntimeError("A stored secret cannot be decrypted: was ENCRYPTION_KEY/SECRET_KEY changed?") from None


def constant_time_equals(a: str | bytes, b: str | bytes) -> bool:
    if isinstance(a, str):
        a = a.encode()
    if isinstance(b, str):
        b = b.encode()
    return hmac.compare_digest(a, b)


class Encrypted:
    """A model attribute kept encrypted in the text field `field_name` (empty means None).

        secret = Encrypted("secret_encrypted")
    """

    def __init__(self, field_name: str):
        self.field_name = field_name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        stored = getattr(instance, self.field_name)
        return decrypt(stored) if stored else None

    def __set__(self, instance, value: str | None) -> None:
        setattr(instance, self.field_name, encrypt(value) if value else "")
