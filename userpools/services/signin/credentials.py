"""Password checks that take the same time whether or not the user exists."""
from __future__ import annotations

import functools
import secrets

from django.contrib.auth.hashers import check_password, make_password

from userpools.models import User
from userpools.services import passwords


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return make_password(secrets.token_urlsafe(24))


def password_matches(user: User | None, password: str) -> bool:
    """Whether `password` is the user's. With no user (or no stored password) the same hashing
    work is done against a dummy hash, so the answer's timing does not reveal which it was.
    A matching hash from another system is replaced by ours (`passwords.adopt`)."""
    if user is None or not user.password:
        check_password(password, _dummy_hash())
        return False
    matches = check_password(password, user.password, setter=lambda raw: passwords.adopt(user, raw))
    # A foreign hash that was current already, or an old import (the sealed text tells, undecrypted).
    if matches and not user.srp_verifier_sealed:
        passwords.adopt(user, password, hash_is_current=True)
    return matches
