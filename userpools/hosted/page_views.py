"""The hosted UI's own pages: sign-in, sign-up, confirmation (and resending its code), forgotten
password, and the pool's logo. Every action runs through the same services as the API (lockout,
per-address limits, PreventUserExistenceErrors included); forms are CSRF-protected."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.errors import ServiceError
from core.net import client_ip
from userpools.domain import client_auth
from userpools.hosted import providers, render
from userpools.hosted.challenge_views import next_step
from userpools.hosted.pool import hosted
from userpools.models import UserPool, UserPoolClient
from userpools.services import branding, recovery, signin, signup
from userpools.services.oauth import requests


def _api_params(client: UserPoolClient, username: str, **members) -> dict:
    """The members of the API call a form stands for; the page is the client's, so it signs with its secret."""
    params = {"ClientId": client.client_id, "Username": username, **members}
    if client.secret is not None:
        params["SecretHash"] = client_auth.secret_hash(client.secret, username, client.client_id)
    return params


def _page_url(pool: UserPool, request: HttpRequest, page: str, **extra: str) -> str:
    """Another hosted page, carrying this one's authorize parameters (and `extra`) on."""
    query = request.GET.copy()
    for key in ("username", "notice"):
        query.pop(key, None)
    query.update(extra)
    return f"/{pool.pk}/{page}?{query.urlencode()}"


def _provider_buttons(pool: UserPool, client: UserPoolClient) -> list[str]:
    supported = client.config.get("SupportedIdentityProviders") or []
    names = [providers.provider_name(provider) for provider in providers.providers_for_client(pool, client)]
    return [name for name in names if name in supported and name != requests.COGNITO_PROVIDER]


@hosted
@require_http_methods(["GET", "POST"])
@render.for_authorize_request
def login(request: HttpRequest, pool: UserPool, checked: requests.AuthorizationRequest) -> HttpResponse:
    client = checked.client
    context = {"providers": _provider_buttons(pool, client), "cognito": requests.offers_cognito(client)}
    if request.method == "GET":
        return render.page(request, pool, client, "login", {**context, "notice": request.GET.get("notice", "")})
    username = request.POST.get("username", "").strip()
    password = request.POST.get("password", "")
    if not context["cognito"]:
        return render.error(request, pool, client, ServiceError(requests.UNAVAILABLE_PROVIDER))
    try:
        result = signin.hosted_sign_in(client, username, password, source_ip=client_ip(request.META))
    except ServiceError as error:
        if error.error_type == "UserNotConfirmedException":
            return HttpResponseRedirect(_page_url(pool, request, "confirm", username=username))
        return render.page(request, pool, client, "login", {**context, "error": error.message, "username": username}, status=400)
    return next_step(request, pool, checked, username, result)


@hosted
@require_http_methods(["GET", "POST"])
@render.for_authorize_request
@render.for_native_accounts
def sign_up(request: HttpRequest, pool: UserPool, checked: requests.AuthorizationRequest) -> HttpResponse:
    client, fields = checked.client, render.sign_up_fields(pool)
    if request.method == "GET":
        return render.page(request, pool, client, "signup", {"fields": fields})
    username = request.POST.get("username", "").strip()
    values = {field["name"]: request.POST.get(field["name"], "").strip() for field in fields}
    attributes = [{"Name": name, "Value": value} for name, value in values.items() if value]
    try:
        result = signup.sign_up(_api_params(client, username, Password=request.POST.get("password", ""), UserAttributes=attributes))
    except ServiceError as error:
        return render.page(request, pool, client, "signup", {"fields": fields, "values": values, "username": username,
                                                             "error": error.message}, status=400)
    if result.user.status == result.user.CONFIRMED:
        return HttpResponseRedirect(_page_url(pool, request, "login", notice="confirmed"))
    return HttpResponseRedirect(_page_url(pool, request, "confirm", username=result.user.username))


@hosted
@require_http_methods(["GET", "POST"])
@render.for_authorize_request
@render.for_native_accounts
def confirm(request: HttpRequest, pool: UserPool, checked: requests.AuthorizationRequest) -> HttpResponse:
    client = checked.client
    username = request.POST.get("username") or request.GET.get("username", "")
    if request.method == "GET":
        return render.page(request, pool, client, "confirm", {"username": username})
    try:
        signup.confirm_sign_up(_api_params(client, username, ConfirmationCode=request.POST.get("code", "").strip()))
    except ServiceError as error:
        return render.page(request, pool, client, "confirm", {"username": username, "error": error.message}, status=400)
    return HttpResponseRedirect(_page_url(pool, request, "login", notice="confirmed"))


@hosted
@require_POST
@render.for_authorize_request
@render.for_native_accounts
def resend_code(request: HttpRequest, pool: UserPool, checked: requests.AuthorizationRequest) -> HttpResponse:
    """The confirm page's "Resend code": a new sign-up code, as ResendConfirmationCode sends it
    (its limits and PreventUserExistenceErrors behaviour included)."""
    client, username = checked.client, request.POST.get("username", "")
    try:
        signup.resend_confirmation_code(_api_params(client, username), source_ip=client_ip(request.META))
    except ServiceError as error:
        return render.page(request, pool, client, "confirm", {"username": username, "error": error.message}, status=400)
    return render.page(request, pool, client, "confirm", {"username": username, "notice": "resent"})


@hosted
@require_http_methods(["GET", "POST"])
@render.for_authorize_request
@render.for_native_accounts
def forgot_password(request: HttpRequest, pool: UserPool, checked: requests.AuthorizationRequest) -> HttpResponse:
    client = checked.client
    if request.method == "GET":
        return render.page(request, pool, client, "forgot_password", {})
    username = request.POST.get("username", "").strip()
    try:
        recovery.forgot_password(_api_params(client, username))
    except ServiceError as error:
        return render.page(request, pool, client, "forgot_password", {"username": username, "error": error.message}, status=400)
    return HttpResponseRedirect(_page_url(pool, request, "confirmForgotPassword", username=username))


@hosted
@require_http_methods(["GET", "POST"])
@render.for_authorize_request
@render.for_native_accounts
def confirm_forgot_password(request: HttpRequest, pool: UserPool, checked: requests.AuthorizationRequest) -> HttpResponse:
    client = checked.client
    username = request.POST.get("username") or request.GET.get("username", "")
    if request.method == "GET":
        return render.page(request, pool, client, "reset_password", {"username": username})
    try:
        recovery.confirm_forgot_password(_api_params(client, username, ConfirmationCode=request.POST.get("code", "").strip(),
                                                     Password=request.POST.get("new_password", "")))
    except ServiceError as error:
        return render.page(request, pool, client, "reset_password", {"username": username, "error": error.message}, status=400)
    return HttpResponseRedirect(_page_url(pool, request, "login", notice="reset"))


@hosted
@require_safe
def logo(request: HttpRequest, pool: UserPool) -> HttpResponse:
    """The logo SetUICustomization stored (GetUICustomization's ImageUrl)."""
    client_id = request.GET.get("client_id")
    client = UserPoolClient.objects.filter(pool=pool, pk=client_id).first() if client_id else None
    row = branding.effective_customization(pool, client)
    if row is None or not row.image:
        return HttpResponse(status=404)
    image = bytes(row.image)
    kind = "image/png" if image.startswith(b"\x89PNG") else "image/svg+xml" if image.lstrip().startswith(b"<") else "image/jpeg"
    response = HttpResponse(image, content_type=kind)
    response["Cache-Control"] = "public, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
