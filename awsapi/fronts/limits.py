"""Input limits every AWS front applies before any work: body size, then (JSON) nesting depth.

AWS documents no request-size quota for Cognito, KMS, IAM or STS calls (API Gateway, the closest
documented front, caps payloads at 10 MB). The largest member any registered operation takes is
an IAM policy document (131,072 characters), so `AWS_MAX_REQUEST_BYTES` (1 MiB by default) leaves
room and keeps a hostile body from costing memory and parse time. The deepest input shape of a
registered operation nests 6 levels; `AWS_MAX_JSON_DEPTH` (32) is checked by a flat scan before
`json.loads`, so `[[[[...` 100,000 deep never reaches a recursive parser.
"""
from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, QueryDict

from core.errors import RequestEntityTooLargeException, SerializationException

# A JSON string (escapes included; an unterminated one runs to the end, so the scan stays linear)
# or one bracket: brackets inside strings never count.
_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)
_OPENERS = frozenset(b"[{")


def _too_large() -> RequestEntityTooLargeException:
    return RequestEntityTooLargeException(f"Request body exceeds the limit of {settings.AWS_MAX_REQUEST_BYTES} bytes.")


def body(request: HttpRequest) -> bytes:
    """The request body, refused unread when its declared length is over the limit."""
    limit = settings.AWS_MAX_REQUEST_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise SerializationException("Invalid Content-Length.") from None
    if declared > limit:
        raise _too_large()
    try:
        data = request.body
    except RequestDataTooBig:
        raise _too_large() from None
    if len(data) > limit:
        raise _too_large()
    return data


def form(request: HttpRequest) -> QueryDict:
    """The form-encoded members of a query-protocol call, within the size limit."""
    body(request)
    try:
        return request.POST
    except RequestDataTooBig:
        raise _too_large() from None
    except TooManyFieldsSent:
        raise SerializationException(f"More than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} form fields.") from None


def check_depth(data: bytes, limit: int) -> None:
    """Refuse JSON nested deeper than `limit`, without recursing."""
    if data.count(b"[") + data.count(b"{") <= limit:  # it cannot nest deeper than it opens (a C count, not a scan)
        return
    depth = 0
    for token in _TOKENS.finditer(data):
        first = token.group()[0]
        if first in _OPENERS:
            depth += 1
            if depth > limit:
                raise SerializationException(f"JSON nesting exceeds the limit of {limit} levels.")
        elif first != ord('"'):
            depth -= 1


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN and Infinity are Python's extension, not JSON


_DECODER = json.JSONDecoder(parse_constant=_no_constant)  # made once: json.loads with an option builds one per call


def parse_json(data: bytes) -> Any:
    """The body as JSON (`{}` when empty), within the depth limit; SerializationException otherwise."""
    if not data:
        return {}
    check_depth(data, settings.AWS_MAX_JSON_DEPTH)
    try:
        return _DECODER.decode(data.decode(json.detect_encoding(data), "surrogatepass"))  # as json.loads decodes bytes
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise SerializationException("Unable to parse the request body as JSON.") from None
