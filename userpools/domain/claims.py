"""The claims of ID and access tokens, built from plain values (`TokenSubject`): no database, no
keys. The token service gathers the values, this module shapes them as Cognito does, and applies
what a pre token generation trigger answered (`apply_overrides`)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

# The scope every user-pool access token carries, and every AccessToken operation requires.
ADMIN_SCOPE = "aws.cognito.signin.user.admin"

@dataclass(frozen=True)
class GroupInfo:
    """A group of the user as the claims need it."""

    name: str
    role_arn: str
    precedence: int | None


@dataclass(frozen=True)
class TokenSubject:
    """Everything the claims of one issue depend on, as plain values."""

    issuer: str
    client_id: str
    sub: str
    username: str
    auth_time: int
    issued_at: int
    origin_jti: str | None  # None when the client has token revocation turned off
    event_id: str
    groups: list[GroupInfo] = field(default_factory=list)
    profile: dict[str, Any] = field(default_factory=dict)  # readable attributes, typed


def issuer(pool_id: str) -> str:
    """The pool's token issuer: `<PUBLIC_URL>/<pool id>`."""
    return f"{settings.PUBLIC_URL}/{pool_id}"


def preferred_role(groups: list[GroupInfo]) -> str | None:
    """The role of the group with the lowest Precedence (None counts as the highest).

    Cognito leaves the claim out when the best groups tie with different roles.
    """
    with_roles = [group for group in groups if group.role_arn]
    if not with_roles:
        return None
    rank = lambda group: float("inf") if group.precedence is None else group.precedence  # noqa: E731
    best = min(rank(group) for group in with_roles)
    roles = {group.role_arn for group in with_roles if rank(group) == best}
    return roles.pop() if len(roles) == 1 else None


def claim_value(name: str, definition: dict, value: str) -> Any:
    """An attribute as the ID token carries it: booleans as JSON booleans, updated_at a number,
    address as an OIDC address object, identities as the JSON it holds."""
    if definition.get("AttributeDataType") == "Boolean":
        return value.lower() == "true"
    if name == "updated_at" and value.lstrip("-").isdigit():
        return int(value)
    if name == "address":
        return {"formatted": value}
    if name == "identities":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def profile_claims(values: dict[str, str], definitions: dict[str, dict], readable: set[str] | None) -> dict[str, Any]:
    """The attributes an ID token shows: those the client may read (all when it names none),
    never developer-only ones."""
    claims: dict[str, Any] = {}
    for name, value in values.items():
        definition = definitions.get(name)
        if definition is None or definition.get("DeveloperOnlyAttribute"):
            continue
        if readable is not None and name not in readable:
            continue
        claims[name] = claim_value(name, definition, value)
    return claims


def _group_claims(groups: list[GroupInfo], *, with_roles: bool) -> dict[str, Any]:
    if not groups:
        return {}
    claims: dict[str, Any] = {"cognito:groups": [group.name for group in groups]}
    if with_roles:
        roles = [group.role_arn for group in groups if group.role_arn]
        if roles:
            claims["cognito:roles"] = roles
        role = preferred_role(groups)
        if role:
            claims["cognito:preferred_role"] = role
    return claims


def id_token_claims(subject: TokenSubject, lifetime: int, jti: str) -> dict[str, Any]:
    """The claims of an ID token, in Cognito's order."""
    claims: dict[str, Any] = {"sub": subject.sub, **_group_claims(subject.groups, with_roles=True)}
    claims.update({key: value for key, value in subject.profile.items() if key != "sub"})
    claims.update({"iss": subject.issuer, "cognito:username": subject.username})
    if subject.origin_jti:
        claims["origin_jti"] = subject.origin_jti
    claims.update({
        "aud": subject.client_id,
        "event_id": subject.event_id,
        "token_use": "id",
        "auth_time": subject.auth_time,
        "exp": subject.issued_at + lifetime,
        "iat": subject.issued_at,
        "jti": jti,
    })
    return claims


def access_token_claims(subject: TokenSubject, lifetime: int, jti: str) -> dict[str, Any]:
    """The claims of an access token, in Cognito's order; its scope is the user-admin scope."""
    claims: dict[str, Any] = {"sub": subject.sub, **_group_claims(subject.groups, with_roles=False)}
    claims.update({"iss": subject.issuer, "client_id": subject.client_id})
    if subject.origin_jti:
        claims["origin_jti"] = subject.origin_jti
    claims.update({
        "event_id": subject.event_id,
        "token_use": "access",
        "scope": ADMIN_SCOPE,
        "auth_time": subject.auth_time,
        "exp": subject.issued_at + lifetime,
        "iat": subject.issued_at,
        "jti": jti,
        "username": subject.username,
    })
    return claims


# --- what a pre token generation trigger may change ----------------------------------------

# Claims a token-generation trigger may not change (Cognito ignores such attempts).
PROTECTED_CLAIMS = frozenset({
    "acr", "amr", "aud", "auth_time", "azp", "exp", "iat", "identities", "iss", "sub", "token_use", "nonce",
    "at_hash", "cognito:username", "client_id", "jti", "origin_jti", "event_id", "username", "scope", "version",
})


@dataclass
class TokenClaims:
    """The claims about to be signed, changed in place by the pre token generation trigger."""

    id_claims: dict[str, Any]
    access_claims: dict[str, Any]
    groups: list[str] = field(default_factory=list)
    role_arns: list[str] = field(default_factory=list)
    preferred_role: str | None = None


def _override(claims: dict[str, Any], details: dict | None) -> None:
    details = details or {}
    for name, value in (details.get("claimsToAddOrOverride") or {}).items():
        if name not in PROTECTED_CLAIMS:
            claims[name] = value
    for name in details.get("claimsToSuppress") or []:
        if name not in PROTECTED_CLAIMS:
            claims.pop(name, None)


def _override_groups(tokens: TokenClaims, details: dict | None) -> None:
    if not details:
        return
    overrides = {
        "cognito:groups": details.get("groupsToOverride"),
        "cognito:roles": details.get("iamRolesToOverride"),
        "cognito:preferred_role": details.get("preferredRole"),
    }
    for name, value in overrides.items():
        if value is None:
            continue
        targets = (tokens.id_claims, tokens.access_claims) if name == "cognito:groups" else (tokens.id_claims,)
        for claims in targets:
            if value == []:
                claims.pop(name, None)
            else:
                claims[name] = value


def _scopes(access_claims: dict[str, Any], details: dict) -> None:
    scopes = (access_claims.get("scope") or "").split()
    scopes += [scope for scope in details.get("scopesToAdd") or [] if scope not in scopes]
    suppressed = set(details.get("scopesToSuppress") or [])
    access_claims["scope"] = " ".join(scope for scope in scopes if scope not in suppressed)


def apply_overrides(tokens: TokenClaims, response: dict) -> None:
    """Apply a pre token generation answer: V1 (`claimsOverrideDetails`) changes the ID token
    and groups; V2 and later (`claimsAndScopeOverrideDetails`) also the access token and scopes.
    Protected claims are left as they are, as Cognito ignores such attempts."""
    if "claimsAndScopeOverrideDetails" in response:  # V2 and later
        details = response.get("claimsAndScopeOverrideDetails") or {}
        _override(tokens.id_claims, details.get("idTokenGeneration"))
        access = details.get("accessTokenGeneration") or {}
        _override(tokens.access_claims, access)
        _scopes(tokens.access_claims, access)
        _override_groups(tokens, details.get("groupOverrideDetails"))
        return
    details = response.get("claimsOverrideDetails") or {}
    _override(tokens.id_claims, details)
    _override_groups(tokens, details.get("groupOverrideDetails"))
