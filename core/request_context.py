"""What one HTTP request carries through every layer without being passed: its id and start time.

The middleware gives each request an id (a UUID, as AWS's x-amzn-RequestId), returns it in that
header, and puts it on every log line written while the request runs (`RequestIdFilter`),
Django's line for a 4xx/5xx answer included (logged here, before the id is dropped); the AWS
pipeline uses the same id for its audit record and the query protocol's RequestId element.
`JsonFormatter` renders log records as one JSON object per line (LOG_FORMAT=json).
"""
from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse
from django.utils.log import log_response

REQUEST_ID_HEADER = "x-amzn-RequestId"
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_started: ContextVar[float | None] = ContextVar("request_started", default=None)


def request_id() -> str:
    """The current request's id; a fresh one outside any request (a Celery task, a command)."""
    return _request_id.get() or str(uuid.uuid4())


def seconds_since_start() -> float | None:
    """How long the current request has run, or None outside a request."""
    started = _started.get()
    return None if started is None else time.perf_counter() - started


def request_context(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: sets the request's id and start time, and answers the id in x-amzn-RequestId."""

    def middleware(request: HttpRequest) -> HttpResponse:
        id_token = _request_id.set(str(uuid.uuid4()))
        start_token = _started.set(time.perf_counter())
        try:
            response = get_response(request)
            if REQUEST_ID_HEADER not in response:
                response[REQUEST_ID_HEADER] = _request_id.get()
            if response.status_code >= 400:  # as Django's handler would, but while the id is still set
                log_response("%s: %s", response.reason_phrase, request.path, response=response, request=request)
            return response
        finally:
            _request_id.reset(id_token)
            _started.reset(start_token)

    return middleware


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or _request_id.get(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
