"""Wire handlers: sign-in (InitiateAuth, RespondToAuthChallenge and their Admin forms)."""
from awsapi.registry import COGNITO_IDP, CallContext, operation
from userpools.services import signin


@operation(COGNITO_IDP)
def initiate_auth(params: dict, ctx: CallContext) -> dict:
    return signin.initiate_auth(params, admin=False, source_ip=ctx.source_ip)


@operation(COGNITO_IDP)
def admin_initiate_auth(params: dict, ctx: CallContext) -> dict:
    return signin.initiate_auth(params, admin=True, source_ip=ctx.source_ip)


@operation(COGNITO_IDP)
def respond_to_auth_challenge(params: dict, ctx: CallContext) -> dict:
    return signin.respond_to_auth_challenge(params, admin=False, source_ip=ctx.source_ip)


@operation(COGNITO_IDP)
def admin_respond_to_auth_challenge(params: dict, ctx: CallContext) -> dict:
    return signin.respond_to_auth_challenge(params, admin=True, source_ip=ctx.source_ip)
