"""The IdP response endpoints under a pool's hosted-UI base: `/oauth2/idpresponse` (OIDC and
social providers' redirect_uri) and `/saml2/idpresponse` (the SAML ACS), and the SP metadata.
They parse, call the federation services, and hand the user to the hosted UI's `complete_sign_in`."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import InvalidRequestError, ServiceError
from userpools.federation import catalog, csrf_cookie, saml
from userpools.federation.signin import Pending, oidc_user, saml_user, take_pending
from userpools.hosted import errors
from userpools.hosted.flow import complete_sign_in
from userpools.hosted.pool import hosted
from userpools.models import UserPool

_MAX_SAML_RESPONSE = 512 * 1024


def _back_to_client(request: HttpRequest, pool: UserPool, pending: Pending, description: str) -> HttpResponse:
    """A failure after the pending sign-in is known goes back to the client's redirect_uri, as Cognito does."""
    return errors.to_client(request, pending.client, pending.resume, InvalidRequestError(description), pool=pool)


@hosted
@csrf_exempt  # the provider's redirect (or Apple's form_post) carries our single-use state, bound to the csrf-state cookie
@require_http_methods(["GET", "POST"])
def oidc_response(request: HttpRequest, pool: UserPool) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    try:
        pending = take_pending(pool, params.get("state", ""), csrf_cookie.presented(request, pool), catalog.OIDC)
    except ServiceError as error:
        return errors.error_page(request, error)
    return csrf_cookie.clear(request, _finish_oidc(request, pool, pending, params), pool)


def _finish_oidc(request: HttpRequest, pool: UserPool, pending: Pending, params: QueryDict) -> HttpResponse:
    if params.get("error") or not params.get("code"):
        return _back_to_client(request, pool, pending, params.get("error_description") or params.get("error") or "No code was returned.")
    try:
        user = oidc_user(pool, pending, params["code"])
    except ServiceError as error:
        return _back_to_client(request, pool, pending, error.message)
    return complete_sign_in(request, pool, pending.client, user, pending.resume)


@hosted
@csrf_exempt  # the IdP's HTTP-POST binding; the response is signed and answers our own request id, bound to the csrf-state cookie
@require_POST
def saml_response(request: HttpRequest, pool: UserPool) -> HttpResponse:
    try:
        pending = take_pending(pool, request.POST.get("RelayState", ""), csrf_cookie.presented(request, pool), catalog.SAML)
    except ServiceError as error:
        return errors.error_page(request, error)
    return csrf_cookie.clear(request, _finish_saml(request, pool, pending), pool)


def _finish_saml(request: HttpRequest, pool: UserPool, pending: Pending) -> HttpResponse:
    encoded = request.POST.get("SAMLResponse", "")
    if not encoded or len(encoded) > _MAX_SAML_RESPONSE:
        return _back_to_client(request, pool, pending, "Invalid SAML response received.")
    try:
        user = saml_user(pool, pending, encoded)
    except ServiceError as error:
        return _back_to_client(request, pool, pending, error.message)
    return complete_sign_in(request, pool, pending.client, user, pending.resume)


@hosted
@require_GET
def saml_metadata(request: HttpRequest, pool: UserPool) -> HttpResponse:
    return HttpResponse(saml.sp_metadata(pool), content_type="application/samlmetadata+xml")
