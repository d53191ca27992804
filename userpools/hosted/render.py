"""Rendering the hosted pages: every page gets the pool's look (UI customization: CSS and logo)
and the authorize parameters it carries on in its URL."""
from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.errors import OAuthError, ServiceError
from userpools.hosted import errors
from userpools.models import UserPool, UserPoolClient
from userpools.services import attributes, branding
from userpools.services.oauth import requests


def _look(pool: UserPool, client: UserPoolClient | None) -> dict:
    row = branding.effective_customization(pool, client)
    if row is None:
        return {}
    return {"css": row.css, "logo": branding.logo_url(row) if row.image else ""}


def query_params(request: HttpRequest) -> dict[str, str]:
    """The query string as plain strings (a repeated parameter: its last value), as the authorize
    request it carries is read."""
    return request.GET.dict()


def page(request: HttpRequest, pool: UserPool, client: UserPoolClient, name: str, context: dict, *, status: int = 200) -> HttpResponse:
    query = urlencode(query_params(request))
    base = {
        "pool": pool, "client": client, "branding": _look(pool, client), "query": query,
        "base": f"/{pool.pk}", "username_label": username_label(pool),
    }
    return render(request, f"hosted/{name}.html", {**base, **context}, status=status)


def error(request: HttpRequest, pool: UserPool, client: UserPoolClient | None, problem: ServiceError, *, status: int = 400) -> HttpResponse:
    return errors.error_page(request, problem, status=status, branding=_look(pool, client), pool=pool)


def for_authorize_request(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page that serves the authorize request in its query string: the view gets the checked
    request (and so the client) after the pool; a bad request gets its error response instead."""
    @functools.wraps(view)
    def wrapper(request: HttpRequest, pool: UserPool, *args, **kwargs) -> HttpResponse:
        try:
            checked = requests.parse(pool, query_params(request))
        except OAuthError as problem:
            return error(request, pool, None, problem)
        if isinstance(checked, requests.RedirectedError):
            return errors.redirect_error(checked)
        return view(request, pool, checked, *args, **kwargs)

    return wrapper


def for_native_accounts(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of the pool's own accounts (sign-up, confirmation, password reset, a sign-in's next
    step), after `for_authorize_request`: only for clients that offer the COGNITO provider."""
    @functools.wraps(view)
    def wrapper(request: HttpRequest, pool: UserPool, checked: requests.AuthorizationRequest, *args, **kwargs) -> HttpResponse:
        if not requests.offers_cognito(checked.client):
            return error(request, pool, checked.client, ServiceError(requests.UNAVAILABLE_PROVIDER))
        return view(request, pool, checked, *args, **kwargs)

    return wrapper


def username_label(pool: UserPool) -> str:
    """What the username field asks for: an email or phone number where the pool signs in by those."""
    names = attributes.username_attribute_names(pool)
    labels = {"email": "Email", "phone_number": "Phone number"}
    return " or ".join(labels[name] for name in names if name in labels) or "Username"


def sign_up_fields(pool: UserPool) -> list[dict]:
    """The attributes a sign-up form asks for: the pool's required ones (not sub), as input fields."""
    fields = []
    for name, definition in attributes.pool_schema(pool).items():
        if not definition.get("Required") or name == "sub":
            continue
        kind = {"email": "email", "phone_number": "tel", "birthdate": "date"}.get(name, "text")
        fields.append({"name": name, "label": name.replace("_", " ").removeprefix("custom:").capitalize(), "type": kind})
    return fields
