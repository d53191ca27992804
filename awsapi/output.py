"""Responses carry exactly the members of the operation's output shape, however much the
service layer knows: stored configuration may hold our own extra keys."""
from __future__ import annotations

from typing import Any


def prune(shape, value: Any) -> Any:
    if shape is None:
        return value
    kind = shape.type_name
    if shape.metadata.get("document"):  # free-form JSON (e.g. managed-login Settings): kept whole
        return value
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        return {name: prune(members[name], item) for name, item in value.items() if name in members and item is not None}
    if kind == "list" and isinstance(value, list):
        return [prune(shape.member, item) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: prune(shape.value, item) for key, item in value.items()}
    return value
