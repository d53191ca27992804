"""The hook into federation (`userpools.federation.flow`, built beside the hosted UI): which
external providers a client offers, finding one by name or identifier, and sending the browser
there. Loaded by name at call time so the hosted UI also runs where federation is absent; then
only Cognito's own sign-in exists and any other provider is unknown."""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from django.http import HttpRequest, HttpResponse

from core.errors import ResourceNotFoundException
from userpools.models import UserPool, UserPoolClient

_FEDERATION = "userpools.federation.flow"


def _federation() -> ModuleType | None:
    try:
        return importlib.import_module(_FEDERATION)
    except ModuleNotFoundError as missing:
        if missing.name and _FEDERATION.startswith(missing.name):
            return None
        raise


def providers_for_client(pool: UserPool, client: UserPoolClient) -> list[Any]:
    """The external providers the client supports (objects with `name`), for the sign-in page's buttons."""
    federation = _federation()
    return list(federation.providers_for_client(pool, client)) if federation else []


def find_provider(pool: UserPool, *, identity_provider: str = "", idp_identifier: str = "") -> Any | None:
    """The provider `identity_provider` or `idp_identifier` names; None when there is none."""
    federation = _federation()
    if federation is None:
        return None
    try:
        return federation.find_provider(pool, identity_provider=identity_provider or None, idp_identifier=idp_identifier or None)
    except ResourceNotFoundException:  # federation raises for a name the pool does not know
        return None


def redirect_to_provider(request: HttpRequest, pool: UserPool, client: UserPoolClient, provider: Any, resume: dict) -> HttpResponse:
    """Send the browser to the provider's sign-in (only called with a provider find_provider returned)."""
    federation = _federation()
    assert federation is not None  # find_provider found the provider through it
    return federation.redirect_to_provider(request, pool, client, provider, resume)


def provider_name(provider: Any) -> str:
    """The name a provider button shows and `identity_provider` carries."""
    return str(getattr(provider, "provider_name", None) or getattr(provider, "name", None) or provider)
