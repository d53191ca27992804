"""The one request pipeline every protocol front shares.

A front parses its wire format into (operation, request members) and renders what comes back;
everything between is here, in this order:

    authenticate (SigV4, unless botocore's model says the operation takes none)
    -> validate against botocore's input shape
    -> authorize (iam.services.authorize, the one place IAM policies are evaluated)
    -> call the handler
    -> record the call for the audit trail (allowed or refused)
    -> prune the output to botocore's output shape

Authentication runs before validation, as on AWS: an unsigned caller learns nothing about the
shape of a request it may not make.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest

from awsapi import audit
from awsapi.output import prune
from awsapi.registry import CallContext, Operation
from awsapi.validation import validate
from core import errors
from core.net import client_ip
from iam import services as iam
from iam import sigv4
from iam.models import Principal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignedRequest:
    """What SigV4 verification needs from an HTTP request."""

    authorization: str | None
    method: str
    path: str
    query_string: str
    headers: dict[str, str]
    body: bytes

    @classmethod
    def of(cls, request: HttpRequest) -> SignedRequest:
        return cls(
            authorization=request.headers.get("Authorization"),
            method=request.method or "POST",
            path=request.path,
            query_string=request.META.get("QUERY_STRING", ""),
            headers={name.lower(): value for name, value in request.headers.items()},
            body=request.body,
        )

    @property
    def access_key_id(self) -> str | None:
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
    principal: Principal | None = None
    access_key_id: str | None = None
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @classmethod
    def of(cls, request: HttpRequest) -> Caller:
        signed = SignedRequest.of(request)
        return cls(source_ip=client_ip(request.META), signed=signed, access_key_id=signed.access_key_id)


def run(op: Operation, params: dict, caller: Caller) -> dict:
    """Run one call through every step; errors are ServiceErrors for the front to render."""
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
            )
        validate(op.model.input_shape, params)
        if caller.principal is not None:
            iam.authorize(caller.principal, op.action, op.resource(params), source_ip=caller.source_ip, params=params)
        context = CallContext(principal=caller.principal, source_ip=caller.source_ip, access_key_id=caller.access_key_id)
        output = op.handler(params, context) or {}
    except errors.ServiceError as exc:
        record(op, params, caller, exc)
        raise
    except Exception:
        record(op, params, caller, errors.InternalErrorException())
        raise
    record(op, params, caller, None)
    return prune(op.model.output_shape, output)


def record(op: Operation, params: dict, caller: Caller, error: errors.ServiceError | None) -> None:
    """Hand the call to the audit trail (secrets hidden)."""
    principal = caller.principal
    audit.emit(
        audit.CallRecord(
            request_id=caller.request_id,
            event_source=op.service.event_source,
            event_name=op.name,
            source_ip=caller.source_ip,
            principal_arn=principal.arn(settings.ACCOUNT_ID) if principal is not None else None,
            access_key_id=caller.access_key_id,
            request_parameters=audit.hide_sensitive(op.model.input_shape, params) if isinstance(params, dict) else {},
            error_code=error.error_type if error else None,
            error_message=error.message if error else None,
        )
    )
