"""The OAuth 2.0 / OIDC endpoints of a pool's hosted UI: `/oauth2/authorize`, `/oauth2/token`,
`/oauth2/userInfo`, `/oauth2/revoke` and `/logout`. Each parses the request, calls one service
and renders; errors go through `hosted.errors`."""
from __future__ import annotations

from urllib.parse import urlencode

from authlib.oauth2.rfc6749.util import extract_basic_authorization
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import cors
from core.errors import (
    InvalidClientError,
    InvalidRequestError,
    InvalidTokenError,
    OAuthError,
    ServiceError,
    UnauthorizedException,
    UnsupportedOperationError,
    UnsupportedOperationException,
    UnsupportedTokenTypeError,
    UnsupportedTokenTypeException,
)
from userpools.hosted import cookies, errors, providers, render
from userpools.hosted.flow import grant_redirect
from userpools.hosted.pool import hosted
from userpools.models import UserPool
from userpools.services.oauth import grants, requests, sso, userinfo


def login_url(pool: UserPool, params: dict[str, str], page: str = "login") -> str:
    return f"/{pool.pk}/{page}?{urlencode(params)}"


@hosted
@csrf_exempt  # so another method gets its 405, not a CSRF 403; a GET changes nothing
@require_safe  # GET (and HEAD) only, as Cognito documents the endpoint
def authorize(request: HttpRequest, pool: UserPool) -> HttpResponse:
    params = render.query_params(request)
    try:
        checked = requests.parse(pool, params)
    except OAuthError as error:
        return errors.error_page(request, error, pool=pool)
    if isinstance(checked, requests.RedirectedError):
        return errors.redirect_error(checked)
    supported = checked.client.config.get("SupportedIdentityProviders") or []
    if checked.identity_provider or checked.idp_identifier:
        if checked.identity_provider == requests.COGNITO_PROVIDER:
            if requests.COGNITO_PROVIDER not in supported:
                return errors.error_page(request, InvalidRequestError(requests.UNAVAILABLE_PROVIDER), pool=pool)
        else:
            provider = providers.find_provider(pool, identity_provider=checked.identity_provider, idp_identifier=checked.idp_identifier)
            if provider is None or providers.provider_name(provider) not in supported:
                return errors.error_page(request, InvalidRequestError(requests.UNAVAILABLE_PROVIDER), pool=pool)
            return providers.redirect_to_provider(request, pool, checked.client, provider, checked.params)
    session = sso.current(pool, cookies.session_key(request, pool))
    if session is not None and checked.prompt != "login":
        return grant_redirect(checked, session.user, session.auth_time)
    if requests.COGNITO_PROVIDER not in supported:
        # No password form to show: with one external provider Cognito goes straight to it.
        offered = [p for p in providers.providers_for_client(pool, checked.client) if providers.provider_name(p) in supported]
        if len(offered) == 1:
            return providers.redirect_to_provider(request, pool, checked.client, offered[0], checked.params)
    return HttpResponseRedirect(login_url(pool, checked.params))


def _client_credentials(request: HttpRequest) -> tuple[str | None, str | None]:
    basic_id, basic_secret = extract_basic_authorization(request.headers)
    if basic_id:
        return basic_id, basic_secret
    return request.POST.get("client_id"), request.POST.get("client_secret")


@cors.allow_browsers("POST")
@hosted
@csrf_exempt  # a back-channel call authenticated by the client's credentials
@require_POST
def token(request: HttpRequest, pool: UserPool) -> HttpResponse:
    try:
        if request.content_type != "application/x-www-form-urlencoded":
            raise InvalidRequestError("invalid_request")
        client = grants.authenticate_client(pool, *_client_credentials(request))
        answer = grants.token(client, request.POST.dict())
    except OAuthError as error:
        return errors.json_error(error)
    response = JsonResponse(answer)
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


# Cognito's RevokeToken errors as the revocation endpoint names them (RFC 7009).
_REVOKE_ERRORS: dict[type[ServiceError], type[OAuthError]] = {
    UnauthorizedException: InvalidClientError,
    UnsupportedTokenTypeException: UnsupportedTokenTypeError,
    UnsupportedOperationException: UnsupportedOperationError,
}


@cors.allow_browsers("POST")
@hosted
@csrf_exempt  # a back-channel call authenticated by the client's credentials
@require_POST
def revoke(request: HttpRequest, pool: UserPool) -> HttpResponse:
    try:
        client = grants.authenticate_client(pool, *_client_credentials(request))
        value = request.POST.get("token")
        if not value:
            raise InvalidRequestError("invalid_request")
        grants.revoke(client, value)
    except OAuthError as error:
        return errors.json_error(error)
    except tuple(_REVOKE_ERRORS) as error:
        return errors.json_error(_REVOKE_ERRORS[type(error)]())
    return HttpResponse(status=200)


@cors.allow_browsers("GET, POST")
@hosted
@csrf_exempt  # a bearer-token call
@require_http_methods(["GET", "POST"])
def user_info(request: HttpRequest, pool: UserPool) -> HttpResponse:
    kind, _, access_token = request.headers.get("Authorization", "").partition(" ")
    try:
        if kind.lower() != "bearer" or not access_token.strip():
            raise InvalidTokenError("invalid_token")
        return JsonResponse(userinfo.user_info(pool, access_token.strip()))
    except OAuthError as error:
        return errors.json_error(error)


@hosted
@require_http_methods(["GET"])
def logout(request: HttpRequest, pool: UserPool) -> HttpResponse:
    """Cognito's /logout: `logout_uri` (one of the client's LogoutURLs) ends the session and
    goes there; `redirect_uri` with `response_type` ends it and signs in again."""
    params = render.query_params(request)
    try:
        client = requests.client_of(pool, params.get("client_id", ""))
        if params.get("logout_uri"):
            if params["logout_uri"] not in (client.config.get("LogoutURLs") or []):
                raise requests.UnsafeRequest("logout_uri is not one of the client's sign-out URLs")
            target = params["logout_uri"]
        else:
            requests.callback_uri(client, params.get("redirect_uri", ""))
            if not params.get("response_type"):
                raise requests.UnsafeRequest("response_type is required")
            target = login_url(pool, {key: value for key, value in params.items() if key != "logout_uri"})
    except OAuthError as error:
        return errors.error_page(request, error, pool=pool)
    sso.end(pool, cookies.session_key(request, pool))
    response = HttpResponseRedirect(target)
    cookies.clear_session(response, pool)
    return response
