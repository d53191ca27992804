"""Verifying the Logins map of GetId, GetCredentialsForIdentity and GetOpenIdToken.

Keys name a provider the identity pool trusts: one of this service's user pools (its issuer
without scheme, or AWS's alias `cognito-idp.<region>.amazonaws.com/<poolId>`), an IAM OIDC
provider (its URL without scheme), or `cognito-identity.amazonaws.com` for a token we issued
(GetOpenIdToken, GetOpenIdTokenForDeveloperIdentity). Each value is the provider's ID token.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from core.errors import NotAuthorizedException, ServiceError
from identitypools import ids, keys
from identitypools.models import IdentityPool

MAX_LOGINS = 10


@dataclass(frozen=True)
class VerifiedLogin:
    key: str  # the Logins key as the caller wrote it
    provider: str  # canonical provider name, as the identity's login is stored
    subject: str
    claims: dict
    names: tuple[str, ...]  # names role mappings and principal-tag maps may use for this login
    amr: tuple[str, ...]  # what the login adds to the `amr` of credentials and tokens
    identity_id: str | None = None  # a token we issued names its identity


def _invalid(detail: str) -> NotAuthorizedException:
    return NotAuthorizedException(f"Invalid login token. {detail}")


def _alias_prefix() -> str:
    return f"cognito-idp.{settings.REGION}.amazonaws.com/"


def _own_prefix() -> str:
    return settings.PUBLIC_URL.split("://", 1)[-1].rstrip("/") + "/"


def user_pool_id(name: str) -> str | None:
    """The user pool a provider name designates (either spelling), or None."""
    for prefix in (_alias_prefix(), _own_prefix()):
        if name.startswith(prefix) and "/" not in name[len(prefix):]:
            return name[len(prefix):] or None
    return None


def user_pool_provider(pool_id: str) -> str:
    """The canonical name of one of our user pools: its issuer without the scheme."""
    return _own_prefix() + pool_id


def _user_pool_login(pool: IdentityPool, key: str, user_pool: str, token: str) -> VerifiedLogin:
    from userpools.services.tokens import authenticate_id_token

    entries = [e for e in pool.cognito_identity_providers if user_pool_id(e.get("ProviderName", "")) == user_pool]
    if not entries:
        raise NotAuthorizedException("Token is not from a supported provider of this identity pool.")
    check = any(e.get("ServerSideTokenCheck") for e in entries)
    try:
        user, claims, _ = authenticate_id_token(token, check_revocation=check)
    except ServiceError as error:
        raise _invalid(error.message) from None
    if user.pool_id != user_pool:
        raise _invalid("Issuer doesn't match providerName")
    audience = str(claims.get("aud"))
    entry = next((e for e in entries if e.get("ClientId") == audience), None)
    if entry is None:
        raise _invalid("Incorrect token audience.")
    alias = _alias_prefix() + user_pool
    names = (f"{alias}:{audience}", f"{user_pool_provider(user_pool)}:{audience}", alias, user_pool_provider(user_pool), key)
    sub = str(claims.get("sub"))
    return VerifiedLogin(key, user_pool_provider(user_pool), sub, claims, names, (alias, f"{alias}:CognitoSignIn:{sub}"))


def _oidc_login(pool: IdentityPool, key: str, token: str) -> VerifiedLogin:
    from iam.services import web_identity

    try:
        identity = web_identity.verify_token(token)
    except ServiceError as error:
        raise _invalid(error.message) from None
    if identity.provider != key:
        raise _invalid("Issuer doesn't match providerName")
    return VerifiedLogin(key, key, identity.subject, identity.claims, (key,), (key,))


def _our_token(pool: IdentityPool, key: str, token: str) -> VerifiedLogin:
    claims = keys.verify(token)
    if claims is None:
        raise _invalid("Token is expired or was not issued by this service.")
    if claims.get("aud") != pool.pool_id:
        raise _invalid("Token audience doesn't match the identity pool.")
    amr = tuple(str(v) for v in claims.get("amr") or [] if v not in ("authenticated", "unauthenticated"))
    return VerifiedLogin(key, key, str(claims.get("sub")), claims, (key,), amr, identity_id=str(claims.get("sub")))


def _oidc_names(pool: IdentityPool) -> set[str]:
    return {arn.split(":oidc-provider/", 1)[-1] for arn in pool.openid_connect_provider_arns}


def verify_login(pool: IdentityPool, key: str, token: str) -> VerifiedLogin:
    """One login, verified against the pool's providers; NotAuthorizedException otherwise."""
    if key == ids.COGNITO_IDENTITY:
        return _our_token(pool, key, token)
    user_pool = user_pool_id(key)
    if user_pool is not None:
        return _user_pool_login(pool, key, user_pool, token)
    if key in _oidc_names(pool):
        return _oidc_login(pool, key, token)
    if key in pool.supported_login_providers:
        raise _invalid(f"Social identity provider {key} is not available on this service yet; use an OIDC provider.")
    if pool.developer_provider_name and key == pool.developer_provider_name:
        raise NotAuthorizedException("Developer-authenticated logins are exchanged with GetOpenIdTokenForDeveloperIdentity.")
    raise NotAuthorizedException("Token is not from a supported provider of this identity pool.")


def verify_logins(pool: IdentityPool, logins: dict[str, str]) -> list[VerifiedLogin]:
    if len(logins) > MAX_LOGINS:
        raise NotAuthorizedException("Too many logins.")
    return [verify_login(pool, key, token) for key, token in logins.items()]
