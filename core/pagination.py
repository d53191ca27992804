"""Opaque, tamper-proof pagination tokens for keyset pagination."""
from __future__ import annotations

from typing import Any

from django.core import signing
from django.db.models import QuerySet

from core.errors import InvalidParameterException

_SALT = "pagination-token"


def make_token(kind: str, last_key: Any) -> str:
    return signing.dumps({"k": kind, "last": last_key}, salt=_SALT, compress=True)


def read_token(kind: str, token: str | None) -> Any:
    """The last key of the previous page, or None for the first page."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        raise InvalidParameterException("Invalid pagination token.") from None
    if not isinstance(data, dict) or data.get("k") != kind:
        raise InvalidParameterException("Invalid pagination token.")
    return data.get("last")


def keyset_page(query: QuerySet, field: str, limit: int, kind: str, token: str | None) -> tuple[list, str | None]:
    """One page of `query` ordered by the unique `field`, resuming after the token's key.

    Costs one indexed range scan however deep the page is, unlike OFFSET.
    """
    after = read_token(kind, token)
    query = query.order_by(field)
    if after is not None:
        query = query.filter(**{f"{field}__gt": after})
    found = list(query[: limit + 1])
    if len(found) <= limit:
        return found, None
    found = found[:limit]
    return found, make_token(kind, getattr(found[-1], field))
