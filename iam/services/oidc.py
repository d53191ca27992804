"""IAM OIDC identity providers (CreateOpenIDConnectProvider, ...) and the verification of ID
tokens they issue: discovery and JWKS fetched over HTTP(S), cached per process for a while."""
from __future__ import annotations

import json
import threading
import time
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction

from core.net import is_loopback_host
from iam import errors as iam_errors
from iam.models import OpenIDConnectProvider

JWKS_TTL_SECONDS = 600
FETCH_TIMEOUT_SECONDS = 5
_jwks_cache: dict[str, tuple[float, dict]] = {}
_lock = threading.Lock()


def provider_name(url: str) -> str:
    """IAM keeps a provider's URL without its scheme (and without a trailing slash)."""
    return url.split("://", 1)[-1].rstrip("/")


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback_host(parts.hostname)):
        raise iam_errors.ValidationError("Invalid Openid Connect Provider URL. The URL must begin with https://")


def create_provider(url: str, client_ids: list[str] | None, thumbprints: list[str] | None, tags: list[dict] | None) -> OpenIDConnectProvider:
    _check_url(url)
    try:
        with transaction.atomic():
            return OpenIDConnectProvider.objects.create(
                url=provider_name(url), client_ids=list(client_ids or []), thumbprints=list(thumbprints or []),
                tags={t["Key"]: t.get("Value", "") for t in tags or []},
            )
    except IntegrityError:
        raise iam_errors.EntityAlreadyExists(f"Provider with url {url} already exists.") from None


def get_provider(arn: str) -> OpenIDConnectProvider:
    prefix = f"arn:aws:iam::{settings.ACCOUNT_ID}:oidc-provider/"
    provider = OpenIDConnectProvider.objects.filter(url=arn[len(prefix):]).first() if arn.startswith(prefix) else None
    if provider is None:
        raise iam_errors.NoSuchEntity(f"OpenIDConnect Provider not found for arn {arn}")
    return provider


def list_providers() -> list[OpenIDConnectProvider]:
    return list(OpenIDConnectProvider.objects.order_by("url"))


def delete_provider(arn: str) -> None:
    get_provider(arn).delete()


def provider_for_issuer(issuer: str) -> OpenIDConnectProvider | None:
    return OpenIDConnectProvider.objects.filter(url=provider_name(issuer)).first()


def _fetch_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310 - issuer URLs are registered by an admin
        return json.loads(response.read())


def jwks(issuer: str, *, refresh: bool = False) -> dict:
    """The issuer's JWKS (via its discovery document), cached for JWKS_TTL_SECONDS."""
    now = time.monotonic()
    cached = _jwks_cache.get(issuer)
    if cached and not refresh and now - cached[0] < JWKS_TTL_SECONDS:
        return cached[1]
    discovery = _fetch_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    keys = _fetch_json(discovery["jwks_uri"])
    with _lock:
        _jwks_cache[issuer] = (now, keys)
    return keys
