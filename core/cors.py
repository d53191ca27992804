"""CORS for the endpoints browsers' apps call from their own origin, as Cognito answers them.

A SPA on any origin calls Cognito's public operations (SignUp, InitiateAuth, GetId, ...) straight
from the browser (amazon-cognito-identity-js, Amplify), and its OIDC library reads discovery and
keys, redeems codes and calls userInfo. No cookie or ambient credential authenticates these calls:
each carries its own token, code or SigV4 signature, so letting every origin in (`*`, the default)
lets no page act as a user it could not act as already. `CORS_ALLOWED_ORIGINS` narrows the origins;
empty turns CORS off. The hosted UI's own pages (cookies, forms) are never marked cross-origin.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# The AWS SDKs' own headers (the operation, the SDK's user agent, SigV4's for signed calls) and a
# bearer token's.
ALLOWED_HEADERS = "content-type,x-amz-target,x-amz-user-agent,authorization,x-amz-date,x-amz-security-token,x-amz-content-sha256"
EXPOSED_HEADERS = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"
PREFLIGHT_MAX_AGE = 172800  # two days, as Cognito's


def _allowed_origin(request: HttpRequest) -> str | None:
    origin = request.META.get("HTTP_ORIGIN")  # not request.headers: building that mapping costs more than the call needs
    allowed = settings.CORS_ALLOWED_ORIGINS
    if origin is None or not allowed:
        return None
    if "*" in allowed:
        return "*"
    return origin if origin in allowed else None


def allow_browsers(methods: str) -> Callable:
    """Answer CORS preflights for a view and mark its responses readable by allowed origins."""

    def decorate(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            origin = _allowed_origin(request)
            if request.method == "OPTIONS" and request.META.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"):
                response = HttpResponse(status=200 if origin else 403)
                if origin:
                    response["Access-Control-Allow-Methods"] = methods
                    response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
                    response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
            else:
                response = view(request, *args, **kwargs)
            if origin:
                response["Access-Control-Allow-Origin"] = origin
                response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
                if origin != "*":
                    response["Vary"] = "Origin"
            return response

        return wrapper

    return decorate
