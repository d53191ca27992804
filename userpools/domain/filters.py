"""The ListUsers filter grammar, pure: `name = "value"` (exact) or `name ^= "value"` (prefix).

>>> parse('email ^= "jo"')
UserFilter(attribute='email', prefix=True, value='jo')
>>> parse('family_name = "O\\\\"Brien"')
UserFilter(attribute='family_name', prefix=False, value='O"Brien')
>>> parse("  ") is None
True
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import InvalidParameterException

# The only attributes Cognito can search on; custom attributes are not searchable.
SEARCHABLE = frozenset(
    {
        "username",
        "email",
        "phone_number",
        "name",
        "given_name",
        "family_name",
        "preferred_username",
        "cognito:user_status",
        "status",
        "sub",
    }
)
PARSE_ERROR = "Error while parsing filter."

_EXPRESSION = re.compile(r'\s*(?P<name>[^\s=^"]+)\s*(?P<op>\^=|=)\s*"(?P<value>(?:[^"\\]|\\.)*)"\s*', re.DOTALL)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


@dataclass(frozen=True)
class UserFilter:
    """A parsed ListUsers filter: attribute, operator (= or ^=) and value."""

    attribute: str
    prefix: bool
    value: str


def parse(expression: str | None) -> UserFilter | None:
    """The filter, or None for an empty expression (list everyone)."""
    if expression is None or not expression.strip():
        return None
    match = _EXPRESSION.fullmatch(expression)
    if match is None:
        raise InvalidParameterException(PARSE_ERROR)
    name = match["name"]
    if name not in SEARCHABLE:
        raise InvalidParameterException(f"Invalid search attribute: {name}")
    return UserFilter(attribute=name, prefix=match["op"] == "^=", value=_ESCAPE.sub(r"\1", match["value"]))
