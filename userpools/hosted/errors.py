"""The one renderer of the hosted endpoints' errors: RFC 6749 JSON for the back-channel endpoints,
a redirect with `error` (and `state`) for authorization requests, an error page otherwise."""
from __future__ import annotations

from authlib.common.urls import add_params_to_uri
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render

from core.errors import OAuthError, ServiceError
from userpools.models import UserPool, UserPoolClient
from userpools.services.oauth.requests import RedirectedError, UnsafeRequest, redirected_error


def json_error(error: OAuthError) -> JsonResponse:
    response = JsonResponse({"error": error.error_type}, status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = f'Bearer error="{error.error_type}"' if error.error_type == "invalid_token" else "Basic"
    response["Cache-Control"] = "no-store"
    return response


def redirect_error(redirected: RedirectedError) -> HttpResponse:
    params = {"error": redirected.error.error_type}
    if redirected.error.message and redirected.error.message != redirected.error.error_type:
        params["error_description"] = redirected.error.message
    if redirected.state:
        params["state"] = redirected.state
    return HttpResponseRedirect(add_params_to_uri(redirected.redirect_uri, params, fragment=redirected.fragment))


def error_page(request: HttpRequest, error: ServiceError, *, status: int = 400, branding: dict | None = None,
               pool: UserPool | None = None) -> HttpResponse:
    return render(request, "hosted/error.html", {"error": error.message, "branding": branding or {}, "pool": pool}, status=status)


def to_client(request: HttpRequest, client: UserPoolClient, params: dict[str, str], error: OAuthError, *,
              pool: UserPool | None = None) -> HttpResponse:
    """`error` of an authorization request (`params`, as it came) that got past its checks, e.g.
    at a provider: redirected as `redirect_error` does, or shown when its redirect URI is not good."""
    try:
        return redirect_error(redirected_error(client, params, error))
    except UnsafeRequest:
        return error_page(request, error, pool=pool)
