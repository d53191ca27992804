"""Access keys, request authentication and the one place where a call is authorized."""
from __future__ import annotations

import base64
import hashlib
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timezone

from django.conf import settings
from django.db import IntegrityError, transaction

from core import errors
from iam import sigv4
from iam.models import AccessKey, Principal

_KEY_ALPHABET = string.ascii_uppercase + "234567"
ROOT_NAME = "root"


@dataclass(frozen=True)
class NewAccessKey:
    access_key_id: str
    secret_access_key: str


def root_principal() -> Principal:
    principal, _ = Principal.objects.get_or_create(name=ROOT_NAME, defaults={"is_root": True})
    return principal


def create_access_key(principal: Principal) -> NewAccessKey:
    key_id = "AKIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))
    secret = secrets.token_urlsafe(30)[:40]
    key = AccessKey(access_key_id=key_id, principal=principal)
    key.secret = secret
    key.save()
    return NewAccessKey(key_id, secret)


def ensure_root_key() -> AccessKey | None:
    """Make the root key from ROOT_ACCESS_KEY_ID/ROOT_SECRET_ACCESS_KEY exist (idempotent)."""
    key_id, secret = settings.ROOT_ACCESS_KEY_ID, settings.ROOT_SECRET_ACCESS_KEY
    if not key_id or not secret:
        return None
    try:
        with transaction.atomic():
            key = AccessKey.objects.select_related("principal").filter(access_key_id=key_id).first()
            if key is None:
                key = AccessKey(access_key_id=key_id, principal=root_principal())
                key.secret = secret
                key.save()
            elif not key.principal.is_root or key.secret != secret or key.status != AccessKey.ACTIVE:
                key.principal = root_principal()
                key.secret = secret
                key.status = AccessKey.ACTIVE
                key.save()
    except IntegrityError:  # another server created it first
        key = AccessKey.objects.get(access_key_id=key_id)
    return key


def _find_key(access_key_id: str) -> AccessKey | None:
    key = AccessKey.objects.select_related("principal").filter(access_key_id=access_key_id).first()
    if key is None and access_key_id == settings.ROOT_ACCESS_KEY_ID:
        key = ensure_root_key()
    if key is None or key.status != AccessKey.ACTIVE:
        return None
    return key


_SIGNATURE_ERRORS = {
    "missing": errors.MissingAuthenticationTokenException,
    "incomplete": errors.IncompleteSignatureException,
    "expired": errors.InvalidSignatureException,
}


def authenticate(
    *, authorization: str | None, method: str, path: str, query_string: str, headers: dict[str, str], body: bytes
) -> Principal:
    """The principal whose access key signed this request, or a wire error saying why not."""
    try:
        auth = sigv4.parse_authorization(authorization)
        key = _find_key(auth.access_key_id)
        if key is None:
            raise errors.UnrecognizedClientException()
        sigv4.verify(
            secret=key.secret,
            auth=auth,
            method=method,
            path=path,
            query_string=query_string,
            headers=headers,
            body=body,
            now=datetime.now(timezone.utc),
            max_skew_seconds=settings.SIGV4_MAX_SKEW_SECONDS,
        )
    except sigv4.SignatureError as exc:
        error_class = _SIGNATURE_ERRORS.get(exc.kind)
        raise (error_class(exc.message) if error_class else errors.InvalidSignatureException()) from None
    return key.principal


def authorize(principal: Principal, action: str, resource: str) -> None:
    """The single decision point for every signed call. Root may do everything.

    `action` is like ``cognito-idp:AdminCreateUser``; `resource` is an ARN. Policies for
    other principals will be evaluated here; until then only root is allowed.
    """
    if principal.is_root:
        return
    raise errors.AccessDeniedException(
        f"User: {principal.arn(settings.ACCOUNT_ID)} is not authorized to perform: {action} on resource: {resource}"
    )


@dataclass(frozen=True)
class CallerIdentity:
    user_id: str
    account: str
    arn: str


def caller_identity(principal: Principal) -> CallerIdentity:
    """STS GetCallerIdentity: root's user id is the account; a user's is a stable `AIDA...` id."""
    account = settings.ACCOUNT_ID
    if principal.is_root:
        return CallerIdentity(account, account, principal.arn(account))
    digest = hashlib.sha256(f"{account}:{principal.pk}".encode()).digest()
    user_id = "AIDA" + base64.b32encode(digest).decode()[:17]
    return CallerIdentity(user_id, account, principal.arn(account))
