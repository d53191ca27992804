import doctest

import pytest

from core.errors import InvalidParameterException
from userpools.domain import filters
from userpools.domain.filters import UserFilter, parse


def test_doctests():
    assert doctest.testmod(filters).failed == 0


@pytest.mark.parametrize(
    "expression, expected",
    [
        ('email = "a@b.c"', UserFilter("email", False, "a@b.c")),
        ('email^="a"', UserFilter("email", True, "a")),
        ('  given_name   =   "Jon Snow"  ', UserFilter("given_name", False, "Jon Snow")),
        ('cognito:user_status = "CONFIRMED"', UserFilter("cognito:user_status", False, "CONFIRMED")),
        ('name = ""', UserFilter("name", False, "")),
        ('family_name = "a\\\\b"', UserFilter("family_name", False, "a\\b")),
        ('family_name = "say \\"hi\\""', UserFilter("family_name", False, 'say "hi"')),
    ],
)
def test_parses(expression, expected):
    assert parse(expression) == expected


@pytest.mark.parametrize("expression", [None, "", "   "])
def test_empty_means_everyone(expression):
    assert parse(expression) is None


@pytest.mark.parametrize(
    "expression",
    ['email = a', 'email == "a"', 'email "a"', '= "a"', 'email = "a" extra', 'email = "a" and name = "b"', 'email = "unterminated', 'email ~= "x"'],
)
def test_malformed(expression):
    with pytest.raises(InvalidParameterException) as excinfo:
        parse(expression)
    assert excinfo.value.message == "Error while parsing filter."


@pytest.mark.parametrize("name", ["custom:tenant", "nickname", "Email", "email_verified"])
def test_unsearchable_attribute(name):
    with pytest.raises(InvalidParameterException) as excinfo:
        parse(f'{name} = "x"')
    assert excinfo.value.message == f"Invalid search attribute: {name}"
