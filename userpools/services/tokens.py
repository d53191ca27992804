"""ID, access and refresh tokens: issue, refresh, verify, revoke.

ID and access tokens are RS256 JWTs signed with the pool's active key (userpools.keys) and
carry Cognito's claims. Refresh tokens are opaque random strings stored as SHA-256 hashes;
each row's `origin_jti` is also put in the access and ID tokens of that sign-in, so revoking
the refresh token revokes them for our APIs. `User.tokens_valid_after` ends every session of
a user at once (global sign-out, disable, password reset); it is compared with the issue time
the token's `jti` carries to the microsecond (domain.token_ids), so a token minted in the same
second after a sign-out is valid.

Verification accepts only keys of the pool's published JWKS, tokens of an existing app client
of the pool, and time claims that fit that client's configured lifetimes (domain.token_times).
"""
from __future__ import annotations

import hashlib
import secrets
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.utils import timezone
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jws import extract_compact

from core import crypto, prepared
from core.errors import (
    ExpiredTokenError,
    NotAuthorizedException,
    UnauthorizedException,
    UnsupportedOperationException,
    UnsupportedTokenTypeException,
)
from userpools import config_cache, hot_reads, keys
from userpools.domain import client_auth, token_ids, token_times
from userpools.domain.claims import (
    GroupInfo,
    TokenClaims,
    TokenSubject,
    access_token_claims,
    id_token_claims,
    issuer,
    preferred_role,
    profile_claims,
)
from userpools.events import lifecycle
from userpools.models import RefreshToken, User, UserPool, UserPoolClient
from userpools.services import attributes

_JWT_PARTS = 3


# --- issuing -------------------------------------------------------------------------------

def _revocation_enabled(client: UserPoolClient) -> bool:
    return bool(client.config.get("EnableTokenRevocation", True))


def _groups(user: User) -> list[GroupInfo]:
    # By precedence (Cognito ranks none last), then name.
    return sorted(hot_reads.groups_of(user), key=lambda group: (group.precedence is None, group.precedence or 0, group.name))


def _subject(user: User, client: UserPoolClient, origin_jti: str, auth_time: datetime, now: datetime) -> TokenSubject:
    pool: UserPool = user.pool
    readable = set(client.config.get("ReadAttributes") or []) or None
    return TokenSubject(
        issuer=issuer(pool.pk),
        client_id=client.client_id,
        sub=str(user.sub),
        username=user.username,
        auth_time=int(auth_time.timestamp()),
        issued_at=int(now.timestamp()),
        origin_jti=origin_jti if _revocation_enabled(client) else None,
        event_id=str(uuid.uuid4()),
        groups=_groups(user),
        profile=profile_claims(user.attribute_values(), attributes.pool_schema(pool), readable),
    )


def _sign(pool: UserPool, claims: dict[str, Any]) -> str:
    signing_key = keys.active_key(pool)
    header = {"kid": signing_key.kid, "alg": keys.ALGORITHM}
    return jwt.encode(header, claims, keys.private_key(signing_key), algorithms=[keys.ALGORITHM], default_type=None)


def _signed_tokens(user: User, client: UserPoolClient, origin_jti: str, auth_time: datetime, now: datetime, source: str,
                   client_metadata: dict[str, str] | None = None, grant: OAuthGrant | None = None) -> dict:
    subject = _subject(user, client, origin_jti, auth_time, now)
    access_lifetime = client_auth.token_lifetime_seconds(client, "AccessToken")
    id_lifetime = client_auth.token_lifetime_seconds(client, "IdToken")
    claims = TokenClaims(
        id_claims=id_token_claims(subject, id_lifetime, token_ids.new_token_id(now)),
        access_claims=access_token_claims(subject, access_lifetime, token_ids.new_token_id(now)),
        groups=[group.name for group in subject.groups],
        role_arns=[group.role_arn for group in subject.groups if group.role_arn],
        preferred_role=preferred_role(subject.groups),
    )
    if grant is not None:
        _apply_grant(claims, grant)
    lifecycle.pre_token_generation(user, client.client_id, source, claims, client_metadata=client_metadata)
    return {
        "AccessToken": _sign(user.pool, claims.access_claims),
        "ExpiresIn": access_lifetime,
        "TokenType": "Bearer",
        "IdToken": _sign(user.pool, claims.id_claims),
    }


@dataclass(frozen=True)
class OAuthGrant:
    """What an OAuth sign-in (hosted UI) adds to the tokens: the granted scopes, which replace the
    access token's user-admin scope, and the ID token's nonce."""

    scope: str
    nonce: str = ""


def _apply_grant(claims: TokenClaims, grant: OAuthGrant) -> None:
    claims.access_claims["scope"] = grant.scope
    if grant.nonce:
        claims.id_claims["nonce"] = grant.nonce


def _hash(refresh_token: str) -> str:
    return hashlib.sha256(refresh_token.encode()).hexdigest()


def issue_tokens(
    user: User, client: UserPoolClient, *, auth_time: datetime | None = None, with_refresh: bool = True,
    source: str = "TokenGeneration_Authentication", client_metadata: dict[str, str] | None = None,
    grant: OAuthGrant | None = None, origin_jti: str | None = None,
) -> dict:
    """The AuthenticationResult of a completed sign-in: access and ID tokens, and a new
    refresh token (stored hashed) unless `with_refresh` is False. `source` and `client_metadata`
    are what the pre token generation trigger is told about this sign-in; `grant` the scopes and
    nonce of an OAuth sign-in (the refresh token keeps the scopes); `origin_jti` the sign-in's id
    when the caller has named it already (a new one otherwise)."""
    now = timezone.now()
    auth_time = auth_time or now
    origin_jti = origin_jti or str(uuid.uuid4())
    result = _signed_tokens(user, client, origin_jti, auth_time, now, source, client_metadata, grant)
    if with_refresh:
        refresh_token = secrets.token_urlsafe(96)
        row = RefreshToken(
            token_hash=_hash(refresh_token),
            origin_jti=origin_jti,
            user=user,
            client=client,
            auth_time=auth_time,
            scope=grant.scope if grant is not None else "",
            expires_at=now + timedelta(seconds=client_auth.token_lifetime_seconds(client, "RefreshToken")),
        )
        prepared.insert(row)  # every sign-in makes one
        result["RefreshToken"] = refresh_token
    return result


def client_credentials_token(client: UserPoolClient, scope: str) -> dict:
    """The access token of a `client_credentials` grant: the client speaks for itself (`sub` is
    its id), with the resource-server scopes granted; no ID or refresh token, as on Cognito."""
    now = timezone.now()
    lifetime = client_auth.token_lifetime_seconds(client, "AccessToken")
    claims = {
        "sub": client.client_id, "token_use": "access", "scope": scope, "auth_time": int(now.timestamp()),
        "iss": issuer(client.pool_id), "exp": int(now.timestamp()) + lifetime, "iat": int(now.timestamp()),
        "version": 2, "jti": token_ids.new_token_id(now), "client_id": client.client_id,
    }
    return {"AccessToken": _sign(client.pool, claims), "ExpiresIn": lifetime, "TokenType": "Bearer"}


def live_refresh_row(client: UserPoolClient, refresh_token: str) -> RefreshToken:
    """The row of a live refresh token of this client, with its user (attributes read at once:
    the ID token needs them). Callers read its user (SECRET_HASH) or scope before `refresh_from`."""
    row = hot_reads.refresh_token(_hash(refresh_token))
    if row is None or row.client_id != client.client_id or row.expires_at <= timezone.now():
        raise NotAuthorizedException("Invalid Refresh Token")
    row.user.pool = client.pool  # the client's pool is the user's (the row names this client)
    if row.revoked_at is not None:
        raise NotAuthorizedException("Refresh Token has been revoked")
    return row


def refresh(client: UserPoolClient, refresh_token: str) -> dict:
    """REFRESH_TOKEN_AUTH on a token nothing else needs checked first."""
    return refresh_from(client, live_refresh_row(client, refresh_token))


def refresh_from(client: UserPoolClient, row: RefreshToken) -> dict:
    """New access and ID tokens of the sign-in `row` continues (same origin_jti and auth_time); no
    new refresh token. InitiateAuth's ClientMetadata does not reach the pre token generation
    trigger (Cognito passes it to PreAuthentication and UserMigration only)."""
    if not row.user.enabled:
        raise NotAuthorizedException("User is disabled.")
    grant = OAuthGrant(scope=row.scope) if row.scope else None
    return _signed_tokens(row.user, client, row.origin_jti, row.auth_time, timezone.now(), "TokenGeneration_RefreshTokens",
                          grant=grant)


# --- verifying -----------------------------------------------------------------------------

def _kid(token: str) -> str | None:
    if token.count(".") != _JWT_PARTS - 1:
        return None
    try:
        kid = extract_compact(token.encode()).protected.get("kid")
    except (JoseError, ValueError, TypeError):
        return None
    return kid if isinstance(kid, str) else None


_LIFETIME_NAMES = {"access": "AccessToken", "id": "IdToken"}


def _issuing_client(claims: dict[str, Any], pool_id: str, token_use: str) -> UserPoolClient | None:
    """The existing app client of the pool the token names (access: client_id, ID: aud)."""
    client_id = claims.get("client_id" if token_use == "access" else "aud")
    if not isinstance(client_id, str):
        return None
    client = config_cache.client_to_read(client_id)  # bearers only read it (and its pool)
    return client if client is not None and client.pool_id == pool_id else None


def checked_claims(claims: dict[str, Any], pool_id: str, token_use: str) -> dict[str, Any]:
    """The claims of a token whose signature a key of `pool_id` verified, if they hold: its
    token_use and issuer, an existing client of the pool, time claims within that client's
    lifetime and the clock skew, and not expired. Raises Cognito's errors."""
    return _checked(claims, pool_id, token_use)[0]


def _checked(claims: dict[str, Any], pool_id: str, token_use: str) -> tuple[dict[str, Any], UserPoolClient]:
    """`checked_claims`, and the app client that issued the token."""
    name = f"{token_use.capitalize()} Token"
    if claims.get("token_use") != token_use or claims.get("iss") != issuer(pool_id):
        raise NotAuthorizedException(f"Invalid {name}")
    client = _issuing_client(claims, pool_id, token_use)
    if client is None:  # deleted, or of another pool
        raise NotAuthorizedException(f"Invalid {name}")
    now = int(timezone.now().timestamp())
    lifetime = client_auth.token_lifetime_seconds(client, _LIFETIME_NAMES[token_use])
    if not token_times.well_formed(claims, now=now, lifetime=lifetime, skew=settings.TOKEN_CLOCK_SKEW_SECONDS):
        raise NotAuthorizedException(f"Invalid {name}")
    if token_times.expired(claims, now=now):
        raise ExpiredTokenError(f"{name} has expired")
    return claims, client


# Tokens whose signature has been verified, by their whole text, with the kid that verified them
# and their claims. A client sends the same access token for up to an hour, and the RSA check was
# most of a GetUser's token work. The kid must still be published at every use, and the claims
# (expiry above all) are checked at every use; a bounded FIFO, so made-up tokens (never verified)
# cannot enter it and real ones cannot grow it.
_signature_verified: dict[str, tuple[str, dict[str, Any]]] = {}
_SIGNATURE_VERIFIED_SIZE = 4096
_signature_verified_lock = threading.Lock()


def signed_claims(token: str) -> tuple[dict[str, Any], str] | None:
    """The claims of a token signed by a published key of ours, and that key's pool id; None otherwise."""
    seen = _signature_verified.get(token)
    kid = seen[0] if seen is not None else _kid(token)
    found = keys.verification_key(kid) if kid else None
    if kid is None or found is None:
        return None
    if seen is not None:
        return dict(seen[1]), found.pool_id
    try:
        claims = jwt.decode(token, found.key, algorithms=[keys.ALGORITHM]).claims
    except (JoseError, ValueError, TypeError):
        return None
    with _signature_verified_lock:
        if len(_signature_verified) >= _SIGNATURE_VERIFIED_SIZE:
            del _signature_verified[next(iter(_signature_verified))]
        _signature_verified[token] = (kid, dict(claims))
    return claims, found.pool_id


def _verified_claims(token: str, token_use: str) -> tuple[dict[str, Any], UserPoolClient]:
    """The claims of a token we signed with a published key, and the app client (with its pool)
    it was issued to; raises Cognito's errors."""
    signed = signed_claims(token)
    if signed is None:
        raise NotAuthorizedException(f"Invalid {token_use.capitalize()} Token")
    return _checked(*signed, token_use)


def _revoked(user: User, claims: dict[str, Any]) -> bool:
    """Whether the token is revoked; `user` carries its refresh token's state (hot_reads.user_by_sub)."""
    revoked = user.session_revoked_read_ahead()
    if revoked is not None:  # end_sessions revokes every row, so the row alone decides
        return revoked
    if user.tokens_valid_after is None:
        return False
    # No refresh token to consult: compare times. The jti carries the issue time to the
    # microsecond; a token from the very microsecond of a sign-out counts as revoked.
    issued = token_ids.issued_at(claims.get("jti"))
    if issued is not None:
        return issued <= user.tokens_valid_after
    # A jti without a time (minted before jtis carried one): iat has whole seconds, so a token
    # from the very second of a sign-out counts as revoked (the safe side).
    return bool(claims.get("iat", 0) < user.tokens_valid_after.timestamp())


class Bearer(NamedTuple):
    """Who presented a token: its user (with `user.pool`), its claims and the app client it was issued to."""

    user: User
    claims: dict[str, Any]
    client: UserPoolClient


def authenticate_access_token(token: str) -> Bearer:
    """The user an access token speaks for, its claims and its app client.

    The signature, expiry and token_use are checked, then revocation (RevokeToken, global
    sign-out), then the user's state.
    """
    return _token_user(token, "access", "Access Token", check_revocation=True)


def authenticate_id_token(token: str, *, check_revocation: bool = True) -> Bearer:
    """The user an ID token speaks for, its claims and app client (identity pools): signature, expiry and
    token_use, the user's state, and revocation unless `check_revocation` is False (an identity
    pool's ServerSideTokenCheck off)."""
    return _token_user(token, "id", "Id Token", check_revocation=check_revocation)


def _token_user(token: str, token_use: str, name: str, *, check_revocation: bool) -> Bearer:
    claims, client = _verified_claims(token, token_use)
    try:
        sub = uuid.UUID(str(claims.get("sub")))
    except ValueError:
        raise NotAuthorizedException(f"Invalid {name}") from None
    origin_jti = claims.get("origin_jti")
    user = hot_reads.user_by_sub(client.pool_id, sub, origin_jti if check_revocation and isinstance(origin_jti, str) and origin_jti else None)
    if user is None:
        raise NotAuthorizedException("User does not exist.")
    user.pool = client.pool  # cached with the client, under the same generation
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    if check_revocation and _revoked(user, claims):
        raise NotAuthorizedException(f"{name} has been revoked")
    return Bearer(user, claims, client)


# --- revoking ------------------------------------------------------------------------------

def _check_client_secret(client: UserPoolClient, given: str | None) -> None:
    secret = client.secret
    if secret is not None and not crypto.constant_time_equals(secret, given or ""):
        raise UnauthorizedException("Client authentication failed.")


def revoke_token(client: UserPoolClient, token: str, *, client_secret: str | None = None) -> None:
    """RevokeToken: revoke a refresh token and the access/ID tokens issued with it.

    As RFC 7009 has it, an unknown or expired token is not an error; a token of another
    client is.
    """
    _check_client_secret(client, client_secret)
    if not _revocation_enabled(client):
        raise UnsupportedOperationException("Token revocation is not enabled for this app client.")
    if _kid(token) is not None:
        raise UnsupportedTokenTypeException("Unsupported token type. Only refresh tokens can be revoked.")
    row = RefreshToken.objects.filter(token_hash=_hash(token)).only("client_id").first()
    if row is None:
        return
    if row.client_id != client.client_id:
        raise UnauthorizedException("The refresh token was not issued to this client.")
    RefreshToken.objects.filter(pk=row.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: every refresh token and every access token issued so far
    stop working (GlobalSignOut, AdminUserGlobalSignOut, disable, delete, password resets)."""
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(tokens_valid_after=now)
    user.tokens_valid_after = now
    RefreshToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
