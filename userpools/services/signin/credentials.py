"""Password checks that take the same time whether or not the user exists."""
from __future__ import annotations

import functools
import secrets

from django.contrib.auth.hashers import check_password, make_password

from userpools.models import User


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return make_password(secrets.token_urlsafe(24))


def password_matches(user: User | None, password: str) -> bool:
    """Whether `password` is the user's. With no user (or no stored password) the same hashing
    work is done against a dummy hash, so the answer's timing does not reveal which it was."""
    if user is None or not user.password:
        check_password(password, _dummy_hash())
        return False
    return check_password(password, user.password)
