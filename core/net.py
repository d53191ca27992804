"""Who is calling: the client address, seen through the proxies we trust."""
from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlsplit

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


def is_loopback_host(host: str | None) -> bool:
    """localhost, 127.0.0.0/8 or ::1: the only hosts plain http may reach (nothing leaves the machine)."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    return is_loopback_host(urlsplit(url).hostname)
