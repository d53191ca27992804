"""The global condition keys of a request context, built from plain values.

Only keys this service can honestly supply (IAM User Guide, "AWS global condition context keys").
Times are written as AWS writes them: ``aws:CurrentTime`` in ISO 8601 (UTC), ``aws:EpochTime`` in
seconds since the epoch.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime


def global_context(
    *,
    principal_arn: str,
    userid: str,
    username: str | None = None,
    source_ip: str | None = None,
    secure_transport: bool | None = None,
    now: datetime | None = None,
    principal_tags: Mapping[str, str] | None = None,
    request_tags: Mapping[str, str] | None = None,
    mfa_present: bool | None = None,
    extra: Mapping[str, str | list[str]] | None = None,
) -> dict[str, str | list[str]]:
    """The request context for ``iam.policy.Request``.

    ``username`` is set for IAM users only (AWS leaves ``aws:username`` out for roles and
    federated sessions). ``mfa_present`` None leaves ``aws:MultiFactorAuthPresent`` out of the
    context, as AWS does for long-term access keys; pass False to state it explicitly.
    ``request_tags`` also fills ``aws:TagKeys``. ``extra`` adds service keys
    (``cognito-identity.amazonaws.com:sub`` ...).
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    context: dict[str, str | list[str]] = {
        "aws:PrincipalArn": principal_arn,
        "aws:userid": userid,
        "aws:CurrentTime": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(moment.timestamp())),
    }
    parts = principal_arn.split(":")
    if len(parts) >= 6 and parts[4]:
        context["aws:PrincipalAccount"] = parts[4]
    if username is not None:
        context["aws:username"] = username
    if source_ip is not None:
        context["aws:SourceIp"] = source_ip
    if secure_transport is not None:
        context["aws:SecureTransport"] = "true" if secure_transport else "false"
    if mfa_present is not None:
        context["aws:MultiFactorAuthPresent"] = "true" if mfa_present else "false"
    for key, value in (principal_tags or {}).items():
        context[f"aws:PrincipalTag/{key}"] = value
    if request_tags:
        for key, value in request_tags.items():
            context[f"aws:RequestTag/{key}"] = value
        context["aws:TagKeys"] = list(request_tags)
    context.update(extra or {})
    return context
