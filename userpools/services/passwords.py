"""The stored forms of a password: its hash and its SRP salt and verifier. The pool's password
policy (checking, generating temporary passwords) is the pure `userpools.domain.password_policy`."""
from __future__ import annotations

from django.contrib.auth.hashers import check_password as _check_hash
from django.contrib.auth.hashers import make_password

from core import crypto
from userpools.domain import srp
from userpools.models import User


def hash_password(password: str) -> str:
    """The password's hash by Django's configured hasher."""
    return make_password(password)


# The User fields a new password writes: its hash and its SRP salt and (encrypted) verifier.
PASSWORD_FIELDS = ("password", "srp_salt", "srp_verifier_sealed")


def password_fields(pool_id: str, username: str, password: str) -> dict[str, str]:
    """The stored forms of a new password, by User field name."""
    return {"password": hash_password(password), **_verifier_fields(pool_id, username, password)}


def _verifier_fields(pool_id: str, username: str, password: str) -> dict[str, str]:
    """The SRP salt and sealed verifier, bound to the pool and the username, as Cognito's clients
    derive it from USER_ID_FOR_SRP."""
    salt, verifier = srp.make_verifier(srp.pool_name(pool_id), username, password)
    return {"srp_salt": salt, "srp_verifier_sealed": crypto.encrypt(verifier)}


def set_password(user, password: str) -> None:
    """Give `user` a new password (hash and SRP verifier); the caller saves PASSWORD_FIELDS."""
    for field, value in password_fields(user.pool_id, user.username, password).items():
        setattr(user, field, value)


def verify_password(password: str, encoded: str) -> bool:
    """Whether `password` matches a stored hash (an empty hash matches nothing)."""
    return bool(encoded) and _check_hash(password, encoded)


def adopt(user: User, password: str, *, hash_is_current: bool = False) -> None:
    """Store `password` (just proven right) in our current form: the preferred hasher's hash and
    an SRP verifier. Sign-in calls this when the stored hash came from another system (Django,
    Keycloak, Auth0) or an older hasher, and, `hash_is_current`, when only the SRP verifier is
    missing (the hash is kept: hashing again would double the sign-in's cost)."""
    if hash_is_current:
        fields = _verifier_fields(user.pool_id, user.username, password)
    else:
        fields = password_fields(user.pool_id, user.username, password)
    User.objects.filter(pk=user.pk, password=user.password).update(**fields)
    for name, value in fields.items():
        setattr(user, name, value)
