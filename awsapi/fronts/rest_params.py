"""REST request members from the query string (snake_case names) and the JSON body (AWS names).

Shared by the REST view and its OpenAPI schema, so both agree on what a route accepts.
"""
from __future__ import annotations

import re
from typing import Any

from django.http import QueryDict

from core import errors


def snake_case(member: str) -> str:
    """`MaxResults` -> `max_results`, `AttributesToGet` -> `attributes_to_get`."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", member)).lower()


def query_members(shape, bound: set[str]) -> dict[str, str]:
    """Query-parameter name -> member, for the members a URL does not already supply."""
    if shape is None:
        return {}
    return {snake_case(name): name for name in shape.members if name not in bound}


def body_members(shape, bound: set[str]) -> list[str]:
    return [name for name in (shape.members if shape is not None else ()) if name not in bound]


def _query_value(shape, values: list[str]) -> Any:
    if shape.type_name == "list":
        return values
    value = values[-1]
    # A value of the wrong form is passed on as given, so validation names the member.
    if shape.type_name in ("integer", "long") and re.fullmatch(r"-?\d+", value):
        return int(value)
    if shape.type_name == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


def parse_query(shape, query: QueryDict, bound: set[str]) -> dict[str, Any]:
    names = query_members(shape, bound)
    params: dict[str, Any] = {}
    for key in query:
        member = names.get(key)
        if member is None:
            raise errors.InvalidParameterException(f"Unknown query parameter '{key}'.")
        params[member] = _query_value(shape.members[member], query.getlist(key))
    return params


def parse_body(shape, data: Any, bound: set[str]) -> dict[str, Any]:
    if not data:
        return {}
    if not isinstance(data, dict):
        raise errors.SerializationException("The request body must be a JSON object.")
    allowed = set(body_members(shape, bound))
    for name in data:
        if name not in allowed:
            where = "is taken from the URL" if name in bound else "is not a member of this request"
            raise errors.InvalidParameterException(f"'{name}' {where}.")
    return dict(data)
