"""Sign-in as a resumable stage machine: InitiateAuth starts a flow that proves who the user is;
pending stages (NEW_PASSWORD_REQUIRED now; SRP, MFA, custom challenges later) are answered
through RespondToAuthChallenge with an opaque Session; the last step issues tokens.

`initiate_auth` and `respond_to_auth_challenge` serve both the public and the admin API
(`admin=True`: the request is IAM-signed and names its UserPoolId).
"""
from __future__ import annotations

from core.errors import InvalidParameterException, ResourceNotFoundException
from userpools.models import UserPool, UserPoolClient
from userpools.services import client_auth
from userpools.services.pools import get_pool
from userpools.services.signin import challenges, flows, srp_flow  # noqa: F401  (srp_flow registers USER_SRP_AUTH)
from userpools.services.signin import device_stages  # noqa: F401  (device challenges: before MFA, which they may skip)
from userpools.services.signin import mfa_stages  # noqa: F401  (registers the MFA challenges after NEW_PASSWORD_REQUIRED)
from userpools.services.signin import custom_auth  # noqa: F401  (CUSTOM_AUTH; after srp_flow: it continues PASSWORD_VERIFIER inside custom sign-ins)

__all__ = ["initiate_auth", "respond_to_auth_challenge"]


def _pool_and_client(params: dict, *, admin: bool) -> tuple[UserPool, UserPoolClient]:
    if admin:
        pool = get_pool(params["UserPoolId"])
        client = client_auth.get_client(params["ClientId"])
        if client.pool_id != pool.id:
            raise ResourceNotFoundException(f"User pool client {client.client_id} does not exist.")
        return pool, client
    client = client_auth.get_client(params["ClientId"])
    return client.pool, client


def initiate_auth(params: dict, *, admin: bool, source_ip: str | None) -> dict:
    """InitiateAuth / AdminInitiateAuth: the response members (challenge or AuthenticationResult)."""
    pool, client = _pool_and_client(params, admin=admin)
    name = params["AuthFlow"]
    if flows.served(name, admin=admin):
        client_auth.require_flow(client, name)
    flow = flows.find(name, admin=admin)
    if flow is None:
        raise InvalidParameterException("Initiate Auth method not supported.")
    attempt = flows.Attempt(pool=pool, client=client, parameters=params.get("AuthParameters") or {}, admin=admin, source_ip=source_ip)
    return flow(attempt)


def respond_to_auth_challenge(params: dict, *, admin: bool, source_ip: str | None) -> dict:
    """RespondToAuthChallenge / AdminRespondToAuthChallenge."""
    pool, client = _pool_and_client(params, admin=admin)
    first_factor = flows.find_answer(params["ChallengeName"])
    if first_factor is not None:
        responses = {**(params.get("ChallengeResponses") or {}), custom_auth.SESSION_KEY: params.get("Session") or ""}
        return first_factor(flows.Attempt(pool=pool, client=client, parameters=responses, admin=admin, source_ip=source_ip))
    return challenges.respond(pool, client, params, admin=admin)
