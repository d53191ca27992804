"""The parameters of `/oauth2/authorize` (and of `/login`, which carries them on), checked in
Cognito's order. Until the redirect URI is known good an error is shown, never redirected."""
from __future__ import annotations

from dataclasses import dataclass

from authlib.oauth2.rfc6749.util import list_to_scope, scope_to_list

from core.errors import (
    InvalidRequestError,
    InvalidScopeError,
    OAuthError,
    UnauthorizedClientError,
    UnsupportedResponseTypeError,
)
from userpools import config_cache
from userpools.models import UserPool, UserPoolClient

COGNITO_PROVIDER = "COGNITO"
UNAVAILABLE_PROVIDER = "Login option is not available. Please try another one"
_RESPONSE_FLOWS = {"code": "code", "token": "implicit"}
_CHALLENGE_METHODS = {"S256", "plain"}


class UnsafeRequest(OAuthError):
    """An authorization request whose client or redirect URI is not known good: shown on an
    error page of ours, never sent to the URI it names."""

    error_type = "invalid_request"


@dataclass(frozen=True)
class AuthorizationRequest:
    """A checked authorization request. `params` are the request's own, to carry it on."""

    client: UserPoolClient
    response_type: str
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str
    nonce: str
    code_challenge: str
    code_challenge_method: str
    identity_provider: str
    idp_identifier: str
    prompt: str
    params: dict[str, str]

    @property
    def scope(self) -> str:
        return list_to_scope(list(self.scopes))


@dataclass(frozen=True)
class RedirectedError:
    """An error for a request whose redirect URI is good: sent back there with the state."""

    error: OAuthError
    redirect_uri: str
    state: str
    fragment: bool


def offers_cognito(client: UserPoolClient) -> bool:
    """Whether the client lets people use the pool's own accounts (the COGNITO provider)."""
    return COGNITO_PROVIDER in (client.config.get("SupportedIdentityProviders") or [])


def client_of(pool: UserPool, client_id: str) -> UserPoolClient:
    """The app client of this pool that `client_id` names, or UnsafeRequest."""
    client = config_cache.client(client_id) if client_id else None
    if client is None or client.pool_id != pool.pk:
        raise UnsafeRequest("invalid client_id")
    return client


def callback_uri(client: UserPoolClient, given: str) -> str:
    """The redirect URI, matched exactly against the client's CallbackURLs (the DefaultRedirectURI when none is given)."""
    uri = given or client.config.get("DefaultRedirectURI") or ""
    if not uri or uri not in (client.config.get("CallbackURLs") or []):
        raise UnsafeRequest("redirect_mismatch")
    return uri


def redirected_error(client: UserPoolClient, params: dict[str, str], error: OAuthError) -> RedirectedError:
    """`error` for the authorization request of `params`, to send back to its redirect URI (the
    client's DefaultRedirectURI when it named none) with its state; UnsafeRequest when that URI is not good."""
    response_type = params.get("response_type", "")
    return RedirectedError(error, callback_uri(client, params.get("redirect_uri", "")), params.get("state", ""), response_type == "token")


def granted_scopes(client: UserPoolClient, requested: str | None) -> tuple[str, ...]:
    """The scopes asked for, all allowed to the client (all it is allowed when none are asked for)."""
    allowed = list(client.config.get("AllowedOAuthScopes") or [])
    wanted = scope_to_list(requested) if requested else allowed
    if not wanted or any(scope not in allowed for scope in wanted):
        raise InvalidScopeError("invalid_scope")
    return tuple(dict.fromkeys(wanted))


def parse(pool: UserPool, params: dict[str, str]) -> AuthorizationRequest | RedirectedError:
    """Check an authorization request. Raises UnsafeRequest when the client or redirect URI is
    bad; returns a RedirectedError for any later fault."""
    client = client_of(pool, params.get("client_id", ""))
    redirect_uri = callback_uri(client, params.get("redirect_uri", ""))
    try:
        return _checked(client, redirect_uri, params.get("response_type", ""), params)
    except OAuthError as error:
        return redirected_error(client, params, error)


def _checked(client: UserPoolClient, redirect_uri: str, response_type: str, params: dict[str, str]) -> AuthorizationRequest:
    if not response_type:
        raise InvalidRequestError("response_type is required")
    if response_type not in _RESPONSE_FLOWS:
        raise UnsupportedResponseTypeError("unsupported_response_type")
    flows = client.config.get("AllowedOAuthFlows") or []
    if not client.config.get("AllowedOAuthFlowsUserPoolClient") or _RESPONSE_FLOWS[response_type] not in flows:
        raise UnauthorizedClientError("unauthorized_client")
    scopes = granted_scopes(client, params.get("scope"))
    challenge = params.get("code_challenge", "") if response_type == "code" else ""
    method = params.get("code_challenge_method", "") or ("plain" if challenge else "")
    if challenge and method not in _CHALLENGE_METHODS:
        raise InvalidRequestError("invalid code_challenge_method")
    if method and not challenge:
        raise InvalidRequestError("code_challenge is required")
    return AuthorizationRequest(
        client=client, response_type=response_type, redirect_uri=redirect_uri, scopes=scopes,
        state=params.get("state", ""), nonce=params.get("nonce", ""), code_challenge=challenge,
        code_challenge_method=method, identity_provider=params.get("identity_provider", ""),
        idp_identifier=params.get("idp_identifier", ""), prompt=params.get("prompt", ""), params=dict(params),
    )
