"""The one request pipeline every protocol front shares.

A front parses its wire format into (operation, request members) and renders what comes back;
everything between is here, in this order:

    authenticate (SigV4, unless botocore's model says the operation takes none)
    -> validate against botocore's input shape (after the service's own precheck, if any)
    -> authorize (iam.services.authorize, the one place IAM policies are evaluated)
    -> call the handler
    -> record the call for the audit trail (allowed or refused)
    -> prune the output to botocore's output shape

Authentication runs before validation, as on AWS: an unsigned caller learns nothing about the
shape of a request it may not make. A front may hand over the body's parser instead of the parsed
members, so that a signed call's signature is checked over the raw bytes before they are parsed.

Transactions: the handler and the record of its success run in one `transaction.atomic()`, so
the trail holds a change's record exactly when the change committed. When the handler raises,
its changes roll back and the failure is recorded afterwards in a write of its own; refusals
before the handler (authentication, validation, authorization) are recorded the same way.
Operations a service lists in `own_transactions` (sign-ins and code checks, whose refusals must
commit their failure counters) run as before, each service call in its own transactions, and
their record is written right after the handler returns or fails. So do those it lists in
`reads_only` (GetUser, ListUsers, ...): they change nothing, and their record alone is one INSERT.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from awsapi import audit
from awsapi.output import prune
from awsapi.registry import CallContext, Operation
from awsapi.validation import validate
from core import errors, request_context
from core.net import client_ip
from iam import services as iam
from iam import sigv4
from iam.models import Principal
from iam.services import Session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignedRequest:
    """What SigV4 verification needs from an HTTP request. The headers are gathered from the WSGI
    environ only when a signature is checked: an unsigned call (GetUser, SignUp) never needs them."""

    method: str
    path: str
    meta: Mapping[str, str]  # the WSGI environ
    body: bytes

    @classmethod
    def of(cls, request: HttpRequest) -> SignedRequest:
        return cls(method=request.method or "POST", path=request.path, meta=request.META, body=request.body)

    @property
    def authorization(self) -> str | None:
        return self.meta.get("HTTP_AUTHORIZATION")

    @property
    def query_string(self) -> str:
        return self.meta.get("QUERY_STRING", "")

    @cached_property
    def headers(self) -> dict[str, str]:
        return lowercase_headers(self.meta)

    @property
    def access_key_id(self) -> str | None:
        if not self.authorization:
            return None
        try:
            return sigv4.parse_authorization(self.authorization).access_key_id
        except sigv4.SignatureError:
            return None


@dataclass
class Caller:
    """Who is calling. A front gives either the signed request (the pipeline authenticates it)
    or a principal it authenticated itself (the REST adapter, through DRF)."""

    source_ip: str | None
    signed: SignedRequest | None = None
    principal: Principal | Session | None = None
    access_key_id: str | None = None
    user_agent: str | None = None
    request_id: str = field(default_factory=request_context.request_id)  # the id in x-amzn-RequestId

    @classmethod
    def of(cls, request: HttpRequest) -> Caller:
        signed = SignedRequest.of(request)
        return cls(
            source_ip=client_ip(request.META), signed=signed, access_key_id=signed.access_key_id, user_agent=user_agent(request)
        )


def user_agent(request: HttpRequest) -> str | None:
    """The HTTP User-Agent, as the audit trail's `userAgent`."""
    return request.META.get("HTTP_USER_AGENT")


def lowercase_headers(meta: Mapping[str, str]) -> dict[str, str]:
    """The request's headers by lower-case name, read from the WSGI environ in one pass (what
    `request.headers` holds, without building that case-insensitive mapping on every call)."""
    headers = {}
    for key, value in meta.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").lower()] = value
        elif key in _UNPREFIXED_HEADERS:
            headers[_UNPREFIXED_HEADERS[key]] = value
    return headers


_UNPREFIXED_HEADERS = {"CONTENT_TYPE": "content-type", "CONTENT_LENGTH": "content-length"}


def run(op: Operation, members: dict | Callable[[], dict], caller: Caller) -> dict:
    """Run one call through every step; errors are ServiceErrors for the front to render.

    `members` is the parsed request, or the parser the front would call for it (run after
    authentication)."""
    params: dict = {} if callable(members) else members
    try:
        if caller.principal is None and op.needs_signature:
            if caller.signed is None:
                raise errors.MissingAuthenticationTokenException()
            caller.principal = iam.authenticate(
                authorization=caller.signed.authorization,
                method=caller.signed.method,
                path=caller.signed.path,
                query_string=caller.signed.query_string,
                headers=caller.signed.headers,
                body=caller.signed.body,
                service=op.service.signing_name,
            )
        if callable(members):
            params = members()
        if op.service.precheck is not None:
            op.service.precheck(op.name, params)
        validate(op.model.input_shape, params)
        if caller.principal is not None:
            iam.authorize(caller.principal, op.action, op.resource(params), source_ip=caller.source_ip, params=params)
        context = CallContext(principal=caller.principal, source_ip=caller.source_ip, access_key_id=caller.access_key_id)
        if op.in_one_transaction:
            with transaction.atomic():
                output = op.handler(params, context) or {}
                record(op, params, caller, None)  # in the change's transaction: both commit or neither
        else:
            output = op.handler(params, context) or {}
            record(op, params, caller, None)
    except errors.ServiceError as exc:
        record(op, params, caller, exc)
        raise
    except Exception:
        record(op, params, caller, errors.InternalErrorException())
        raise
    return prune(op.model.output_shape, output)


def record(op: Operation, params: dict, caller: Caller, error: errors.ServiceError | None) -> None:
    """Hand the call to the audit trail (secrets hidden).

    A success whose record cannot be written fails (the pipeline calls this inside the change's
    transaction, which then rolls back). A refusal is already failing: a trail that cannot take
    its record is logged, and the caller gets the refusal it earned.
    """
    principal = caller.principal
    call = audit.CallRecord(
        request_id=caller.request_id,
        event_source=op.service.event_source,
        event_name=op.name,
        source_ip=caller.source_ip,
        principal_arn=principal.arn(settings.ACCOUNT_ID) if principal is not None else None,
        access_key_id=caller.access_key_id,
        request_parameters=audit.writable(audit.hide_sensitive(op.model.input_shape, params)) if isinstance(params, dict) else {},
        error_code=error.error_type if error else None,
        error_message=audit.writable(error.message) if error else None,
        user_agent=caller.user_agent,
        principal_id=iam.caller_identity(principal).user_id if principal is not None else None,
    )
    if error is None:
        audit.emit(call)
        return
    try:
        audit.emit(call)
    except Exception:
        log.exception("Could not record the refused call %s %s", call.event_source, call.event_name)
