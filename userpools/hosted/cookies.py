"""The per-pool single sign-on cookie: signed, HttpOnly, SameSite=Lax, scoped to the pool's path."""
from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from userpools.models import UserPool
from userpools.services.oauth import sso


def _name(pool: UserPool) -> str:
    return f"cognito_sso_{pool.pk}"


def _path(pool: UserPool) -> str:
    return f"/{pool.pk}/"


def session_key(request: HttpRequest, pool: UserPool) -> str | None:
    """The SSO key the browser sent for this pool, if its signature holds."""
    return request.get_signed_cookie(_name(pool), default=None, salt="hosted-sso")


def set_session(response: HttpResponse, pool: UserPool, key: str) -> None:
    response.set_signed_cookie(
        _name(pool), key, salt="hosted-sso", max_age=sso.SESSION_SECONDS, path=_path(pool), httponly=True,
        samesite="Lax", secure=settings.PUBLIC_URL.startswith("https://"),
    )


def clear_session(response: HttpResponse, pool: UserPool) -> None:
    response.delete_cookie(_name(pool), path=_path(pool), samesite="Lax")
