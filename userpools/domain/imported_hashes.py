"""Password hashes from other systems, in the encoded form Django's hashers verify.

Accepted: Django's own encodings (`pbkdf2_sha256$...`, `pbkdf2_sha1$...`, `argon2$...`,
`bcrypt$...`, `bcrypt_sha256$...`), bare bcrypt as Auth0 exports it (`$2a$`/`$2b$`/`$2y$`), and
Keycloak's PBKDF2 credentials (base64 salt and value, iteration count), given as Keycloak's
credential object or as `{"algorithm": "pbkdf2-sha256", "iterations": n, "salt": ..., "value": ...}`.
A recognised hash is verified at the user's first sign-in and then replaced by our own.
"""
from __future__ import annotations

import base64
import binascii
import json
import re

_BARE_BCRYPT = re.compile(r"\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}")
# Keycloak's algorithm names -> our hasher's algorithm prefix (core.hashers).
KEYCLOAK_ALGORITHMS = {"pbkdf2-sha256": "keycloak_pbkdf2_sha256", "pbkdf2-sha512": "keycloak_pbkdf2_sha512", "pbkdf2": "keycloak_pbkdf2_sha1"}


class UnknownHashFormat(ValueError):
    """The value is no password hash this service can verify."""


def normalize(value: str | dict, django_algorithms: set[str]) -> str:
    """The Django-encoded form of an imported hash; UnknownHashFormat when it is none we know.
    `django_algorithms` are the prefixes of the configured hashers (`pbkdf2_sha256`, `argon2`, ...)."""
    if isinstance(value, dict):
        return _keycloak(value)
    value = value.strip()
    if value.startswith("{"):
        try:
            return _keycloak(json.loads(value))
        except json.JSONDecodeError:
            raise UnknownHashFormat("The password hash is not valid JSON.") from None
    if _BARE_BCRYPT.fullmatch(value):
        # Auth0 and most bcrypt libraries: $2a$/$2y$ are the same algorithm as $2b$.
        return "bcrypt$$2b$" + value[4:]
    algorithm = value.split("$", 1)[0]
    if algorithm in django_algorithms and "$" in value:
        return value
    raise UnknownHashFormat("The password hash is in no format this service accepts.")


def _keycloak(credential: dict) -> str:
    """Keycloak's credential (`secretData`/`credentialData` JSON strings) or its flat form."""
    if "secretData" in credential:
        try:
            secret = json.loads(credential["secretData"])
            data = json.loads(credential.get("credentialData") or "{}")
        except (TypeError, json.JSONDecodeError):
            raise UnknownHashFormat("The Keycloak credential's secretData/credentialData is not JSON.") from None
        credential = {"algorithm": data.get("algorithm"), "iterations": data.get("hashIterations"),
                      "salt": secret.get("salt"), "value": secret.get("value")}
    prefix = KEYCLOAK_ALGORITHMS.get(str(credential.get("algorithm")))
    if prefix is None:
        raise UnknownHashFormat(f"Unsupported Keycloak algorithm {credential.get('algorithm')!r}.")
    try:
        iterations = int(credential["iterations"])
        salt, digest = str(credential["salt"]), str(credential["value"])
        base64.b64decode(salt, validate=True)
        base64.b64decode(digest, validate=True)
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise UnknownHashFormat("A Keycloak hash needs iterations and base64 salt and value.") from None
    if iterations < 1:
        raise UnknownHashFormat("A Keycloak hash needs a positive iteration count.")
    return f"{prefix}${iterations}${salt}${digest}"
