"""AWS-shaped identifiers: unique ids (`AIDA...`, `AGPA...`, `AROA...`, `ANPA...`) and access key ids."""
from __future__ import annotations

import secrets
import string

# AWS's unique ids and key ids use upper-case letters and the digits 2-7 (base32's alphabet).
ALPHABET = string.ascii_uppercase + "234567"

USER, GROUP, ROLE, POLICY = "AIDA", "AGPA", "AROA", "ANPA"
LONG_TERM_KEY, TEMPORARY_KEY = "AKIA", "ASIA"


def unique_id(prefix: str) -> str:
    """`prefix` and 17 random characters, as IAM shapes a user/group/role/policy id."""
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(17))


def access_key_id(prefix: str = LONG_TERM_KEY) -> str:
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(16))


def secret_access_key() -> str:
    return secrets.token_urlsafe(30)[:40]
