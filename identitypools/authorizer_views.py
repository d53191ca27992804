"""`POST /api/v1/authorize`: the wire side of `identitypools.authorizer` (JSON in, JSON out).

The app backend signs this call with its own key (SigV4, any service name, e.g. `authorizer`) and
sends the request it received. Malformed input is a 400 `ValidationException`; a backend without
`authorizer:IsAuthorized` on the resource gets 403 `AccessDeniedException`. Every question that
can be answered is answered with 200, `decision` Allow or Deny; when the end user's signature was
refused, `errorCode` says why (`InvalidSignatureException`, `ExpiredTokenException`, ...).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any
from urllib.parse import unquote

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.net import client_ip
from iam import errors as iam_errors
from iam.policy import Decision
from iam.rest_auth import IsSignedRequest, SigV4Authentication
from iam.services import AccessDecision
from iam.services.identity import Caller, Session, caller_identity
from identitypools import authorizer

_SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")
_METHOD = re.compile(r"[A-Za-z]{1,16}")


def _invalid(message: str) -> iam_errors.ValidationError:
    return iam_errors.ValidationError(message)


def _string(data: dict, name: str, *, required: bool = True, default: str = "") -> str:
    value = data.get(name, None)
    if value is None:
        if required:
            raise _invalid(f"1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null")
        return default
    if not isinstance(value, str):
        raise _invalid(f"1 validation error detected: Value at '{name}' failed to satisfy constraint: Member must be a string")
    return value


def _headers(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        raise _invalid("request.headers must be an object of header names to string values.")
    headers: dict[str, str] = {}
    for name, value in raw.items():
        lower = name.lower()
        # A header sent twice reaches most frameworks joined with ","; SigV4 canonicalizes it so too.
        headers[lower] = f"{headers[lower]},{value}" if lower in headers else value
    return headers


def _payload_hash(raw: dict) -> str:
    given = [name for name in ("body", "bodyBase64", "bodySha256") if raw.get(name) is not None]
    if len(given) > 1:
        raise _invalid("Give at most one of request.body, request.bodyBase64 and request.bodySha256.")
    if not given:
        return hashlib.sha256(b"").hexdigest()
    name = given[0]
    value = _string(raw, name)
    if name == "bodySha256":
        if not _SHA256_HEX.fullmatch(value):
            raise _invalid("request.bodySha256 must be the body's SHA-256 digest in hex (64 characters).")
        return value.lower()
    if name == "bodyBase64":
        try:
            return hashlib.sha256(base64.b64decode(value, validate=True)).hexdigest()
        except (binascii.Error, ValueError):
            raise _invalid("request.bodyBase64 is not valid base64.") from None
    return hashlib.sha256(value.encode()).hexdigest()


def _context(raw: Any, action: str) -> dict[str, str | list[str]]:
    """Extra condition keys, in the action's own namespace only (`myapp:...` for `myapp:ReadNote`):
    `aws:*` keys and a session's carried keys (`cognito-identity.amazonaws.com:sub`) come from the
    credentials, and a key the caller lacks must not be supplied for it."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _invalid("context must be an object of condition keys to strings or lists of strings.")
    prefix = action.split(":", 1)[0].lower() + ":"
    context: dict[str, str | list[str]] = {}
    for key, value in raw.items():
        if not key.lower().startswith(prefix) or key.lower() == prefix:
            raise _invalid(f"context key {key} is not in the action's namespace ({prefix}...): other keys come from the caller's credentials.")
        if isinstance(value, str):
            context[key] = value
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            context[key] = list(value)
        else:
            raise _invalid(f"context[{key!r}] must be a string or a list of strings.")
    return context


def parse_question(data: Any) -> authorizer.Question:
    """The wire JSON as an `authorizer.Question`, or ValidationException."""
    if not isinstance(data, dict):
        raise _invalid("The request body must be a JSON object.")
    raw = data.get("request")
    if not isinstance(raw, dict):
        raise _invalid("1 validation error detected: Value null at 'request' failed to satisfy constraint: Member must not be null")
    method = _string(raw, "method")
    path = _string(raw, "path")
    if not _METHOD.fullmatch(method):
        raise _invalid("request.method must be an HTTP method such as GET.")
    if not path.startswith("/"):
        raise _invalid("request.path must be the request's path as received, starting with '/'.")
    query_string = _string(raw, "queryString", required=False).removeprefix("?")
    action = _string(data, "action")
    resource = _string(data, "resource")
    if not action or ":" not in action:
        raise _invalid("action must be a service-prefixed action such as myapp:ReadNote.")
    if not resource:
        raise _invalid("resource must be the ARN the action is performed on.")
    source_ip = _string(raw, "sourceIp", required=False) or None
    received = authorizer.ReceivedRequest(
        method=method.upper(),
        path=unquote(path),  # as received on the wire (percent-encoded); verification re-encodes it as signers do
        query_string=query_string,
        headers=_headers(raw.get("headers", {})),
        payload_hash=_payload_hash(raw),
        source_ip=source_ip,
    )
    return authorizer.Question(received, action, resource, _context(data.get("context"), action))


def principal_json(caller: Caller) -> dict[str, Any]:
    """Who the caller is, as the authorizer answers it (and as `identitypools.drf` exposes it)."""
    identity = caller_identity(caller)
    body: dict[str, Any] = {
        "arn": identity.arn,
        "userId": identity.user_id,
        "accountId": identity.account,
        "type": "Root" if caller.is_root else caller.identity_type,
    }
    if isinstance(caller, Session):
        body["accessKeyId"] = caller.access_key_id
        if caller.context:
            body["context"] = dict(caller.context)  # e.g. cognito-identity.amazonaws.com:sub: the identity id
    return body


def matched_statement(decision: Decision | None) -> dict[str, str] | None:
    """The statement that decided (an Allow, or an explicit Deny); None for an implicit deny."""
    if decision is None or decision.policy is None or decision.kind == "ImplicitDeny":
        return None
    return {
        "effect": "Allow" if decision.allowed else "Deny",
        "policyType": decision.policy_type or "identity",
        "policy": decision.policy,
        "statement": decision.statement or "",
    }


def _reason(verdict: AccessDecision) -> str:
    if not verdict.allowed:
        return verdict.message
    statement = matched_statement(verdict.decision)
    if statement is None:
        return "Allowed: the account's root user may perform every action." if verdict.caller.arn.endswith(":root") else "Allowed."
    return f"Allowed by {statement['statement']} of the {statement['policyType']} policy {statement['policy']}."


def render_answer(result: authorizer.Answer) -> dict[str, Any]:
    if result.refusal is not None or result.decision is None or result.caller is None:
        refusal = result.refusal
        code = refusal.error_type if refusal is not None else "UnrecognizedClientException"
        message = refusal.message if refusal is not None else ""
        return {"decision": "Deny", "principal": None, "matchedStatement": None, "reason": f"{code}: {message}", "errorCode": code}
    verdict = result.decision
    return {
        "decision": "Allow" if verdict.allowed else "Deny",
        "principal": principal_json(result.caller),
        "matchedStatement": matched_statement(verdict.decision),
        "reason": _reason(verdict),
    }


class AuthorizeView(APIView):
    """Allow or deny a request an app backend received, signed with this service's credentials."""

    authentication_classes = [SigV4Authentication]
    permission_classes = [IsSignedRequest]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="Authorize",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
        description=(
            "Verify the SigV4 signature of a request an app backend received and decide `action` on "
            "`resource` with the signer's IAM policies. The caller needs `authorizer:IsAuthorized` on the resource."
        ),
    )
    def post(self, request: Request) -> Response:
        question = parse_question(request.data)
        result = authorizer.answer(request.user, question, backend_ip=client_ip(request.META))
        return Response(render_answer(result), status=200)
