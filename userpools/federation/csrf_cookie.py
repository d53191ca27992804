"""The csrf-state cookie (Cognito has one too): the browser that is sent to a provider keeps the
pending key's proof (`state.proof`), HttpOnly, scoped to the pool's path, for the key's lifetime;
the provider's answer is taken only together with it, and the cookie is cleared once it served.

The SAML response is a cross-site POST from the IdP's page, which carries only SameSite=None
cookies, and browsers keep those only when Secure. Over plain http (dev, tests) the attribute is
left out instead: a browser then applies its default, which lets the cookie through on the OIDC
redirect (a top-level GET) everywhere; Chromium sends such a cookie on a cross-site POST only
within two minutes of setting it (its Lax-by-default allowance), so serve SAML over https.
"""
from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from userpools.federation import state
from userpools.models import UserPool


def _name(pool: UserPool) -> str:
    return f"cognito_csrf_state_{pool.pk}"


def _path(pool: UserPool) -> str:
    return f"/{pool.pk}/"


def _secure(request: HttpRequest) -> bool:
    return request.is_secure() or settings.PUBLIC_URL.startswith("https://")


def bind(request: HttpRequest, response: HttpResponse, pool: UserPool, key: str) -> HttpResponse:
    """`response` (the redirect to the provider) with the cookie that binds `key` to this browser."""
    secure = _secure(request)
    response.set_cookie(_name(pool), state.proof(key), max_age=state.LIFETIME_SECONDS, path=_path(pool),
                        httponly=True, secure=secure, samesite="None" if secure else None)
    return response


def presented(request: HttpRequest, pool: UserPool) -> str:
    """The proof this browser holds ("" when none)."""
    return request.COOKIES.get(_name(pool), "")


def clear(request: HttpRequest, response: HttpResponse, pool: UserPool) -> HttpResponse:
    """`response` with the cookie removed (its key is spent)."""
    secure = _secure(request)
    response.delete_cookie(_name(pool), path=_path(pool), samesite="None" if secure else None)
    return response
