"""One-time codes (sign-up, recovery, attribute verification): generation and keyed hashing.

Codes have only a million values, so a plain hash would fall to brute force if the database
leaked; a keyed HMAC needs the server's key as well.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

CODE_DIGITS = 6


def generate_code() -> str:
    """A random numeric code of CODE_DIGITS digits."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def hash_code(code: str, *, salt: str) -> str:
    """`salt` binds the hash to one purpose and user, so a code cannot be replayed elsewhere."""
    key = hashlib.sha256(f"codes:{settings.ENCRYPTION_KEY}".encode()).digest()
    return hmac.new(key, f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()


def code_matches(code: str, stored_hash: str, *, salt: str) -> bool:
    """Whether `code` is the one whose hash was stored (constant time)."""
    return hmac.compare_digest(hash_code(code, salt=salt), stored_hash)
