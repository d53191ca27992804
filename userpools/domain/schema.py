"""Standard and custom attribute schema, as Cognito describes it in SchemaAttributes."""
from __future__ import annotations

import copy

from core.errors import InvalidParameterException

CUSTOM_PREFIX = "custom:"
MAX_CUSTOM_ATTRIBUTES = 50

_STRING = {"MinLength": "0", "MaxLength": "2048"}

_STANDARD_TYPES = {
    "sub": "String",
    "name": "String",
    "given_name": "String",
    "family_name": "String",
    "middle_name": "String",
    "nickname": "String",
    "preferred_username": "String",
    "profile": "String",
    "picture": "String",
    "website": "String",
    "email": "String",
    "email_verified": "Boolean",
    "gender": "String",
    "birthdate": "String",
    "zoneinfo": "String",
    "locale": "String",
    "phone_number": "String",
    "phone_number_verified": "Boolean",
    "address": "String",
    "updated_at": "Number",
    "identities": "String",
}
STANDARD_ATTRIBUTES = frozenset(_STANDARD_TYPES)
# Attributes only Cognito itself sets.
READ_ONLY_ATTRIBUTES = frozenset({"sub", "identities"})


def _standard(name: str) -> dict:
    kind = _STANDARD_TYPES[name]
    attribute = {"Name": name, "AttributeDataType": kind, "DeveloperOnlyAttribute": False, "Mutable": name != "sub", "Required": name == "sub"}
    if kind == "String":
        constraints = dict(_STRING)
        if name == "sub":
            constraints["MinLength"] = "1"
        if name == "birthdate":
            constraints = {"MinLength": "10", "MaxLength": "10"}
        attribute["StringAttributeConstraints"] = constraints
    elif kind == "Number":
        attribute["NumberAttributeConstraints"] = {"MinValue": "0"}
    return attribute


def default_schema() -> list[dict]:
    """Cognito's standard attributes, as a new pool's schema."""
    return [_standard(name) for name in _STANDARD_TYPES if name != "identities"] + [
        {
            "Name": "identities", "AttributeDataType": "String", "DeveloperOnlyAttribute": False, "Mutable": True, "Required": False,
            "StringAttributeConstraints": {},
        }
    ]


def _integer(value, what: str, lowest: int | None = None, highest: int | None = None) -> int:
    """A constraint given as a string of digits (as the API carries them), within bounds."""
    text = str(value).strip()
    if not text.lstrip("-").isdigit() or len(text) > 20:
        raise InvalidParameterException(f"{what} must be an integer, not {str(value)[:40]!r}.")
    number = int(text)
    if (lowest is not None and number < lowest) or (highest is not None and number > highest):
        raise InvalidParameterException(f"{what} must be between {lowest} and {highest}.")
    return number


def _checked_constraints(name: str, kind: str, definition: dict) -> dict:
    """The constraints of a new attribute, refused when they could not be applied to a value."""
    low: int | None
    high: int | None
    if kind == "String":
        given = definition.get("StringAttributeConstraints") or {}
        low = _integer(given.get("MinLength", "0"), f"MinLength of {name}", 0, 2048)
        high = _integer(given.get("MaxLength", "2048"), f"MaxLength of {name}", 0, 2048)
        key = "StringAttributeConstraints"
    elif kind == "Number":
        given = definition.get("NumberAttributeConstraints") or {}
        low = _integer(given["MinValue"], f"MinValue of {name}") if "MinValue" in given else None
        high = _integer(given["MaxValue"], f"MaxValue of {name}") if "MaxValue" in given else None
        key = "NumberAttributeConstraints"
    else:
        return {}
    if low is not None and high is not None and low > high:
        raise InvalidParameterException(f"The minimum of attribute {name} is greater than its maximum.")
    return {key: dict(given)}


def _custom(definition: dict) -> dict:
    name = definition.get("Name") or ""
    if name.startswith(CUSTOM_PREFIX):
        name = name[len(CUSTOM_PREFIX):]
    if not 1 <= len(name) <= 20:
        raise InvalidParameterException(f"Custom attribute name {name!r} must be between 1 and 20 characters.")
    if definition.get("Required"):
        raise InvalidParameterException("Required custom attributes are not supported currently.")
    kind = definition.get("AttributeDataType", "String")
    attribute = {
        "Name": CUSTOM_PREFIX + name,
        "AttributeDataType": kind,
        "DeveloperOnlyAttribute": bool(definition.get("DeveloperOnlyAttribute", False)),
        "Mutable": bool(definition.get("Mutable", True)),
        "Required": False,
    }
    attribute.update(_checked_constraints(attribute["Name"], kind, definition))
    if attribute["DeveloperOnlyAttribute"]:
        attribute["Name"] = "dev:" + attribute["Name"]
    return attribute


def build_schema(requested: list[dict] | None) -> list[dict]:
    """The full SchemaAttributes for a new pool from CreateUserPool's Schema."""
    schema = default_schema()
    by_name = {attribute["Name"]: attribute for attribute in schema}
    for definition in requested or []:
        name = definition.get("Name") or ""
        if name in STANDARD_ATTRIBUTES:
            if name == "sub":
                continue
            standard = by_name[name]
            if definition.get("AttributeDataType") and definition["AttributeDataType"] != standard["AttributeDataType"]:
                raise InvalidParameterException(f"You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute {name}")
            for key in ("Required", "Mutable"):
                if key in definition:
                    standard[key] = bool(definition[key])
            if definition.get("StringAttributeConstraints") and "StringAttributeConstraints" in standard:
                merged = {**standard["StringAttributeConstraints"], **definition["StringAttributeConstraints"]}
                standard.update(_checked_constraints(name, "String", {"StringAttributeConstraints": merged}))
        else:
            schema = add_custom(schema, [definition])
            by_name = {attribute["Name"]: attribute for attribute in schema}
    return schema


def add_custom(schema: list[dict], definitions: list[dict]) -> list[dict]:
    """Schema with custom attributes added; an existing name or too many is an error."""
    result = copy.deepcopy(schema)
    existing = {attribute["Name"].removeprefix("dev:") for attribute in result}
    for definition in definitions:
        attribute = _custom(definition)
        plain = attribute["Name"].removeprefix("dev:")
        if plain in existing:
            raise InvalidParameterException(f"Existing attribute already has name {plain}.")
        existing.add(plain)
        result.append(attribute)
    if sum(1 for attribute in result if attribute["Name"].removeprefix("dev:").startswith(CUSTOM_PREFIX)) > MAX_CUSTOM_ATTRIBUTES:
        raise InvalidParameterException(f"A user pool can have at most {MAX_CUSTOM_ATTRIBUTES} custom attributes.")
    return result


def required_names(schema: list[dict]) -> list[str]:
    """The names of a schema's required attributes (`sub` aside)."""
    return [attribute["Name"] for attribute in schema if attribute.get("Required") and attribute["Name"] != "sub"]
