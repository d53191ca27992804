"""What an app client permits when it calls the unauthenticated APIs: its secret hash,
its auth flows, its token lifetimes and its user-existence policy.

Pure: a client is anything with `client_id`, `config` (AWS's UserPoolClientType members) and
`secret` (None for a public client), such as a UserPoolClient row already loaded.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any, Protocol

from core.errors import InvalidParameterException, NotAuthorizedException


class AppClient(Protocol):
    """The parts of an app client these rules read."""

    client_id: str
    config: dict[str, Any]

    @property
    def secret(self) -> str | None:
        """The client secret, None for a public client."""


_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
_DEFAULT_UNITS = {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"}
_VALIDITY_MEMBERS = {"AccessToken": "AccessTokenValidity", "IdToken": "IdTokenValidity", "RefreshToken": "RefreshTokenValidity"}
_DEFAULT_SECONDS = {"AccessToken": 3600, "IdToken": 3600, "RefreshToken": 30 * 86400}

# Which ExplicitAuthFlows values (new and legacy) allow a given AuthFlow.
_FLOW_ALLOWED_BY = {
    "USER_PASSWORD_AUTH": {"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"},
    "ADMIN_USER_PASSWORD_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
    "ADMIN_NO_SRP_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
    "USER_SRP_AUTH": {"ALLOW_USER_SRP_AUTH"},
    "CUSTOM_AUTH": {"ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"},
    "USER_AUTH": {"ALLOW_USER_AUTH"},
}
_LEGACY_FLOWS = {"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"}


def secret_hash(client_secret: str, username: str, client_id: str) -> str:
    """Base64(HMAC-SHA256(client secret, username + client id)), as Cognito defines SECRET_HASH."""
    digest = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def check_secret_hash(client: AppClient, username: str, given: str | None) -> None:
    """Refuse a missing or wrong SECRET_HASH when the client has a secret."""
    secret = client.secret
    if secret is None:
        return
    if not given:
        raise NotAuthorizedException(f"Client {client.client_id} is configured with secret but SECRET_HASH was not received")
    if not hmac.compare_digest(secret_hash(secret, username, client.client_id).encode(), given.encode()):
        raise NotAuthorizedException(f"Unable to verify secret hash for client {client.client_id}")


def require_flow(client: AppClient, flow: str) -> None:
    """Refuse an AuthFlow the client's ExplicitAuthFlows does not allow."""
    allowed = set(client.config.get("ExplicitAuthFlows") or [])
    if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        # Legacy-only clients may always refresh; new-style ones must say ALLOW_REFRESH_TOKEN_AUTH.
        if "ALLOW_REFRESH_TOKEN_AUTH" in allowed or (allowed and allowed <= _LEGACY_FLOWS):
            return
    elif allowed & _FLOW_ALLOWED_BY.get(flow, set()):
        return
    raise InvalidParameterException(f"{flow} flow not enabled for this client")


def prevents_user_existence_errors(client: AppClient) -> bool:
    """Whether the client hides which users exist (PreventUserExistenceErrors ENABLED)."""
    return client.config.get("PreventUserExistenceErrors") == "ENABLED"


def token_lifetime_seconds(client: AppClient, token: str) -> int:
    """Lifetime of "AccessToken", "IdToken" or "RefreshToken" for this client."""
    value = client.config.get(_VALIDITY_MEMBERS[token])
    if not value:
        return _DEFAULT_SECONDS[token]
    unit = (client.config.get("TokenValidityUnits") or {}).get(token) or _DEFAULT_UNITS[token]
    return int(value) * _UNIT_SECONDS[unit]


def auth_session_seconds(client: AppClient) -> int:
    """How long a challenge Session lasts (AuthSessionValidity minutes, 3 to 15; default 3)."""
    return int(client.config.get("AuthSessionValidity") or 3) * 60
