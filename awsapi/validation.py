"""Validate a request against the operation's input shape from botocore's service model.

Messages follow AWS's form: "1 validation error detected: Value 'x' at 'userPoolId' failed to
satisfy constraint: Member must satisfy regular expression pattern: ...".
"""
from __future__ import annotations

import functools
import math
import re
import warnings
from typing import Any

import regex

from core.errors import InvalidParameterException, SerializationException

_MAX_REPORTED = 10
# botocore's `integer` and `long` are Java's Integer and Long: a JSON number outside their range
# cannot be an AWS request member, whatever the model's own min/max say (Precedence = 2**40).
_INT_RANGES = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
# JSON 1.1 timestamps are epoch seconds; beyond years 1..9999 no datetime (nor database) holds them.
_TIMESTAMP_RANGE = (-62135596800, 253402300799)
# NUL and unpaired surrogates (JSON's "\\ud800") are no character any AWS string may hold, and
# no database or UTF-8 encoder takes them.
_FORBIDDEN_CHARS = regex.compile("[\x00\ud800-\udfff]")


def validate(shape, params: Any) -> None:
    if not isinstance(params, dict):
        raise SerializationException("Start of structure or map found where not expected.")
    problems: list[str] = []
    if shape is not None:
        _structure(shape, params, "", problems)
    if problems:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        message = f"{count} validation {noun} detected: " + "; ".join(problems[:_MAX_REPORTED])
        raise InvalidParameterException(_FORBIDDEN_CHARS.sub("\ufffd", message))  # map keys appear in paths


def missing(*names: str) -> InvalidParameterException:
    """The error for members a handler needs where the model marks them optional
    (GetDevice without AccessToken), in AWS's "Member must not be null" form."""
    problems = [f"Value null at '{_member_path('', name)}' failed to satisfy constraint: Member must not be null" for name in names]
    noun = "error" if len(problems) == 1 else "errors"
    return InvalidParameterException(f"{len(problems)} validation {noun} detected: " + "; ".join(problems))


def require(params: dict, *names: str) -> None:
    """Refuse a call without the members a handler cannot work without."""
    absent = [name for name in names if params.get(name) is None]
    if absent:
        raise missing(*absent)


def _member_path(parent: str, name: str) -> str:
    name = name[:1].lower() + name[1:]
    return f"{parent}.{name}" if parent else name


def _show(shape, value: Any) -> str:
    if shape.metadata.get("sensitive"):
        return "Value"
    if value is None:
        return "Value null"
    if isinstance(value, str):
        value = _FORBIDDEN_CHARS.sub("\ufffd", value)  # never echo what no encoder can write back
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
        elif _has_forbidden_chars(value):
            problems.append(
                f"{_show(shape, value)} at '{path}' failed to satisfy constraint: "
                "Member must not contain NUL or unpaired surrogate characters"
            )
    elif kind in ("integer", "long"):
        low, high = _INT_RANGES[kind]
        low, high = max(meta.get("min", low), low), min(meta.get("max", high), high)
        if value < low:
            problems.append(f"{_show(shape, value)} at '{path}' failed to satisfy constraint: Member must have value greater than or equal to {low}")
        if value > high:
            problems.append(f"{_show(shape, value)} at '{path}' failed to satisfy constraint: Member must have value less than or equal to {high}")
    elif kind in ("timestamp", "double", "float"):
        _finite(shape, value, path, problems)


def _finite(shape, value: Any, path: str, problems: list[str]) -> None:
    """Doubles and timestamps: no infinity (JSON's 1e999), timestamps within years 1..9999."""
    kind = shape.type_name
    if isinstance(value, float) and not math.isfinite(value):
        problems.append(f"{_show(shape, value)} at '{path}' failed to satisfy constraint: Member must be a finite number")
    elif kind == "timestamp" and not _TIMESTAMP_RANGE[0] <= value <= _TIMESTAMP_RANGE[1]:
        problems.append(f"{_show(shape, value)} at '{path}' failed to satisfy constraint: Member must be a timestamp between years 1 and 9999")


def _bounds(shape, value: Any, size: int, path: str, problems: list[str], what: str) -> None:
    meta = shape.metadata
    if "min" in meta and size < meta["min"]:
        problems.append(f"{_show(shape, value)} at '{path}' failed to satisfy constraint: Member must {what} greater than or equal to {meta['min']}")
    if "max" in meta and size > meta["max"]:
        problems.append(f"{_show(shape, value)} at '{path}' failed to satisfy constraint: Member must {what} less than or equal to {meta['max']}")


def _has_forbidden_chars(value: str) -> bool:
    return "\x00" in value if value.isascii() else _FORBIDDEN_CHARS.search(value) is not None


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str):
    """The pattern compiled by `re` where it can be (~5x faster on a kilobyte token), else by
    `regex`, which knows the \\p{...} classes of the models' Java patterns."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # "possible nested set": read as `regex` V0 reads it
            return re.compile(pattern)
    except re.error:
        pass
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
