"""CORS for the endpoints browsers' apps call from their own origin (a single-page app's OIDC
library reads discovery and keys, redeems codes, calls userInfo). They carry no cookies a foreign
page could ride on, only what the app sends itself (a code, a bearer token), so any origin may call.
"""
from __future__ import annotations

import functools
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_ALLOWED_HEADERS = "Authorization, Content-Type"
_MAX_AGE = "600"


def any_origin(methods: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Answer preflights for `methods` (e.g. "GET, POST") and let every answer be read cross-origin."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
                response["Access-Control-Allow-Methods"] = methods
                response["Access-Control-Allow-Headers"] = _ALLOWED_HEADERS
                response["Access-Control-Max-Age"] = _MAX_AGE
            else:
                response = view(request, *args, **kwargs)
            response["Access-Control-Allow-Origin"] = "*"
            return response

        return wrapper

    return decorate
