"""The resource-server authorizer: may the SigV4-signed request an app backend received do an
action on a resource?

Temporary credentials (STS AssumeRole, AssumeRoleWithWebIdentity, identity pools'
GetCredentialsForIdentity) and long-term IAM user keys sign requests to *app backends* too, as they
do to API Gateway with IAM authorization. The backend cannot check a signature itself (it holds no
secret), so it forwards what it received here (`POST /api/v1/authorize`, see
`authorizer_views`) or, in a Django process with this service's database, uses the DRF classes in
`identitypools.drf`. Both run the same two steps: `iam.services.authenticate` (the end user's
signature, session token and freshness, no matter which service or region the credential scope
names) and `iam.services.decide` (the caller's policies with AWS's evaluation logic and the
session's policy variables).

The backend's own right to ask is the IAM action `authorizer:IsAuthorized` (named after Amazon
Verified Permissions' `IsAuthorized`) on the resource it asks about, so a backend can be limited to
its own application's ARNs (`arn:aws:myapp:::*`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from core import errors
from iam import services as iam
from iam.services import AccessDecision
from iam.services.identity import Caller

AUTHORIZE_ACTION = "authorizer:IsAuthorized"


@dataclass(frozen=True)
class ReceivedRequest:
    """The end user's request as the app backend received it.

    `path` is decoded (as Django's `request.path`); `headers` maps lower-cased names to values;
    `payload_hash` is the body's SHA-256 in hex; `source_ip` the end user's address, if known.
    """

    method: str
    path: str
    query_string: str
    headers: dict[str, str]
    payload_hash: str
    source_ip: str | None = None


@dataclass(frozen=True)
class Answer:
    """The end user's caller and the decision, or the reason the signature was refused."""

    caller: Caller | None
    decision: AccessDecision | None
    refusal: errors.ServiceError | None = None

    @property
    def allowed(self) -> bool:
        return self.decision is not None and self.decision.allowed


@dataclass(frozen=True)
class Question:
    """What the backend asks: may `request` do `action` on `resource` (with extra `context` keys)."""

    request: ReceivedRequest
    action: str
    resource: str
    context: dict[str, str | list[str]] = field(default_factory=dict)


def authenticate(request: ReceivedRequest) -> Caller:
    """The principal or session that signed `request`; a ServiceError (MissingAuthenticationToken,
    InvalidSignature, ExpiredToken, UnrecognizedClient ...) says why not."""
    return iam.authenticate(
        authorization=request.headers.get("authorization"),
        method=request.method,
        path=request.path,
        query_string=request.query_string,
        headers=request.headers,
        payload_hash=request.payload_hash,
    )


def answer(backend: Caller, question: Question, *, backend_ip: str | None = None) -> Answer:
    """The authorizer's use case: the backend must be allowed `authorizer:IsAuthorized` on the
    resource (AccessDeniedException otherwise); then the end user's signature is checked and its
    caller's policies decide. A refused signature is an answer (a deny), not an error."""
    permit = iam.decide(backend, AUTHORIZE_ACTION, question.resource, source_ip=backend_ip)
    if not permit.allowed:
        raise errors.AccessDeniedException(permit.message)
    try:
        caller = authenticate(question.request)
    except errors.ServiceError as refusal:
        return Answer(None, None, refusal)
    decision = iam.decide(
        caller, question.action, question.resource, source_ip=question.request.source_ip, context=question.context
    )
    return Answer(caller, decision)
