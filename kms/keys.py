"""Symmetric KMS keys, enough of KMS for the AWS Encryption SDK: every key ARN names a key whose
material is derived from ENCRYPTION_KEY (so nothing is stored and every app server agrees), and
a ciphertext blob is AES-256-GCM under it.

Blob layout: version (1 byte) | ARN length (2 bytes) | ARN | nonce (12 bytes) | ciphertext+tag.
The header and the encryption context are authenticated, so a blob decrypts only under the key
and context it was made with.
"""
from __future__ import annotations

import functools
import json
import os
import re
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from core.errors import IncorrectKeyException, InvalidCiphertextException, NotFoundException

_VERSION = 1
_NONCE_BYTES = 12
_KEY_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
# Any account's and region's key ARN: a pool configuration copied from AWS keeps working here.
_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]{1,64}$")


def key_arn(key_id: str) -> str:
    """The ARN of a key given as an ARN or a bare key id (this account and region); aliases do not exist here."""
    if _KEY_ARN.match(key_id):
        return key_id
    if _KEY_ID.match(key_id):
        return f"arn:aws:kms:{settings.REGION}:{settings.ACCOUNT_ID}:key/{key_id}"
    raise NotFoundException(f"Invalid keyId '{key_id}'")


@functools.lru_cache(maxsize=64)
def _aead(arn: str, key_material: str) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"kms-key:" + arn.encode()).derive(key_material.encode())
    return AESGCM(derived)


def _aad(header: bytes, context: dict[str, str] | None) -> bytes:
    return header + json.dumps(context or {}, sort_keys=True, separators=(",", ":")).encode()


def encrypt(key_id: str, plaintext: bytes, context: dict[str, str] | None = None) -> tuple[str, bytes]:
    """(key ARN, ciphertext blob)."""
    arn = key_arn(key_id)
    header = struct.pack(">BH", _VERSION, len(arn)) + arn.encode()
    nonce = os.urandom(_NONCE_BYTES)
    return arn, header + nonce + _aead(arn, settings.ENCRYPTION_KEY).encrypt(nonce, plaintext, _aad(header, context))


def decrypt(blob: bytes, context: dict[str, str] | None = None, key_id: str | None = None) -> tuple[str, bytes]:
    """(key ARN, plaintext); the blob names its key, and `key_id`, when given, must be that key."""
    try:
        version, length = struct.unpack_from(">BH", blob)
        end = 3 + length
        arn = blob[3:end].decode()
    except (struct.error, UnicodeDecodeError):
        raise InvalidCiphertextException() from None
    if version != _VERSION or len(blob) < end + _NONCE_BYTES + 16:
        raise InvalidCiphertextException()
    if key_id is not None and key_arn(key_id) != arn:
        raise IncorrectKeyException("The key ID in the request does not identify a KMS key that can perform this operation.")
    nonce = blob[end:end + _NONCE_BYTES]
    try:
        return arn, _aead(arn, settings.ENCRYPTION_KEY).decrypt(nonce, blob[end + _NONCE_BYTES:], _aad(blob[:end], context))
    except InvalidTag:
        raise InvalidCiphertextException() from None
