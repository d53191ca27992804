"""How every hosted sign-in ends: `complete_sign_in` (a signed-in user, the original authorize
parameters) starts the pool's SSO session and sends the browser back to the client's callback
with a code, or tokens for the implicit flow. The password pages and the federation responses
(`/oauth2/idpresponse`, `/saml2/idpresponse`) both call it."""
from __future__ import annotations

from datetime import datetime

from authlib.common.urls import add_params_to_uri
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone

from userpools.hosted import cookies, errors
from userpools.models import User, UserPool, UserPoolClient
from userpools.services.oauth import codes, grants, requests, sso


def complete_sign_in(request: HttpRequest, pool: UserPool, client: UserPoolClient, user: User, resume: dict,
                     *, auth_time: datetime | None = None) -> HttpResponse:
    """Sign `user` in to `client` for the authorize request `resume` (its parameters as strings):
    a new SSO cookie, then the redirect to the callback. A request no longer valid is answered as
    /oauth2/authorize would answer it."""
    try:
        checked = requests.parse(pool, {**resume, "client_id": client.client_id})
    except requests.UnsafeRequest as error:  # the callback is no longer one of the client's
        return errors.error_page(request, error, pool=pool)
    if isinstance(checked, requests.RedirectedError):
        return errors.redirect_error(checked)
    auth_time = auth_time or timezone.now()
    response = grant_redirect(checked, user, auth_time)
    cookies.set_session(response, pool, sso.start(pool, user, auth_time))
    return response


def grant_redirect(checked: requests.AuthorizationRequest, user: User, auth_time: datetime) -> HttpResponse:
    """The redirect that hands the client its code (or implicit tokens), for a user already signed in."""
    if checked.response_type == "code":
        params = {"code": codes.issue_code(checked, user, auth_time)}
    else:
        params = grants.implicit_response(checked, user, auth_time)
    if checked.state:
        params["state"] = checked.state
    return HttpResponseRedirect(add_params_to_uri(checked.redirect_uri, params, fragment=checked.response_type != "code"))
