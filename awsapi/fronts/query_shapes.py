"""botocore shapes <-> the query protocol: flat form parameters in, AWS XML out.

In: lists are `Name.member.N` (`Name.N` when flattened), maps `Name.entry.N.key`/`.value`,
structures `Name.Member`; scalars are converted to the shape's type where their form allows (a
value of the wrong form is passed on as given, so validation names the member).
Out: elements named by member (or `locationName`), lists as `<member>` items, timestamps ISO 8601.
"""
from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any
from xml.etree import ElementTree as ET


def parse(shape, flat: Mapping[str, str]) -> dict[str, Any]:
    """Request members of `shape` from the form's flat parameters (Action/Version excluded)."""
    if shape is None:
        return {}
    return _structure(shape, flat, "")


def _name(shape, default: str) -> str:
    return shape.serialization.get("name", default)


def _has_prefix(flat: Mapping[str, str], prefix: str) -> bool:
    return any(key.startswith(prefix) for key in flat)


def _structure(shape, flat: Mapping[str, str], prefix: str) -> dict[str, Any]:
    result = {}
    for name, member in shape.members.items():
        value = _value(member, flat, prefix + _name(member, name))
        if value is not None:
            result[name] = value
    return result


def _value(shape, flat: Mapping[str, str], key: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, flat, key + ".") if _has_prefix(flat, key + ".") else None
    if kind == "list":
        base = key if shape.serialization.get("flattened") else f"{key}.{_name(shape.member, 'member')}"
        items = _items(lambda n: _value(shape.member, flat, f"{base}.{n}"))
        if items:
            return items
        return [] if key in flat else None  # `Name=` is an empty list
    if kind == "map":
        base = key if shape.serialization.get("flattened") else f"{key}.entry"
        key_name, value_name = _name(shape.key, "key"), _name(shape.value, "value")
        pairs = _items(lambda n: _pair(shape, flat, f"{base}.{n}", key_name, value_name))
        return dict(pairs) if pairs else None
    if key not in flat:
        return None
    return _scalar(kind, flat[key])


def _items(read) -> list:
    items, index = [], 1
    while (item := read(index)) is not None:
        items.append(item)
        index += 1
    return items


def _pair(shape, flat: Mapping[str, str], prefix: str, key_name: str, value_name: str):
    key = _value(shape.key, flat, f"{prefix}.{key_name}")
    return None if key is None else (key, _value(shape.value, flat, f"{prefix}.{value_name}"))


def _scalar(kind: str, raw: str) -> Any:
    if kind in ("integer", "long") and re.fullmatch(r"-?\d{1,40}", raw):  # longer is out of range anyway,
        return int(raw)  # and Python refuses to convert over 4,300 digits
    if kind == "boolean" and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    if kind in ("double", "float"):
        try:
            return float(raw)
        except ValueError:
            return raw
    if kind == "timestamp":
        try:
            return datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp()
        except (ValueError, OverflowError):
            return float(raw) if re.fullmatch(r"-?\d+(\.\d+)?", raw) else raw
    return raw


def to_xml(parent: ET.Element, shape, value: Any) -> None:
    """Append `value` (members of `shape`) as children of `parent`."""
    if shape is None or value is None:
        return
    for name, member in shape.members.items():
        if value.get(name) is not None:
            _element(parent, _name(member, name), member, value[name])


def _element(parent: ET.Element, tag: str, shape, value: Any) -> None:
    kind = shape.type_name
    if kind == "list" and shape.serialization.get("flattened"):
        for item in value:
            _element(parent, tag, shape.member, item)
        return
    node = ET.SubElement(parent, tag)
    if kind == "structure":
        to_xml(node, shape, value)
    elif kind == "list":
        for item in value:
            _element(node, _name(shape.member, "member"), shape.member, item)
    elif kind == "map":
        for key, item in value.items():
            entry = ET.SubElement(node, "entry")
            _element(entry, _name(shape.key, "key"), shape.key, key)
            _element(entry, _name(shape.value, "value"), shape.value, item)
    else:
        node.text = _text(kind, value)


def _text(kind: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind == "timestamp":
        return iso8601(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return str(value)


def iso8601(value: Any) -> str:
    if isinstance(value, (int, float)):
        value = datetime.fromtimestamp(value, UTC)
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)
