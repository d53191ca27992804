"""Authorization codes: random, stored as SHA-256 hashes, good for five minutes and one use.

Redeeming marks the row used with one conditional UPDATE, so two requests racing with the same
code cannot both win, on SQLite or PostgreSQL alike.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from authlib.oauth2.rfc7636.challenge import compare_plain_code_challenge, compare_s256_code_challenge
from django.utils import timezone

from core.errors import InvalidGrantError
from userpools.models import AuthorizationCode, RefreshToken, User, UserPoolClient
from userpools.services.oauth.requests import AuthorizationRequest

CODE_SECONDS = 300
_VERIFIERS = {"S256": compare_s256_code_challenge, "plain": compare_plain_code_challenge}


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def issue_code(request: AuthorizationRequest, user: User, auth_time: datetime) -> str:
    """A new code for this request and signed-in user."""
    code = secrets.token_urlsafe(32)
    now = timezone.now()
    # Dead codes of this user go as new ones come (an indexed delete), so the table stays small.
    AuthorizationCode.objects.filter(user=user, expires_at__lt=now - timedelta(seconds=CODE_SECONDS)).delete()
    AuthorizationCode.objects.create(
        code_hash=_hash(code), client=request.client, user=user, redirect_uri=request.redirect_uri,
        scope=request.scope, nonce=request.nonce, code_challenge=request.code_challenge,
        code_challenge_method=request.code_challenge_method, auth_time=auth_time,
        expires_at=now + timedelta(seconds=CODE_SECONDS),
    )
    return code


def redeem(client: UserPoolClient, code: str, redirect_uri: str, code_verifier: str, origin_jti: str) -> AuthorizationCode:
    """The code's grant, used up now by the sign-in `origin_jti` (the tokens about to be issued);
    invalid_grant when it is unknown, used, expired, of another client, for another redirect URI,
    or the PKCE verifier does not match. A used code presented again revokes what it gave."""
    now = timezone.now()
    code_hash = _hash(code)
    won = AuthorizationCode.objects.filter(code_hash=code_hash, used_at__isnull=True, expires_at__gt=now).update(
        used_at=now, origin_jti=origin_jti)
    row = AuthorizationCode.objects.select_related("user__pool").filter(code_hash=code_hash).first() if won else None
    if row is None:
        _revoke_if_replayed(code_hash)
        raise InvalidGrantError("invalid_grant")
    if row.client_id != client.client_id or row.redirect_uri != redirect_uri:
        raise InvalidGrantError("invalid_grant")
    if row.code_challenge:
        verify = _VERIFIERS[row.code_challenge_method]
        if not code_verifier or not verify(code_verifier, row.code_challenge):
            raise InvalidGrantError("invalid_grant")
    if not row.user.enabled:
        raise InvalidGrantError("invalid_grant")
    return row


def _revoke_if_replayed(code_hash: str) -> None:
    """A code that was redeemed already may have been stolen, and either use may be the thief's:
    RFC 6749 (4.1.2) asks to revoke the tokens it gave. Their refresh token is revoked, and the
    access and ID tokens of that sign-in with it (tokens._revoked). A replay that races the first
    redemption's refresh token INSERT can miss it; dead codes are deleted soon after they expire."""
    origin_jti = (AuthorizationCode.objects.filter(code_hash=code_hash, used_at__isnull=False)
                  .values_list("origin_jti", flat=True).first())
    if origin_jti:
        RefreshToken.objects.filter(origin_jti=origin_jti, revoked_at__isnull=True).update(revoked_at=timezone.now())
