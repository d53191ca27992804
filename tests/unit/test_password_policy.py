import pytest

from core.errors import InvalidPasswordException
from userpools.domain.password_policy import (
    SYMBOLS,
    check_password,
    generate_password,
    policy_violation,
)

DEFAULT = {"MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True, "RequireNumbers": True, "RequireSymbols": True}


@pytest.mark.parametrize(
    "password, reason",
    [
        ("Ab1#", "Password not long enough"),
        ("ABCDEFG1#", "Password must have lowercase characters"),
        ("abcdefg1#", "Password must have uppercase characters"),
        ("Abcdefgh#", "Password must have numeric characters"),
        ("Abcdefgh1", "Password must have symbol characters"),
        ("Abcdefg1#", None),
        ("Abcd efg1", None),  # an inner space counts as a symbol
    ],
)
def test_default_policy(password, reason):
    assert policy_violation(DEFAULT, password) == reason


def test_check_password_raises_with_aws_message():
    with pytest.raises(InvalidPasswordException) as excinfo:
        check_password(DEFAULT, "short")
    assert excinfo.value.message == "Password did not conform with policy: Password not long enough"
    check_password(DEFAULT, "Good#Pass1")


def test_relaxed_policy_and_missing_keys_default_to_required():
    relaxed = {"MinimumLength": 6, "RequireUppercase": False, "RequireLowercase": False, "RequireNumbers": False, "RequireSymbols": False}
    assert policy_violation(relaxed, "aaaaaa") is None
    assert policy_violation({}, "abcdefgh") == "Password must have uppercase characters"


def test_every_cognito_symbol_counts():
    for symbol in SYMBOLS:
        assert policy_violation(DEFAULT, f"Abcdefg1{symbol}") is None, symbol


@pytest.mark.parametrize("minimum", [6, 8, 20, 99])
def test_generated_passwords_satisfy_the_policy(minimum):
    policy = {**DEFAULT, "MinimumLength": minimum}
    passwords = {generate_password(policy) for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert policy_violation(policy, password) is None and len(password) >= minimum
