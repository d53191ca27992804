"""Who is calling: the client address, seen through the proxies we trust."""
from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings


def client_ip(meta: Mapping[str, str]) -> str | None:
    """REMOTE_ADDR, or with TRUSTED_PROXY_COUNT = n the address n hops back in X-Forwarded-For.

    Only the entries our own proxies appended can be trusted; anything further left was written
    by the client and may be forged.
    """
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return meta.get("REMOTE_ADDR")
    forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) >= hops:
        return forwarded[-hops]
    return meta.get("REMOTE_ADDR")
