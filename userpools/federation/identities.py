"""The `identities` attribute: Cognito's JSON list of the external identities a user signs in with."""
from __future__ import annotations

import json
import time

from userpools.models import IdentityProvider


def entry(provider: IdentityProvider, user_id: str, *, primary: bool) -> dict:
    """One identity, in Cognito's shape (the dates are epoch milliseconds as strings)."""
    return {
        "userId": user_id,
        "providerName": provider.name,
        "providerType": provider.provider_type,
        "issuer": provider.details.get("oidc_issuer") if provider.provider_type != "SAML" else None,
        "primary": "true" if primary else "false",
        "dateCreated": str(int(time.time() * 1000)),
    }


def parsed(value: str | None) -> list[dict]:
    try:
        found = json.loads(value or "[]")
    except ValueError:
        return []
    return found if isinstance(found, list) else []


def with_identity(value: str | None, new: dict) -> str:
    """The attribute value with `new` added (replacing an entry of the same provider and user id)."""
    kept = [item for item in parsed(value) if (item.get("providerName"), item.get("userId")) != (new["providerName"], new["userId"])]
    return json.dumps([*kept, new], separators=(",", ":"))


def without_identity(value: str | None, provider_name: str, user_id: str) -> str:
    kept = [item for item in parsed(value) if (item.get("providerName"), item.get("userId")) != (provider_name, user_id)]
    return json.dumps(kept, separators=(",", ":"))
