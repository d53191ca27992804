"""Credentials for identities: the enhanced flow (GetCredentialsForIdentity) and the OpenID
tokens of the basic flow (GetOpenIdToken) and of developer-authenticated identities.

The role is the pool's default role for the identity's kind, or the one its provider's role
mapping picks; its trust policy is evaluated as AWS does for the Federated principal
`cognito-identity.amazonaws.com` (`aud` = the identity pool id, `amr` authenticated or
unauthenticated plus the providers). Credentials are an STS role session named
`CognitoIdentityCredentials` whose requests carry the `cognito-identity.amazonaws.com:*` keys.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from core.errors import InvalidParameterException, NotAuthorizedException
from identitypools import ids, keys
from identitypools.domain import guests, roles, tags
from identitypools.errors import InvalidIdentityPoolConfigurationException
from identitypools.models import Identity, IdentityPool
from identitypools.services import identities
from identitypools.services.logins import VerifiedLogin

SESSION_NAME = "CognitoIdentityCredentials"
CREDENTIALS_SECONDS = 3600
OPENID_TOKEN_SECONDS = 600  # GetOpenIdToken: ten minutes, as on AWS
DEVELOPER_TOKEN_DEFAULT, DEVELOPER_TOKEN_MAX = 900, 86400
TAGS_CLAIM = "https://aws.amazon.com/tags"


@dataclass(frozen=True)
class IssuedCredentials:
    identity_id: str
    access_key_id: str
    secret_key: str
    session_token: str
    expiration: datetime


def _amr(verified: list[VerifiedLogin]) -> list[str]:
    if not verified:
        return [roles.UNAUTHENTICATED]
    amr = [roles.AUTHENTICATED]
    for login in verified:
        amr += [entry for entry in login.amr if entry not in amr]
    return amr


def _mapping(pool: IdentityPool, login: VerifiedLogin) -> dict | None:
    return next((pool.role_mappings[name] for name in login.names if name in pool.role_mappings), None)


def _role_arn(pool: IdentityPool, verified: list[VerifiedLogin], custom_role_arn: str | None) -> str:
    if not verified:
        arn = pool.roles.get(roles.UNAUTHENTICATED)
    else:
        default = pool.roles.get(roles.AUTHENTICATED)
        mapped = [(login, _mapping(pool, login)) for login in verified]
        login, mapping = next(((lg, m) for lg, m in mapped if m), mapped[0])
        choice = roles.choose_role(mapping, login.claims, default, custom_role_arn)
        if choice.denied:
            raise NotAuthorizedException("Unable to determine a role for this identity: the role mapping is ambiguous and resolves to Deny.")
        arn = choice.role_arn
    if not arn:
        raise InvalidIdentityPoolConfigurationException()
    return arn


def _session_tags(pool: IdentityPool, verified: list[VerifiedLogin]) -> dict[str, str]:
    found: dict[str, str] = {}
    for login in verified:
        if login.identity_id is not None:  # our own token carries the tags it was given
            for key, values in ((login.claims.get(TAGS_CLAIM) or {}).get("principal_tags") or {}).items():
                found[key] = values[0] if isinstance(values, list) and values else str(values)
            continue
        entry = next((pool.principal_tag_maps[n] for n in login.names if n in pool.principal_tag_maps), None)
        found.update(tags.principal_tags(entry, login.claims))
    return found


def _context(identity: Identity, amr: list[str]) -> dict:
    prefix = ids.COGNITO_IDENTITY
    return {f"{prefix}:aud": identity.pool_id, f"{prefix}:sub": identity.identity_id, f"{prefix}:amr": amr}


def credentials_for_identity(identity_id: str, logins: dict[str, str], custom_role_arn: str | None) -> IssuedCredentials:
    """GetCredentialsForIdentity (the enhanced flow)."""
    from iam.services import evaluation, sts

    identity, verified = identities.checked_identity(identity_id, logins)
    pool = identity.pool
    role_arn = _role_arn(pool, verified, custom_role_arn)
    role = sts.role_by_arn(role_arn)
    amr = _amr(verified)
    context = _context(identity, amr)
    trust = {**context, "sts:RoleSessionName": SESSION_NAME}
    if role is None or not evaluation.trust_allows(role.assume_role_policy, "sts:AssumeRoleWithWebIdentity", [ids.COGNITO_IDENTITY], trust):
        raise InvalidIdentityPoolConfigurationException()
    session_tags = _session_tags(pool, verified)
    if session_tags:
        trust.update({f"aws:RequestTag/{k}": v for k, v in session_tags.items()})
        trust["aws:TagKeys"] = list(session_tags)
        if not evaluation.trust_allows(role.assume_role_policy, "sts:TagSession", [ids.COGNITO_IDENTITY], trust):
            raise InvalidIdentityPoolConfigurationException(
                "Invalid identity pool configuration. The role's trust policy must allow sts:TagSession for principal tags."
            )
    # Guests are scoped down to what AWS lets unauthenticated identities do, whatever the role grants.
    policy = (guests.GUEST_SESSION_POLICY, (), 0) if not verified else (None, (), 0)
    assumed = sts.role_session(role, SESSION_NAME, policy, session_tags, min(CREDENTIALS_SECONDS, role.max_session_duration), context=context)
    sts.mark_role_used(role)
    c = assumed.credentials
    return IssuedCredentials(identity.identity_id, c.access_key_id, c.secret_access_key, c.session_token, c.expiration)


def _token(identity: Identity, amr: list[str], seconds: int, session_tags: dict[str, str]) -> str:
    now = int(time.time())
    claims: dict = {
        "iss": ids.issuer(), "sub": identity.identity_id, "aud": identity.pool_id, "amr": amr,
        "iat": now, "exp": now + seconds, "https://cognito-identity.amazonaws.com/identity-pool-arn": ids.pool_arn(identity.pool_id),
    }
    if session_tags:
        claims[TAGS_CLAIM] = {"principal_tags": {k: [v] for k, v in session_tags.items()}}
    return keys.sign(claims)


def open_id_token(identity_id: str, logins: dict[str, str]) -> tuple[str, str]:
    """GetOpenIdToken (the basic flow): (identity id, token) for STS AssumeRoleWithWebIdentity."""
    identity, verified = identities.checked_identity(identity_id, logins)
    if not identity.pool.allow_classic_flow:
        raise InvalidParameterException("Basic (classic) flow is not enabled, please use enhanced flow.")
    return identity.identity_id, _token(identity, _amr(verified), OPENID_TOKEN_SECONDS, _session_tags(identity.pool, verified))


def developer_token(
    pool_id: str, identity_id: str | None, logins: dict[str, str], principal_tags: dict[str, str] | None, duration: int | None
) -> tuple[str, str]:
    """GetOpenIdTokenForDeveloperIdentity: (identity id, token) for the developer's user."""
    seconds = duration or DEVELOPER_TOKEN_DEFAULT
    if seconds > DEVELOPER_TOKEN_MAX:
        raise InvalidParameterException(f"TokenDuration must be at most {DEVELOPER_TOKEN_MAX} seconds.")
    identity, verified = identities.developer_identity(pool_id, identity_id, logins)
    session_tags = {**_session_tags(identity.pool, [v for v in verified if v.claims]), **(principal_tags or {})}
    return identity.identity_id, _token(identity, _amr(verified), seconds, session_tags)
