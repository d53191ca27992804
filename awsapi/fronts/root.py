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

from django.http import HttpRequest, HttpResponse
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
