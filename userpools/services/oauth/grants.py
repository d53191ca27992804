"""The token endpoint (`/oauth2/token`) and revocation endpoint (`/oauth2/revoke`): client
authentication and the `authorization_code`, `refresh_token` and `client_credentials` grants,
with RFC 6749's errors; and the tokens of the implicit flow, which `/oauth2/authorize` hands out."""
from __future__ import annotations

import uuid
from datetime import datetime

from authlib.oauth2.rfc6749.util import list_to_scope, scope_to_list

from core import crypto
from core.errors import (
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    InvalidScopeError,
    NotAuthorizedException,
    UnauthorizedClientError,
    UnsupportedGrantTypeError,
)
from userpools.models import User, UserPool, UserPoolClient
from userpools.services import tokens
from userpools.services.oauth import codes
from userpools.services.oauth.requests import AuthorizationRequest, granted_scopes

HOSTED_SOURCE = "TokenGeneration_HostedAuth"
_GRANT_FLOWS = {"authorization_code": "code", "client_credentials": "client_credentials"}


def authenticate_client(pool: UserPool, client_id: str | None, client_secret: str | None) -> UserPoolClient:
    """The app client of this pool, proven by its secret when it has one; invalid_client otherwise."""
    client = UserPoolClient.objects.select_related("pool").filter(pk=client_id or "", pool=pool).first()
    if client is None:
        raise InvalidClientError("invalid_client")
    secret = client.secret
    if secret is None:
        if client_secret:
            raise InvalidClientError("invalid_client")
    elif not crypto.constant_time_equals(secret, client_secret or ""):
        raise InvalidClientError("invalid_client")
    return client


def _require_oauth_flow(client: UserPoolClient, flow: str) -> None:
    if not client.config.get("AllowedOAuthFlowsUserPoolClient") or flow not in (client.config.get("AllowedOAuthFlows") or []):
        raise UnauthorizedClientError("unauthorized_client")


def _oauth_response(issued: dict, scope: str) -> dict:
    response = {"access_token": issued["AccessToken"], "expires_in": issued["ExpiresIn"], "token_type": "Bearer"}
    if "IdToken" in issued and "openid" in scope_to_list(scope or "openid"):
        response["id_token"] = issued["IdToken"]
    if "RefreshToken" in issued:
        response["refresh_token"] = issued["RefreshToken"]
    return response


def implicit_response(checked: AuthorizationRequest, user: User, auth_time: datetime) -> dict:
    """The tokens of an implicit-flow (`response_type=token`) sign-in, for the callback's fragment:
    no refresh token, and an ID token only with the openid scope, as the token endpoint answers."""
    grant = tokens.OAuthGrant(scope=checked.scope, nonce=checked.nonce)
    issued = tokens.issue_tokens(user, checked.client, auth_time=auth_time, with_refresh=False, source=HOSTED_SOURCE, grant=grant)
    return _oauth_response(issued, checked.scope)


def _required(form: dict[str, str], name: str) -> str:
    value = form.get(name)
    if not value:
        raise InvalidRequestError(f"{name} is required")
    return value


def token(client: UserPoolClient, form: dict[str, str]) -> dict:
    """The token endpoint's answer for an authenticated client and the request's form."""
    grant_type = _required(form, "grant_type")
    if grant_type == "authorization_code":
        return _authorization_code(client, form)
    if grant_type == "refresh_token":
        return _refresh_token(client, form)
    if grant_type == "client_credentials":
        return _client_credentials(client, form)
    raise UnsupportedGrantTypeError("unsupported_grant_type")


def _authorization_code(client: UserPoolClient, form: dict[str, str]) -> dict:
    _require_oauth_flow(client, "code")
    code = _required(form, "code")
    redirect_uri = _required(form, "redirect_uri")
    origin_jti = str(uuid.uuid4())  # the sign-in the code starts: a replay of the code revokes it
    grant = codes.redeem(client, code, redirect_uri, form.get("code_verifier", ""), origin_jti)
    issued = tokens.issue_tokens(grant.user, client, auth_time=grant.auth_time, source=HOSTED_SOURCE,
                                 grant=tokens.OAuthGrant(scope=grant.scope, nonce=grant.nonce), origin_jti=origin_jti)
    return _oauth_response(issued, grant.scope)


def _refresh_token(client: UserPoolClient, form: dict[str, str]) -> dict:
    refresh_token = _required(form, "refresh_token")
    try:
        row = tokens.live_refresh_row(client, refresh_token)
        issued = tokens.refresh_from(client, row)
    except NotAuthorizedException:
        raise InvalidGrantError("invalid_grant") from None
    return _oauth_response(issued, row.scope)


def _client_credentials(client: UserPoolClient, form: dict[str, str]) -> dict:
    _require_oauth_flow(client, "client_credentials")
    allowed_custom = [scope for scope in client.config.get("AllowedOAuthScopes") or [] if "/" in scope]
    requested = form.get("scope")
    scopes = granted_scopes(client, requested) if requested else tuple(allowed_custom)
    if not scopes or any("/" not in scope for scope in scopes):  # only resource-server scopes are for machines
        raise InvalidScopeError("invalid_scope")
    return _oauth_response(tokens.client_credentials_token(client, list_to_scope(list(scopes))), "")


def revoke(client: UserPoolClient, token_value: str) -> None:
    """RFC 7009 revocation of a refresh token (and the tokens issued with it)."""
    tokens.revoke_token(client, token_value, client_secret=client.secret)
