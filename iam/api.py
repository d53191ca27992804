"""Wire handlers for STS (query protocol). Parse, call one service, render."""
from __future__ import annotations

from awsapi.registry import CallContext
from iam import services


def get_caller_identity(params: dict, ctx: CallContext) -> dict:
    """Who signed the call: its user id, account and ARN."""
    assert ctx.principal is not None  # the operation needs a signature
    identity = services.caller_identity(ctx.principal)
    return {"UserId": identity.user_id, "Account": identity.account, "Arn": identity.arn}
