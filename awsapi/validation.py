"""Validate a request against the operation's input shape from botocore's service model.

Messages follow AWS's form: "1 validation error detected: Value 'x' at 'userPoolId' failed to
satisfy constraint: Member must satisfy regular expression pattern: ...".
"""
from __future__ import annotations

import functools
from typing import Any

import regex

from core.errors import InvalidParameterException, SerializationException

_MAX_REPORTED = 10


def validate(shape, params: Any) -> None:
    if not isinstance(params, dict):
        raise SerializationException("Start of structure or map found where not expected.")
    problems: list[str] = []
    if shape is not None:
        _structure(shape, params, "", problems)
    if problems:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        raise InvalidParameterException(f"{count} validation {noun} detected: " + "; ".join(problems[:_MAX_REPORTED]))


def _member_path(parent: str, name: str) -> str:
    name = name[:1].lower() + name[1:]
    return f"{parent}.{name}" if parent else name


def _show(shape, value: Any) -> str:
    if shape.metadata.get("sensitive"):
        return "Value"
    if value is None:
        return "Value null"
    return f"Value '{value}'"


def _structure(shape, value: dict, path: str, problems: list[str]) -> None:
    for name in shape.required_members:
        if value.get(name) is None:
            problems.append(f"Value null at '{_member_path(path, name)}' failed to satisfy constraint: Member must not be null")
    for name, member in shape.members.items():
        if value.get(name) is not None:
            _value(member, value[name], _member_path(path, name), problems)


def _value(shape, value: Any, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    checker = _TYPE_CHECKS.get(kind)
    if checker and not checker(value):
        problems.append(f"{_show(shape, value)} at '{path}' failed to satisfy constraint: Member must be of type {kind}")
        return
    meta = shape.metadata
    if kind == "structure":
        _structure(shape, value, path, problems)
    elif kind == "list":
        _bounds(shape, value, len(value), path, problems, "have length")
        for index, item in enumerate(value, start=1):
            _value(shape.member, item, f"{path}.{index}.member", problems)
    elif kind == "map":
        _bounds(shape, value, len(value), path, problems, "have length")
        for key, item in value.items():
            _value(shape.key, key, f"{path}.{key}.key", problems)
            _value(shape.value, item, f"{path}.{key}.value", problems)
    elif kind == "string":
        enum = meta.get("enum") or getattr(shape, "enum", None)
        if enum and value not in enum:
            problems.append(
                f"{_show(shape, value)} at '{path}' failed to satisfy constraint: "
                f"Member must satisfy enum value set: [{', '.join(enum)}]"
            )
            return
        _bounds(shape, value, len(value), path, problems, "have length")
        pattern = meta.get("pattern")
        if pattern and not _matches(pattern, value):
            problems.append(
                f"{_show(shape, value)} at '{path}' failed to satisfy constraint: "
                f"Member must satisfy regular expression pattern: {pattern}"
            )
    elif kind in ("integer", "long"):
        if "min" in meta and value < meta["min"]:
            problems.append(f"{_show(shape, value)} at '{path}' failed to satisfy constraint: Member must have value greater than or equal to {meta['min']}")
        if "max" in meta and value > meta["max"]:
            problems.append(f"{_show(shape, value)} at '{path}' failed to satisfy constraint: Member must have value less than or equal to {meta['max']}")


def _bounds(shape, value: Any, size: int, path: str, problems: list[str], what: str) -> None:
    meta = shape.metadata
    if "min" in meta and size < meta["min"]:
        problems.append(f"{_show(shape, value)} at '{path}' failed to satisfy constraint: Member must {what} greater than or equal to {meta['min']}")
    if "max" in meta and size > meta["max"]:
        problems.append(f"{_show(shape, value)} at '{path}' failed to satisfy constraint: Member must {what} less than or equal to {meta['max']}")


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str):
    try:
        return regex.compile(pattern)
    except regex.error:
        return None  # a Java-only construct; the service layer still checks what matters


def _matches(pattern: str, value: str) -> bool:
    compiled = _compiled(pattern)
    return compiled is None or compiled.fullmatch(value) is not None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_TYPE_CHECKS = {
    "structure": lambda v: isinstance(v, dict),
    "map": lambda v: isinstance(v, dict),
    "list": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "blob": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": _is_int,
    "long": _is_int,
    "timestamp": lambda v: _is_int(v) or isinstance(v, float),
    "double": lambda v: _is_int(v) or isinstance(v, float),
    "float": lambda v: _is_int(v) or isinstance(v, float),
}
