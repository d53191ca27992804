"""`/`, the endpoint every AWS SDK calls: AWS JSON 1.1, or the query protocol for a form-encoded
body (IAM, STS).

`straight_to_endpoint` is a middleware, placed right after Django's SecurityMiddleware, that hands
requests for `/` to the endpoint at once. The layers it skips (static files, sessions, CSRF, the
admin's authentication and messages, clickjacking headers) and URL resolution serve the admin and
the hosted pages, never a call authenticated by SigV4 or a token; skipping them takes ~11 % off a
GetUser's instructions (bench/instructions.py).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIRequest, get_script_name
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse
from django.urls import set_script_prefix
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt

from awsapi.fronts import json11, query
from core import cors


@csrf_exempt
@cors.allow_browsers("POST")
def aws_endpoint(request: HttpRequest) -> HttpResponse:
    """`POST /`: a form-encoded body is the query protocol (IAM, STS); anything else AWS JSON 1.1."""
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        return query.endpoint(request)
    return json11.endpoint(request)


def straight_to_endpoint(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: `/` goes to `aws_endpoint` without the rest of the middleware."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path_info != "/":
            return get_response(request)
        response = aws_endpoint(request)
        if not response.streaming and not response.has_header("Content-Length"):  # as CommonMiddleware would
            response["Content-Length"] = str(len(response.content))
        return response

    return middleware


class RootHandler:
    """WSGI: `POST /` from the server to `aws_endpoint` without Django's request handler.

    Django's handler costs a GetUser ~12 % of its instructions on top of `straight_to_endpoint`
    (bench/README.md): the request_started/request_finished dispatch and three receivers that do
    nothing for this path. This handler runs what matters of it, in the same order: the script
    prefix, every live receiver of both signals but those three (called directly, from a list
    made again whenever one is connected or disconnected), the middleware `settings.MIDDLEWARE`
    places above `straight_to_endpoint` (built from that list, so they stay the same), each
    wrapped as Django wraps it (an escaped exception becomes a 500 answer there). The rest of `settings` (URL
    resolution, sessions, CSRF, ...) never ran for `/` anyway.
    """

    # Receivers that do nothing here: the SQL log is kept only with DEBUG (then it is cleared as
    # Django would), our caches' close() is a no-op (Redis, database), and this path sets no urlconf.
    SKIPPED = frozenset({"django.db.reset_queries", "django.core.cache.close_caches", "django.core.handlers.base.reset_urlconf"})

    def __init__(self) -> None:
        at = settings.MIDDLEWARE.index(f"{__name__}.straight_to_endpoint")
        handler = convert_exception_to_response(straight_to_endpoint(_never_below(settings.MIDDLEWARE[at + 1:])))
        for path in reversed(settings.MIDDLEWARE[:at]):
            handler = convert_exception_to_response(import_string(path)(handler))  # each layer, as Django wraps it
        self._chain = handler
        self._receivers: dict[int, tuple[int, list[Callable[..., object]]]] = {}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        set_script_prefix(get_script_name(environ))
        self._send(signals.request_started, environ=environ)
        try:
            response = self._chain(WSGIRequest(environ))
            start_response(f"{response.status_code} {response.reason_phrase}",
                           [*response.items(), *(("Set-Cookie", cookie.output(header="")) for cookie in response.cookies.values())])
            return [response.content]
        finally:
            self._send(signals.request_finished)

    def _send(self, signal: Signal, **named: Any) -> None:
        for receiver in self._live(signal):
            receiver(signal=signal, sender=RootHandler, **named)

    def _live(self, signal: Signal) -> list[Callable[..., object]]:
        """The signal's live receivers but the skipped ones; made again when its receivers change."""
        known = self._receivers.get(id(signal))
        if known is not None and known[0] == len(signal.receivers) and not signal._dead_receivers:
            return known[1]
        sync_receivers, _ = signal._live_receivers(RootHandler)  # Django's own resolution of weak references
        debug = settings.DEBUG
        kept = [receiver for receiver in sync_receivers if debug or _qualified_name(receiver) not in self.SKIPPED]
        self._receivers[id(signal)] = (len(signal.receivers), kept)
        return kept


def _qualified_name(receiver: Callable[..., object]) -> str:
    return f"{getattr(receiver, '__module__', '')}.{getattr(receiver, '__qualname__', '')}"


def _never_below(below: list[str]) -> Callable[[HttpRequest], HttpResponse]:
    def refuse(request: HttpRequest) -> HttpResponse:
        raise RuntimeError(f"RootHandler serves `/` only; {request.path} needs {below}")

    return refuse
