"""App-client use cases: create, describe, update, delete, list.

The whole client configuration lives in `UserPoolClient.config`, in AWS's own shape, with the
defaults Cognito applies already filled in; the secret lives encrypted in its own column.
"""
from __future__ import annotations

import copy
import secrets
import string
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction

from core import pagination
from core.errors import (
    InvalidOAuthFlowException,
    InvalidParameterException,
    ResourceNotFoundException,
    ScopeDoesNotExistException,
)
from core.net import is_loopback_host
from userpools.models import IdentityProvider, ResourceServer, UserPool, UserPoolClient
from userpools.services.pools import get_pool

_ID_ALPHABET = string.ascii_lowercase + string.digits
_ID_LENGTH = 26
_SECRET_LENGTH = 52

DEFAULT_AUTH_FLOWS = ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"]
_LEGACY_AUTH_FLOWS = {"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"}
STANDARD_SCOPES = frozenset({"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"})

_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
_INVALID_RANGE = "Invalid range for token validity."


@dataclass(frozen=True)
class _Token:
    """How one token's validity is requested, defaulted and bounded (in seconds)."""

    member: str
    unit_key: str
    default_unit: str  # the unit of a value given without one
    default_seconds: int
    low: int
    high: int


_TOKENS = (
    # AWS reports an unset access/ID token validity as 60 minutes and a refresh token as 30 days.
    _Token("AccessTokenValidity", "AccessToken", "hours", 3600, 5 * 60, 86400),
    _Token("IdTokenValidity", "IdToken", "hours", 3600, 5 * 60, 86400),
    _Token("RefreshTokenValidity", "RefreshToken", "days", 30 * 86400, 3600, 3650 * 86400),
)

# Members stored only when given; Describe leaves them out otherwise, as Cognito does.
_OPTIONAL_MEMBERS = (
    "ReadAttributes", "WriteAttributes", "SupportedIdentityProviders", "CallbackURLs", "LogoutURLs",
    "DefaultRedirectURI", "AllowedOAuthFlows", "AllowedOAuthScopes", "AnalyticsConfiguration", "RefreshTokenRotation",
)


# --- lookups -------------------------------------------------------------------------------------


def get_client(pool_id: str, client_id: str) -> UserPoolClient:
    """An app client of the pool, or ResourceNotFoundException."""
    client = UserPoolClient.objects.filter(pool_id=pool_id, client_id=client_id).first()
    if client is None:
        get_pool(pool_id)  # an unknown pool is reported as such
        raise ResourceNotFoundException(f"User pool client {client_id} does not exist.")
    return client


def _locked_client(pool_id: str, client_id: str) -> UserPoolClient:
    client = UserPoolClient.objects.select_for_update(no_key=True).filter(pool_id=pool_id, client_id=client_id).first()
    if client is None:
        get_pool(pool_id)
        raise ResourceNotFoundException(f"User pool client {client_id} does not exist.")
    return client


# --- use cases -----------------------------------------------------------------------------------


@transaction.atomic
def create_client(pool_id: str, params: dict) -> UserPoolClient:
    """Create an app client; a secret is generated on request or taken as given."""
    pool = get_pool(pool_id)
    secret = _initial_secret(params)
    config = _build_config(pool, params, has_secret=secret is not None)
    for _ in range(5):
        client = UserPoolClient(client_id=_random(_ID_LENGTH), pool=pool, name=params["ClientName"], config=config)
        client.secret = secret
        try:
            with transaction.atomic():
                client.save(force_insert=True)
            return client
        except IntegrityError:  # an id collision: astronomically rare, try another
            continue
    raise RuntimeError("Could not allocate an app client id.")


@transaction.atomic
def update_client(pool_id: str, client_id: str, params: dict) -> UserPoolClient:
    """Replace the client's settings; as in AWS, members left out return to their defaults."""
    client = _locked_client(pool_id, client_id)
    client.config = _build_config(client.pool, params, has_secret=bool(client.secret_encrypted))
    if params.get("ClientName"):
        client.name = params["ClientName"]
    client.save()
    return client


@transaction.atomic
def delete_client(pool_id: str, client_id: str) -> None:
    """DeleteUserPoolClient."""
    _locked_client(pool_id, client_id).delete()


def list_clients(
    pool_id: str, max_results: int | None, next_token: str | None, *, client_type: str | None = None
) -> tuple[list[UserPoolClient], str | None]:
    """Keyset pagination over the pool's clients by client id."""
    get_pool(pool_id)
    if client_type == "DCR":  # dynamic client registration is not offered, so no client is of that type
        return [], None
    query = UserPoolClient.objects.filter(pool_id=pool_id)
    return pagination.keyset_page(query, "client_id", max_results or 60, f"clients:{pool_id}", next_token)


def describe_client(client: UserPoolClient) -> dict:
    """The UserPoolClientType shape."""
    description = copy.deepcopy(client.config)
    description.update(
        UserPoolId=client.pool_id,
        ClientName=client.name,
        ClientId=client.client_id,
        LastModifiedDate=client.modified,
        CreationDate=client.created,
    )
    secret = client.secret
    if secret:
        description["ClientSecret"] = secret
    return description


def summarize_client(client: UserPoolClient) -> dict:
    """The UserPoolClientDescription shape."""
    return {"ClientId": client.client_id, "UserPoolId": client.pool_id, "ClientName": client.name}


# --- configuration -------------------------------------------------------------------------------


def _random(length: int) -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def _initial_secret(params: dict) -> str | None:
    given = params.get("ClientSecret")
    if given and params.get("GenerateSecret"):
        raise InvalidParameterException("You cannot specify both GenerateSecret as true and a ClientSecret value.")
    if given:
        return given
    return _random(_SECRET_LENGTH) if params.get("GenerateSecret") else None


def _build_config(pool: UserPool, params: dict, *, has_secret: bool) -> dict:
    config: dict = _token_validity(params)
    config["ExplicitAuthFlows"] = _auth_flows(params.get("ExplicitAuthFlows"))
    for key in _OPTIONAL_MEMBERS:
        if params.get(key) is not None:
            config[key] = copy.deepcopy(params[key])
    config["AllowedOAuthFlowsUserPoolClient"] = bool(params.get("AllowedOAuthFlowsUserPoolClient", False))
    config["PreventUserExistenceErrors"] = params.get("PreventUserExistenceErrors") or "LEGACY"
    config["EnableTokenRevocation"] = bool(params.get("EnableTokenRevocation", True))
    config["EnablePropagateAdditionalUserContextData"] = bool(params.get("EnablePropagateAdditionalUserContextData", False))
    config["AuthSessionValidity"] = params.get("AuthSessionValidity") or 3
    _check_attributes(pool, config)
    _check_providers(pool, config)
    _check_urls(config)
    _check_oauth(pool, config, has_secret=has_secret)
    return config


def _token_validity(params: dict) -> dict:
    units_given = params.get("TokenValidityUnits") or {}
    config: dict = {}
    units: dict = {}
    for token in _TOKENS:
        value, unit = _one_validity(token, params.get(token.member), units_given.get(token.unit_key))
        if not token.low <= value * _UNIT_SECONDS[unit] <= token.high:
            raise InvalidParameterException(_INVALID_RANGE)
        config[token.member], units[token.unit_key] = value, unit
    config["TokenValidityUnits"] = units
    return config


def _one_validity(token: _Token, value: int | None, unit: str | None) -> tuple[int, str]:
    if token.member == "RefreshTokenValidity" and value == 0:
        value = None  # AWS: a refresh token validity of 0 means the default
    if value is not None:
        return value, unit or token.default_unit
    if unit and token.default_seconds % _UNIT_SECONDS[unit] == 0:
        return token.default_seconds // _UNIT_SECONDS[unit], unit
    # How Cognito reports the defaults when nothing was asked for.
    if token.unit_key == "RefreshToken":
        return token.default_seconds // 86400, "days"
    return token.default_seconds // 60, "minutes"


def _auth_flows(flows: list[str] | None) -> list[str]:
    if flows is None:
        return list(DEFAULT_AUTH_FLOWS)
    unique = list(dict.fromkeys(flows))
    legacy = [flow for flow in unique if flow in _LEGACY_AUTH_FLOWS]
    if legacy and len(legacy) != len(unique):
        raise InvalidParameterException(
            "ExplicitAuthFlows cannot combine legacy values (ADMIN_NO_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY, "
            "USER_PASSWORD_AUTH) with values that begin with ALLOW_."
        )
    return unique


def _check_attributes(pool: UserPool, config: dict) -> None:
    known = {attribute["Name"] for attribute in pool.config.get("SchemaAttributes") or []}
    if set(config.get("ReadAttributes") or []) - known:
        raise InvalidParameterException("Invalid read attributes specified while creating a client")
    writable = known - {"sub"}
    if set(config.get("WriteAttributes") or []) - writable:
        raise InvalidParameterException("Invalid write attributes specified while creating a client")


def _check_providers(pool: UserPool, config: dict) -> None:
    """SupportedIdentityProviders: COGNITO or a provider configured in the pool."""
    named = [name for name in config.get("SupportedIdentityProviders") or [] if name != "COGNITO"]
    known = set(IdentityProvider.objects.filter(pool=pool, name__in=named).values_list("name", flat=True))
    for name in named:
        if name not in known:
            raise InvalidParameterException(f"The provider {name} does not exist for User Pool {pool.id}")


def _check_urls(config: dict) -> None:
    for url in config.get("CallbackURLs") or []:
        if not _valid_redirect(url):
            raise InvalidParameterException(f"Invalid callback URL: {url}")
    for url in config.get("LogoutURLs") or []:
        if not _valid_redirect(url):
            raise InvalidParameterException(f"Invalid logout URL: {url}")
    default = config.get("DefaultRedirectURI")
    if default and default not in (config.get("CallbackURLs") or []):
        raise InvalidParameterException("DefaultRedirectURI must be one of the CallbackURLs.")


def _valid_redirect(url: str) -> bool:
    """Absolute, no fragment, and HTTPS unless loopback or an app scheme (myapp://...)."""
    parts = urlsplit(url)
    if not parts.scheme or parts.fragment or "#" in url:
        return False
    if parts.scheme == "http":
        return is_loopback_host(parts.hostname)
    if parts.scheme == "https":
        return bool(parts.netloc)
    return True


def _check_oauth(pool: UserPool, config: dict, *, has_secret: bool) -> None:
    flows = set(config.get("AllowedOAuthFlows") or [])
    scopes = config.get("AllowedOAuthScopes") or []
    if config["AllowedOAuthFlowsUserPoolClient"] and (not flows or not scopes):
        raise InvalidParameterException(
            "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows."
        )
    if "client_credentials" in flows:
        if flows & {"code", "implicit"}:
            raise InvalidOAuthFlowException("client_credentials flow can not be selected along with code flow or implicit flow.")
        if not has_secret:
            raise InvalidOAuthFlowException("client_credentials flow can not be selected if client does not have a client secret.")
    if flows & {"code", "implicit"} and not config.get("CallbackURLs"):
        raise InvalidOAuthFlowException("CallbackUrls can not be empty when code flow or implicit flow is selected")
    _check_scopes(pool, scopes)


def _check_scopes(pool: UserPool, scopes: list[str]) -> None:
    custom = [scope for scope in scopes if scope not in STANDARD_SCOPES]
    if not custom:
        return
    # A resource-server identifier may itself contain "/", so the scope name is what follows the last one.
    wanted = {scope: scope.rpartition("/") for scope in custom}
    identifiers = {identifier for identifier, slash, _ in wanted.values() if slash and identifier}
    servers = {rs.identifier: rs for rs in ResourceServer.objects.filter(pool=pool, identifier__in=identifiers)}
    for scope, (identifier, _, name) in wanted.items():
        server = servers.get(identifier)
        if server is None or name not in {s.get("ScopeName") for s in server.scopes}:
            raise ScopeDoesNotExistException(f"Invalid scope requested: {scope}")
