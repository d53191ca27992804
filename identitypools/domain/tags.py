"""Principal tags for attribute-based access control: token claims -> session tags."""
from __future__ import annotations

from collections.abc import Mapping

# AWS's default mappings ("UseDefaults"): the app client and the user, as tags `client` and `username`.
DEFAULT_TAGS = {"client": "aud", "username": "sub"}
_MAX_TAG_VALUE = 256


def principal_tags(tag_map: Mapping | None, claims: Mapping) -> dict[str, str]:
    """The session tags a provider's tag map makes of a token's claims (claims absent: no tag)."""
    if not tag_map:
        return {}
    mapping: dict[str, str] = dict(DEFAULT_TAGS) if tag_map.get("UseDefaults") else {}
    mapping.update(tag_map.get("PrincipalTags") or {})
    tags: dict[str, str] = {}
    for key, claim in mapping.items():
        value = claims.get(claim)
        if isinstance(value, list):
            value = ",".join(map(str, value))
        if value is not None and value != "":
            tags[key] = str(value)[:_MAX_TAG_VALUE]
    return tags
