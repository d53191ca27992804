"""The `resources` of a CloudTrail record, read cheaply from the request members (pure).

Only members that name a resource outright are used; secrets were hidden before this sees the
members, so a hidden value is never reported as a resource name.
"""
from __future__ import annotations

from typing import Any

HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"

# request member -> CloudFormation-style resource type, as CloudTrail's lookup reports them
_RESOURCE_MEMBERS: tuple[tuple[str, str], ...] = (
    ("UserPoolId", "AWS::Cognito::UserPool"),
    ("ClientId", "AWS::Cognito::UserPoolClient"),
    ("GroupName", "AWS::Cognito::UserPoolGroup"),
    ("KeyId", "AWS::KMS::Key"),
    ("UserName", "AWS::IAM::User"),
    ("RoleName", "AWS::IAM::Role"),
    ("PolicyArn", "AWS::IAM::Policy"),
    ("RoleArn", "AWS::IAM::Role"),
    ("ResourceArn", "AWS::Cognito::UserPool"),
    ("IdentityPoolId", "AWS::Cognito::IdentityPool"),
)


def resources_of(event_source: str, params: dict[str, Any]) -> list[dict[str, str]]:
    """`[{"ResourceType": ..., "ResourceName": ...}]` for the resources a call names."""
    found: list[dict[str, str]] = []
    for member, kind in _RESOURCE_MEMBERS:
        value = params.get(member)
        if not isinstance(value, str) or not value or value == HIDDEN:
            continue
        if member == "GroupName" and not event_source.startswith("cognito-idp"):
            kind = "AWS::IAM::Group"
        if member == "ResourceArn" and event_source.startswith("cognito-identity"):
            kind = "AWS::Cognito::IdentityPool"
        found.append({"ResourceType": kind, "ResourceName": value})
    return found
