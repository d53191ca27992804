"""The AWS endpoint: `POST /` in the JSON 1.1 protocol, dispatched on X-Amz-Target."""
from __future__ import annotations

import json
import logging
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from awsapi import registry
from awsapi.output import prune
from awsapi.validation import validate
from core import errors
from core.net import client_ip
from iam import services as iam

log = logging.getLogger(__name__)
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"


@csrf_exempt
def aws_endpoint(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return JsonResponse({"service": "identity", "protocols": ["json-1.1"]})
    try:
        return _json_response(dispatch(request))
    except errors.ServiceError as exc:
        return render_error(exc)
    except Exception:  # our own fault: log it, never show a traceback
        log.exception("Unhandled error in %s", request.headers.get("X-Amz-Target"))
        return render_error(errors.InternalErrorException())


def dispatch(request: HttpRequest) -> dict:
    target = request.headers.get("X-Amz-Target", "")
    prefix, _, name = target.partition(".")
    op = registry.find(prefix, name)
    if op is None:
        raise errors.UnknownOperationException(f"Unknown operation {target!r}." if target else "Missing X-Amz-Target.")
    body = request.body
    try:
        params = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise errors.SerializationException("Unable to parse the request body as JSON.") from None
    context = registry.CallContext(principal=None, source_ip=client_ip(request.META))
    if op.needs_signature:
        context.principal = iam.authenticate(
            authorization=request.headers.get("Authorization"),
            method=request.method,
            path=request.path,
            query_string=request.META.get("QUERY_STRING", ""),
            headers=signed_headers(request),
            body=body,
        )
    validate(op.model.input_shape, params)
    if context.principal is not None:
        iam.authorize(context.principal, op.action, op.resource(params))
    return prune(op.model.output_shape, op.handler(params, context) or {})


def signed_headers(request: HttpRequest) -> dict[str, str]:
    return {name.lower(): value for name, value in request.headers.items()}


def render_error(exc: errors.ServiceError) -> HttpResponse:
    response = JsonResponse({"__type": exc.error_type, "message": exc.message}, status=exc.status)
    response["Content-Type"] = JSON_CONTENT_TYPE
    response["x-amzn-ErrorType"] = exc.error_type
    return response


def _json_response(payload: dict) -> HttpResponse:
    return HttpResponse(json.dumps(payload, default=_encode), content_type=JSON_CONTENT_TYPE)


def _encode(value):
    if isinstance(value, datetime):
        return value.timestamp()  # JSON 1.1 timestamps are epoch seconds
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day).timestamp()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"Cannot encode {type(value).__name__}")
