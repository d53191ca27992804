"""Which role a login gets: AWS's role-based access control (Type Token or Rules,
AmbiguousRoleResolution), computed on plain values."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

AUTHENTICATED, UNAUTHENTICATED = "authenticated", "unauthenticated"
TOKEN, RULES = "Token", "Rules"
DENY, AUTHENTICATED_ROLE = "Deny", "AuthenticatedRole"


@dataclass(frozen=True)
class Choice:
    """The chosen role ARN, or None with `denied` True when AmbiguousRoleResolution is Deny."""

    role_arn: str | None
    denied: bool = False


def _claim_values(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if value is None:
        return []
    return [str(value)]


def rule_matches(rule: Mapping, claims: Mapping) -> bool:
    """One rule of a `Rules` mapping: Equals, Contains, StartsWith or NotEqual on a claim.

    A missing claim matches no rule; a list claim (cognito:groups) matches when any member does
    (NotEqual: when none is equal)."""
    if rule.get("Claim") not in claims:
        return False
    values = _claim_values(claims[rule["Claim"]])
    wanted, match = str(rule.get("Value", "")), rule.get("MatchType")
    if match == "Equals":
        return wanted in values
    if match == "Contains":
        return any(wanted in value for value in values)
    if match == "StartsWith":
        return any(value.startswith(wanted) for value in values)
    if match == "NotEqual":
        return wanted not in values
    return False


def _roles_claim(claims: Mapping) -> list[str]:
    roles = claims.get("cognito:roles")
    if isinstance(roles, str):  # some issuers send one role, or a comma-separated list
        return [r for r in roles.split(",") if r]
    return _claim_values(roles)


def _ambiguous(mapping: Mapping, default_role: str | None) -> Choice:
    if mapping.get("AmbiguousRoleResolution") == AUTHENTICATED_ROLE:
        return Choice(default_role)
    return Choice(None, denied=True)


def choose_role(mapping: Mapping | None, claims: Mapping, default_role: str | None, custom_role_arn: str | None) -> Choice:
    """The role of an authenticated login under its provider's role mapping (None: the default
    authenticated role).

    Token: `CustomRoleArn` when the token's `cognito:roles` lists it; else `cognito:preferred_role`;
    else the only role in `cognito:roles`; else ambiguous. Rules: the first matching rule, in order;
    else ambiguous.
    """
    if not mapping:
        return Choice(default_role)
    if mapping.get("Type") == TOKEN:
        roles = _roles_claim(claims)
        if custom_role_arn and custom_role_arn in roles:
            return Choice(custom_role_arn)
        preferred = claims.get("cognito:preferred_role")
        if isinstance(preferred, str) and preferred:
            return Choice(preferred)
        if len(roles) == 1:
            return Choice(roles[0])
        return _ambiguous(mapping, default_role)
    if mapping.get("Type") == RULES:
        for rule in (mapping.get("RulesConfiguration") or {}).get("Rules") or []:
            if rule_matches(rule, claims):
                return Choice(rule.get("RoleARN"))
        return _ambiguous(mapping, default_role)
    return Choice(default_role)
