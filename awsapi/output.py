"""Responses carry exactly the members of the operation's output shape, however much the
service layer knows: stored configuration may hold our own extra keys.

Each shape's pruner is made once: walking botocore's shape objects per value (their properties
are computed on every access) was a tenth of a DescribeUserPool's CPU.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

Pruner = Callable[[Any], Any]


def prune(shape, value: Any) -> Any:
    return value if shape is None else _pruner(shape)(value)


def _unchanged(value: Any) -> Any:
    return value


@cache
def _pruner(shape) -> Pruner:
    if shape.metadata.get("document"):  # free-form JSON (e.g. managed-login Settings): kept whole
        return _unchanged
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape)
    if kind == "list":
        # (flat member names or None, the member's pruner), found on first use (shapes may refer to
        # themselves); set by one assignment, so two threads' first uses at once both set the same
        found: list[tuple[frozenset[str] | None, Pruner] | None] = [None]

        def prune_list(value: Any) -> Any:
            if not isinstance(value, list):
                return value
            pair = found[0]
            if pair is None:
                pair = found[0] = (_flat_members(shape.member), _pruner(shape.member))
            flat, member = pair
            if flat is not None:  # e.g. a user's attributes: one comprehension, no call per item
                return [{name: item for name, item in entry.items() if name in flat and item is not None}
                        if isinstance(entry, dict) else entry for entry in value]
            return [member(item) for item in value]
        return prune_list
    if kind == "map":
        def prune_map(value: Any) -> Any:
            if not isinstance(value, dict):
                return value
            member = _pruner(shape.value)
            return {key: member(item) for key, item in value.items()}
        return prune_map
    return _unchanged


@cache
def _flat_members(shape) -> frozenset[str] | None:
    """The member names of a structure whose members are all kept as they are (no structure,
    list or map among them), else None."""
    if shape.type_name != "structure" or shape.metadata.get("document"):
        return None
    if any(_pruner(member) is not _unchanged for member in shape.members.values()):
        return None
    return frozenset(shape.members)


def _structure(shape) -> Pruner:
    members: dict[str, Pruner] = {}  # filled on first use: shapes may refer to themselves

    def prune_structure(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        if not members:
            members.update({name: _pruner(member) for name, member in shape.members.items()})
        pruned = {}
        for name, item in value.items():
            member = members.get(name)
            if member is not None and item is not None:
                pruned[name] = item if member is _unchanged else member(item)
        return pruned

    return prune_structure
