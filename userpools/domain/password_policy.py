"""A user pool's password policy: checking passwords and generating temporary ones.

Pure: the functions take the policy dict in AWS's shape (`PasswordPolicy` of `Policies`) and
plain strings.
"""
from __future__ import annotations

import secrets
import string

from core.errors import InvalidPasswordException

# The characters Cognito counts as symbols; a space counts too when it is neither first nor last.
SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-"
_POLICY_MESSAGE = "Password did not conform with policy: "
_DEFAULT_MINIMUM_LENGTH = 8


def pool_policy(config: dict) -> dict:
    """The pool's PasswordPolicy (AWS defaults when the pool has none)."""
    return dict((config.get("Policies") or {}).get("PasswordPolicy") or {})


def _has_symbol(password: str) -> bool:
    return any(char in SYMBOLS for char in password) or " " in password[1:-1]


def policy_violation(policy: dict, password: str) -> str | None:
    """AWS's reason a password breaks the policy, or None when it conforms."""
    if len(password) < int(policy.get("MinimumLength", _DEFAULT_MINIMUM_LENGTH)):
        return "Password not long enough"
    checks = (
        ("RequireLowercase", lambda p: any(c.islower() for c in p), "Password must have lowercase characters"),
        ("RequireUppercase", lambda p: any(c.isupper() for c in p), "Password must have uppercase characters"),
        ("RequireNumbers", lambda p: any(c in string.digits for c in p), "Password must have numeric characters"),
        ("RequireSymbols", _has_symbol, "Password must have symbol characters"),
    )
    for key, satisfied, reason in checks:
        if policy.get(key, True) and not satisfied(password):
            return reason
    return None


def check_password(policy: dict, password: str) -> None:
    """Raise InvalidPasswordException with AWS's message unless the password conforms."""
    reason = policy_violation(policy, password)
    if reason:
        raise InvalidPasswordException(_POLICY_MESSAGE + reason)


def generate_password(policy: dict) -> str:
    """A random temporary password that satisfies the policy (at least 12 characters)."""
    length = max(int(policy.get("MinimumLength", _DEFAULT_MINIMUM_LENGTH)), 12)
    # One character of every class, whatever the policy; the rest from all of them.
    required = [
        secrets.choice(string.ascii_lowercase),
        secrets.choice(string.ascii_uppercase),
        secrets.choice(string.digits),
        secrets.choice(SYMBOLS),
    ]
    alphabet = string.ascii_letters + string.digits + SYMBOLS
    chars = required + [secrets.choice(alphabet) for _ in range(length - len(required))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)
