"""Wire handlers: sign-in (InitiateAuth, RespondToAuthChallenge and their Admin forms)."""
from awsapi.registry import CallContext
from userpools.services import signin


def initiate_auth(params: dict, ctx: CallContext) -> dict:
    return signin.initiate_auth(params, admin=False, source_ip=ctx.source_ip)


def admin_initiate_auth(params: dict, ctx: CallContext) -> dict:
    return signin.initiate_auth(params, admin=True, source_ip=ctx.source_ip)


def respond_to_auth_challenge(params: dict, ctx: CallContext) -> dict:
    return signin.respond_to_auth_challenge(params, admin=False, source_ip=ctx.source_ip)


def admin_respond_to_auth_challenge(params: dict, ctx: CallContext) -> dict:
    return signin.respond_to_auth_challenge(params, admin=True, source_ip=ctx.source_ip)
