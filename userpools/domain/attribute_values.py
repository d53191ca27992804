"""User attribute values against a pool's schema: validation, required and deletable names, the
verification flags. Pure: schema definitions (by client-facing name) and plain strings in.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from core.errors import InvalidParameterException
from userpools.domain import schema

VERIFIED_FLAG = {"email": "email_verified", "phone_number": "phone_number_verified"}
SCHEMA_ERROR = "Attributes did not conform to the schema: "
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_PHONE = re.compile(r"\+[0-9]{4,15}")
_BOOLEAN = {"true", "false"}


def schema_by_name(config: dict) -> dict[str, dict]:
    """A pool config's schema attributes by the name clients use (without the `dev:` prefix)."""
    definitions = config.get("SchemaAttributes") or schema.default_schema()
    return {definition["Name"].removeprefix("dev:"): definition for definition in definitions}


def as_dict(attributes: Iterable[dict]) -> dict[str, str]:
    """AttributeType list -> {name: value}; the last value of a repeated name wins, as in AWS."""
    return {attribute["Name"]: attribute.get("Value", "") for attribute in attributes}


def _check_value(name: str, definition: dict, value: str) -> None:
    kind = definition.get("AttributeDataType", "String")
    if name == "email" and not _EMAIL.fullmatch(value):
        raise InvalidParameterException("Invalid email address format.")
    if name == "phone_number" and not _PHONE.fullmatch(value):
        raise InvalidParameterException("Invalid phone number format.")
    if kind == "Boolean" and value.lower() not in _BOOLEAN:
        raise InvalidParameterException(f"{SCHEMA_ERROR}{name}: Value must be either true or false")
    if kind == "Number":
        try:
            number = float(value)
        except ValueError:
            raise InvalidParameterException(f"{SCHEMA_ERROR}{name}: Number must be a number") from None
        limits = definition.get("NumberAttributeConstraints") or {}
        low, high = _bound(limits, "MinValue"), _bound(limits, "MaxValue")
        if low is not None and number < low:
            raise InvalidParameterException(f"{SCHEMA_ERROR}{name}: Number must be no less than {low}")
        if high is not None and number > high:
            raise InvalidParameterException(f"{SCHEMA_ERROR}{name}: Number must be no greater than {high}")
    if kind == "String":
        limits = definition.get("StringAttributeConstraints") or {}
        shortest, longest = _bound(limits, "MinLength"), _bound(limits, "MaxLength")
        if longest is not None and len(value) > longest:
            raise InvalidParameterException(f"{SCHEMA_ERROR}{name}: String must be no longer than {longest} characters")
        if shortest and len(value) < shortest:
            raise InvalidParameterException(f"{SCHEMA_ERROR}{name}: String must be no shorter than {shortest} characters")


def _bound(constraints: dict, key: str) -> int | None:
    """A stored constraint as a number (schemas are checked when defined; older rows may hold junk)."""
    try:
        return int(constraints[key])
    except (KeyError, TypeError, ValueError):
        return None


def validate(definitions: dict[str, dict], values: dict[str, str], *, creating: bool) -> dict[str, str]:
    """Values checked against the schema; booleans normalised to "true"/"false".

    Immutable attributes may only be given when the user is created; `sub` and `identities`
    are never writable.
    """
    clean: dict[str, str] = {}
    for name, value in values.items():
        definition = definitions.get(name)
        if definition is None:
            raise InvalidParameterException(f"{SCHEMA_ERROR}Type for attribute {{{name}}} could not be determined")
        if name in schema.READ_ONLY_ATTRIBUTES or (not creating and not definition.get("Mutable", True)):
            raise InvalidParameterException(f"user.{name}: Attribute cannot be updated.")
        _check_value(name, definition, value)
        clean[name] = value.lower() if definition.get("AttributeDataType") == "Boolean" else value
    return clean


def check_required(definitions: dict[str, dict], values: dict[str, str]) -> None:
    """Refuse values that leave a required attribute empty."""
    missing = [name for name in schema.required_names(list(definitions.values())) if not values.get(name)]
    if missing:
        raise InvalidParameterException(f"{SCHEMA_ERROR}{missing[0]}: The attribute is required")


def check_deletable(definitions: dict[str, dict], names: list[str]) -> list[str]:
    """The names to remove for a deletion of `names` (a removed email/phone number takes its
    verification flag with it); required, immutable and read-only ones cannot go."""
    for name in names:
        definition = definitions.get(name)
        if definition is None:
            raise InvalidParameterException(f"{SCHEMA_ERROR}Type for attribute {{{name}}} could not be determined")
        if definition.get("Required"):
            raise InvalidParameterException(f"user.{name}: Required attribute cannot be deleted.")
        if name in schema.READ_ONLY_ATTRIBUTES or not definition.get("Mutable", True):
            raise InvalidParameterException(f"user.{name}: Attribute cannot be updated.")
    return [*names, *(VERIFIED_FLAG[name] for name in names if name in VERIFIED_FLAG)]
