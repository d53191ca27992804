"""The IdP response endpoints under a pool's hosted-UI base: `/oauth2/idpresponse` (OIDC and
social providers' redirect_uri) and `/saml2/idpresponse` (the SAML ACS), and the SP metadata.
They parse, call the federation services, and hand the user to the hosted UI's `complete_sign_in`."""
from __future__ import annotations

from authlib.common.urls import add_params_to_uri
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import InvalidRequestError, ServiceError
from userpools.federation import catalog, saml
from userpools.federation.flow import in_fragment
from userpools.federation.signin import Pending, oidc_user, saml_user, take_pending
from userpools.hosted import errors
from userpools.hosted.flow import complete_sign_in
from userpools.hosted.pool import hosted
from userpools.models import UserPool

_MAX_SAML_RESPONSE = 512 * 1024


def _back_to_client(request: HttpRequest, pending: Pending, error: str, description: str) -> HttpResponse:
    """A failure after the pending sign-in is known goes back to the client's redirect_uri, as Cognito does."""
    redirect_uri = pending.resume.get("redirect_uri")
    if not redirect_uri or redirect_uri not in (pending.client.config.get("CallbackURLs") or []):
        return errors.error_page(request, InvalidRequestError(description))
    params = {"error": error, "error_description": description}
    if pending.resume.get("state"):
        params["state"] = pending.resume["state"]
    return HttpResponseRedirect(add_params_to_uri(redirect_uri, params, fragment=in_fragment(pending.resume)))


@hosted
@csrf_exempt  # the provider's redirect (or Apple's form_post) carries our single-use state instead
@require_http_methods(["GET", "POST"])
def oidc_response(request: HttpRequest, pool: UserPool) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    try:
        pending = take_pending(pool, params.get("state", ""), catalog.OIDC)
    except ServiceError as error:
        return errors.error_page(request, error)
    if params.get("error") or not params.get("code"):
        return _back_to_client(request, pending, "invalid_request", params.get("error_description") or params.get("error") or "No code was returned.")
    try:
        user = oidc_user(pool, pending, params["code"])
    except ServiceError as error:
        return _back_to_client(request, pending, "invalid_request", error.message)
    return complete_sign_in(request, pool, pending.client, user, pending.resume)


@hosted
@csrf_exempt  # the IdP's HTTP-POST binding; the response is signed and answers our own request id
@require_POST
def saml_response(request: HttpRequest, pool: UserPool) -> HttpResponse:
    try:
        pending = take_pending(pool, request.POST.get("RelayState", ""), catalog.SAML)
    except ServiceError as error:
        return errors.error_page(request, error)
    encoded = request.POST.get("SAMLResponse", "")
    if not encoded or len(encoded) > _MAX_SAML_RESPONSE:
        return _back_to_client(request, pending, "invalid_request", "Invalid SAML response received.")
    try:
        user = saml_user(pool, pending, encoded)
    except ServiceError as error:
        return _back_to_client(request, pending, "invalid_request", error.message)
    return complete_sign_in(request, pool, pending.client, user, pending.resume)


@hosted
@require_GET
def saml_metadata(request: HttpRequest, pool: UserPool) -> HttpResponse:
    return HttpResponse(saml.sp_metadata(pool), content_type="application/samlmetadata+xml")
