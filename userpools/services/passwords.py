"""The stored forms of a password: its hash and its SRP salt and verifier. The pool's password
policy (checking, generating temporary passwords) is the pure `userpools.domain.password_policy`."""
from __future__ import annotations

from django.contrib.auth.hashers import check_password as _check_hash
from django.contrib.auth.hashers import make_password

from userpools.domain import srp
from userpools.models import User


def hash_password(password: str) -> str:
    """The password's hash by Django's configured hasher."""
    return make_password(password)


# The User fields a new password writes: its hash and its SRP salt and verifier.
PASSWORD_FIELDS = ("password", "srp_salt", "srp_verifier")


def password_fields(pool_id: str, username: str, password: str) -> dict[str, str]:
    """The stored forms of a new password, by User field name. The SRP verifier is bound to the
    pool and the username, as Cognito's clients derive it from USER_ID_FOR_SRP."""
    salt, verifier = srp.make_verifier(srp.pool_name(pool_id), username, password)
    return {"password": hash_password(password), "srp_salt": salt, "srp_verifier": verifier}


def set_password(user, password: str) -> None:
    """Give `user` a new password (hash and SRP verifier); the caller saves PASSWORD_FIELDS."""
    for field, value in password_fields(user.pool_id, user.username, password).items():
        setattr(user, field, value)


def verify_password(password: str, encoded: str) -> bool:
    """Whether `password` matches a stored hash (an empty hash matches nothing)."""
    return bool(encoded) and _check_hash(password, encoded)


def check_and_upgrade(user: User, password: str) -> bool:
    """Whether `password` matches the user's stored hash; the one check sign-in makes.

    On a match, a hash not made by the preferred hasher (imported from Django, Keycloak, Auth0,
    or an older setting) is replaced by the preferred hasher's, and a missing SRP verifier
    (users imported with a foreign hash have none) is derived, so USER_SRP_AUTH works from then on.
    """
    upgraded = False

    def upgrade(raw: str) -> None:
        nonlocal upgraded
        fields = password_fields(user.pool_id, user.username, raw)
        User.objects.filter(pk=user.pk, password=user.password).update(**fields)
        for name, value in fields.items():
            setattr(user, name, value)
        upgraded = True

    matches = bool(user.password) and _check_hash(password, user.password, setter=upgrade)
    if matches and not upgraded and not user.srp_verifier:
        upgrade(password)
    return matches
