"""AWS JSON 1.1: `POST /` with `X-Amz-Target: <TargetPrefix>.<Operation>` and a JSON body.

Errors are rendered here and only here for this protocol: `{"__type", "message"}` with the
error's status and `x-amzn-ErrorType`.
"""
from __future__ import annotations

import json
import logging
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from awsapi import pipeline, registry
from awsapi.fronts import limits
from core import errors

log = logging.getLogger(__name__)
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"


def endpoint(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return JsonResponse({"service": "identity", "protocols": ["json-1.1"]})
    try:
        return _json_response(dispatch(request))
    except errors.ServiceError as exc:
        return render_error(exc)
    except Exception:  # our own fault: log it, never show a traceback
        log.exception("Unhandled error in %s", request.META.get("HTTP_X_AMZ_TARGET"))
        return render_error(errors.InternalErrorException())


def dispatch(request: HttpRequest) -> dict:
    target = request.META.get("HTTP_X_AMZ_TARGET", "")
    prefix, _, name = target.rpartition(".")  # prefixes may hold dots (com.amazonaws.cloudtrail...)
    op = registry.find(prefix, name)
    if op is None:
        raise errors.UnknownOperationException(f"Unknown operation {target!r}." if target else "Missing X-Amz-Target.")
    data = limits.body(request)  # size before any other work; depth when parsed, after the signature
    return pipeline.run(op, lambda: limits.parse_json(data), pipeline.Caller.of(request))


def render_error(exc: errors.ServiceError) -> HttpResponse:
    response = JsonResponse({"__type": exc.error_type, "message": exc.message}, status=exc.status)
    response["Content-Type"] = JSON_CONTENT_TYPE
    response["x-amzn-ErrorType"] = exc.error_type
    return response


def _json_response(payload: dict) -> HttpResponse:
    return HttpResponse(json.dumps(payload, default=_encode), content_type=JSON_CONTENT_TYPE)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()  # JSON 1.1 timestamps are epoch seconds
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day).timestamp()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"Cannot encode {type(value).__name__}")
