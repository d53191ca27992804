"""Sign-in as a resumable stage machine: InitiateAuth starts a flow that proves who the user is;
pending stages (new password, devices, MFA) are answered through RespondToAuthChallenge with an
opaque Session; the last step issues tokens.

`initiate_auth` and `respond_to_auth_challenge` serve both the public and the admin API
(`admin=True`: the request is IAM-signed and names its UserPoolId).
"""
from __future__ import annotations

from core.errors import InvalidParameterException, ResourceNotFoundException
from userpools.domain import client_auth
from userpools.models import UserPool, UserPoolClient
from userpools.services import lookup
from userpools.services.pools import get_pool_to_read
from userpools.services.signin import challenges, custom_auth, flows, srp_flow, throttle
from userpools.services.signin.attempt import Attempt, Flow

__all__ = ["hosted_respond", "hosted_sign_in", "initiate_auth", "respond_to_auth_challenge"]


def _password_verifier(attempt: Attempt) -> dict:
    """PASSWORD_VERIFIER answers two flows: USER_SRP_AUTH's challenge, and the SRP round a
    CUSTOM_AUTH sign-in asked for. Only the Session tells them apart, so the choice is made here,
    once, and not by whichever module happened to register the challenge last."""
    pending = custom_auth.custom_session(attempt)
    if pending is None:
        return srp_flow.password_verifier_answer(attempt)
    return custom_auth.password_verifier_round(attempt, pending)


# AuthFlow -> (handler, served by InitiateAuth, served by AdminInitiateAuth)
_FLOWS: dict[str, tuple[Flow, bool, bool]] = {
    "USER_PASSWORD_AUTH": (flows.password_flow, True, False),
    "ADMIN_USER_PASSWORD_AUTH": (flows.password_flow, False, True),
    "ADMIN_NO_SRP_AUTH": (flows.password_flow, False, True),
    "USER_SRP_AUTH": (srp_flow.user_srp_flow, True, True),
    "CUSTOM_AUTH": (custom_auth.custom_auth_flow, True, True),
    "REFRESH_TOKEN_AUTH": (flows.refresh_flow, True, True),
    "REFRESH_TOKEN": (flows.refresh_flow, True, True),
}
_ADMIN_ONLY = {"ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"}
_PUBLIC_ONLY = {"USER_PASSWORD_AUTH"}

# ChallengeName -> handler, for answers that come before the user is proven: they carry their
# own state (a SECRET_BLOCK, a custom sign-in's history) and count failures like a password. Every
# other challenge is a stage after the first factor (challenges.respond).
_FIRST_FACTOR_ANSWERS: dict[str, Flow] = {
    srp_flow.CHALLENGE: _password_verifier,
    custom_auth.CUSTOM_CHALLENGE: custom_auth.custom_challenge_answer,
}


def _pool_and_client(params: dict, *, admin: bool) -> tuple[UserPool, UserPoolClient]:
    if admin:
        pool = get_pool_to_read(params["UserPoolId"])
        client = lookup.client_by_id(params["ClientId"])
        if client.pool_id != pool.id:
            raise ResourceNotFoundException(f"User pool client {client.client_id} does not exist.")
        return pool, client
    client = lookup.client_by_id(params["ClientId"])
    return client.pool, client


def initiate_auth(params: dict, *, admin: bool, source_ip: str | None) -> dict:
    """InitiateAuth / AdminInitiateAuth: the response members (challenge or AuthenticationResult)."""
    throttle.read_ahead(None if admin else source_ip)
    pool, client = _pool_and_client(params, admin=admin)
    name = params["AuthFlow"]
    if name not in (_PUBLIC_ONLY if admin else _ADMIN_ONLY):  # accepted by this API, implemented or not
        client_auth.require_flow(client, name)
    handler, public, for_admin = _FLOWS.get(name, (None, False, False))
    if handler is None or not (for_admin if admin else public):
        raise InvalidParameterException("Initiate Auth method not supported.")
    attempt = Attempt(pool=pool, client=client, parameters=params.get("AuthParameters") or {}, admin=admin,
                      source_ip=source_ip, validation_data=params.get("ClientMetadata") or {})
    return handler(attempt)


def respond_to_auth_challenge(params: dict, *, admin: bool, source_ip: str | None) -> dict:
    """RespondToAuthChallenge / AdminRespondToAuthChallenge."""
    throttle.read_ahead(None if admin else source_ip)
    pool, client = _pool_and_client(params, admin=admin)
    name = params["ChallengeName"]
    attempt = Attempt(pool=pool, client=client, parameters=params.get("ChallengeResponses") or {}, admin=admin,
                      source_ip=source_ip, client_metadata=params.get("ClientMetadata") or {},
                      challenge_name=name, session=params.get("Session"))
    first_factor = _FIRST_FACTOR_ANSWERS.get(name)
    if first_factor is not None:
        return first_factor(attempt)
    return challenges.respond(attempt)


def _with_secret_hash(client: UserPoolClient, username: str, values: dict[str, str]) -> dict[str, str]:
    """The hosted UI is the client's own page: it proves the secret itself (no SECRET_HASH form field)."""
    secret = client.secret
    if secret is None:
        return values
    return {**values, "SECRET_HASH": client_auth.secret_hash(secret, username, client.client_id)}


def hosted_sign_in(client: UserPoolClient, username: str, password: str, *, source_ip: str | None) -> dict:
    """The hosted UI's sign-in form: the password flow with the same lockout, throttling and
    user-existence rules as InitiateAuth, whatever the client's ExplicitAuthFlows. Ends in a
    challenge (ChallengeName, Session) or `SignedIn` ({"sub", "auth_time"}) instead of tokens."""
    parameters = _with_secret_hash(client, username, {"USERNAME": username, "PASSWORD": password})
    attempt = Attempt(pool=client.pool, client=client, parameters=parameters, admin=False, source_ip=source_ip, hosted=True)
    return flows.password_flow(attempt)


def hosted_respond(client: UserPoolClient, challenge: str, session: str, responses: dict[str, str], *,
                   source_ip: str | None) -> dict:
    """The hosted UI's answer to a pending challenge (new password, MFA code, MFA set-up)."""
    parameters = _with_secret_hash(client, responses.get("USERNAME", ""), responses)
    attempt = Attempt(pool=client.pool, client=client, parameters=parameters, admin=False, source_ip=source_ip,
                      challenge_name=challenge, session=session, hosted=True)
    return challenges.respond(attempt)
