"""STS handlers: who am I, and temporary credentials."""
from __future__ import annotations

from typing import Any

from awsapi.registry import CallContext
from iam import services
from iam.services import sts, web_identity
from iam.services.identity import Session


def get_caller_identity(params: dict, ctx: CallContext) -> dict:
    """Who signed the call: its user id, account and ARN."""
    assert ctx.principal is not None  # the operation needs a signature
    identity = services.caller_identity(ctx.principal)
    return {"UserId": identity.user_id, "Account": identity.account, "Arn": identity.arn}


def _credentials(credentials: sts.Credentials) -> dict:
    return {
        "AccessKeyId": credentials.access_key_id,
        "SecretAccessKey": credentials.secret_access_key,
        "SessionToken": credentials.session_token,
        "Expiration": credentials.expiration,
    }


def _caller_tags(caller) -> dict[str, str]:
    if isinstance(caller, Session):
        return dict(caller.tags)
    return dict(getattr(caller, "tags", None) or {})


def assume_role(params: dict, ctx: CallContext) -> dict:
    assert ctx.principal is not None
    assumed = sts.assume_role(
        ctx.principal,
        params["RoleArn"],
        params["RoleSessionName"],
        duration=params.get("DurationSeconds"),
        external_id=params.get("ExternalId"),
        policy=params.get("Policy"),
        policy_arns=params.get("PolicyArns"),
        tags=params.get("Tags"),
        caller_tags=_caller_tags(ctx.principal),
        source_ip=ctx.source_ip,
    )
    out: dict[str, Any] = {
        "Credentials": _credentials(assumed.credentials),
        "AssumedRoleUser": {"AssumedRoleId": assumed.assumed_role_id, "Arn": assumed.arn},
    }
    if assumed.packed_policy_size is not None:
        out["PackedPolicySize"] = assumed.packed_policy_size
    return out


def get_session_token(params: dict, ctx: CallContext) -> dict:
    assert ctx.principal is not None
    return {"Credentials": _credentials(sts.get_session_token(ctx.principal, params.get("DurationSeconds")))}


def assume_role_with_web_identity(params: dict, ctx: CallContext) -> dict:
    assumed, identity = web_identity.assume_role_with_web_identity(
        params["RoleArn"],
        params["RoleSessionName"],
        params["WebIdentityToken"],
        duration=params.get("DurationSeconds"),
        policy=params.get("Policy"),
        policy_arns=params.get("PolicyArns"),
    )
    out: dict[str, Any] = {
        "Credentials": _credentials(assumed.credentials),
        "AssumedRoleUser": {"AssumedRoleId": assumed.assumed_role_id, "Arn": assumed.arn},
        "SubjectFromWebIdentityToken": identity.subject,
        "Audience": identity.audience,
        "Provider": identity.provider,
    }
    if assumed.packed_policy_size is not None:
        out["PackedPolicySize"] = assumed.packed_policy_size
    return out
