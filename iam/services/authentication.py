"""Who signed a request: a long-term access key's principal, or the session its sealed
`X-Amz-Security-Token` carries (no database read for the token itself)."""
from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings

from core import errors
from iam import sigv4
from iam.services import keys, sts
from iam.services.identity import Caller, Session

_SIGNATURE_ERRORS = {
    "missing": errors.MissingAuthenticationTokenException,
    "incomplete": errors.IncompleteSignatureException,
    "expired": errors.InvalidSignatureException,
    "scope": errors.InvalidSignatureException,  # the query protocol: SignatureDoesNotMatch, 403
}
# Headers a request to one of our services must sign when it carries them (the JSON protocol's
# operation name). Content-Type is not among them: the AWS SDK for JavaScript v2 never signs it
# and AWS accepts its calls.
_MUST_SIGN = ("x-amz-target",)


def authenticate(
    *,
    authorization: str | None,
    method: str,
    path: str,
    query_string: str,
    headers: dict[str, str],
    body: bytes = b"",
    payload_hash: str | None = None,
    service: str | None = None,
) -> Caller:
    """The principal (or STS session) whose key signed this request, or a wire error saying why not.

    `payload_hash` (SHA-256 hex of the body) replaces `body` for verifiers that only have the hash.
    `service` is the signing name of the service the request is for (e.g. "cognito-idp"): the
    credential scope must then name it and this deployment's region, and an X-Amz-Target header
    must be signed. None (the authorizer, verifying requests to an app backend's own services)
    accepts any scope."""
    key = None
    try:
        auth = sigv4.parse_authorization(authorization)
        if service is not None:
            sigv4.check_scope(auth, region=settings.REGION, service=service)
            sigv4.check_signed(auth, headers, _MUST_SIGN)
        token = headers.get("x-amz-security-token")
        if token:
            caller: Caller = sts.open_session(token, auth.access_key_id)
            secret = caller.secret
        else:
            key = keys.find_active_key(auth.access_key_id)
            if key is None:
                raise errors.UnrecognizedClientException()
            caller, secret = key.principal, key.secret
        sigv4.verify(
            secret=secret,
            auth=auth,
            method=method,
            path=path,
            query_string=query_string,
            headers=headers,
            body=body,
            now=datetime.now(UTC),
            max_skew_seconds=settings.SIGV4_MAX_SKEW_SECONDS,
            payload_hash=payload_hash,
        )
    except sigv4.SignatureError as exc:
        error_class = _SIGNATURE_ERRORS.get(exc.kind)
        raise (error_class(exc.message) if error_class else errors.InvalidSignatureException()) from None
    if key is not None:
        keys.record_use(key, auth.service, auth.region)
    elif isinstance(caller, Session) and not caller.is_root:
        _ensure_subject_exists(caller)
    return caller


def _ensure_subject_exists(session: Session) -> None:
    """A deleted role's (or user's) sessions stop working; the cached policy set knows."""
    from iam.services.authorization import policy_set

    if not policy_set(session).exists:
        raise errors.UnrecognizedClientException("The security token included in the request is invalid.")
