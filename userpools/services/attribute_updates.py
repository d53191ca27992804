"""Writing changed attributes for UpdateUserAttributes and AdminUpdateUserAttributes alike.

A changed email or phone number becomes unverified, unless the request itself sets its
*_verified flag (administrators may). When the pool auto-verifies it, a code goes to the new
value (CustomMessage_UpdateUserAttribute); under AttributesRequireVerificationBeforeUpdate the old,
verified value stays until the code is redeemed.
"""
from __future__ import annotations

from userpools.domain import attribute_values
from userpools.models import User
from userpools.services import attributes, verification


def auto_verified(user: User, name: str) -> bool:
    """Whether the pool verifies `name` by sending a code (AutoVerifiedAttributes)."""
    return name in (user.pool.config.get("AutoVerifiedAttributes") or [])


def waits_for_verification(user: User, name: str) -> bool:
    """Whether a new value of `name` takes effect only once its code is confirmed."""
    settings = user.pool.config.get("UserAttributeUpdateSettings") or {}
    return name in (settings.get("AttributesRequireVerificationBeforeUpdate") or []) and auto_verified(user, name)


def apply(user: User, values: dict[str, str], *, client_id: str | None = None, client_metadata: dict | None = None) -> list[dict]:
    """Write `values` (validated) to the locked `user`; returns the CodeDeliveryDetails of codes sent."""
    existing = user.attribute_values()
    changed = [
        name for name, flag in attribute_values.VERIFIED_FLAG.items()
        if name in values and values[name] != existing.get(name) and flag not in values
    ]
    waiting = {name: values.pop(name) for name in changed if waits_for_verification(user, name)}
    for name in changed:
        if name not in waiting:
            values[attribute_values.VERIFIED_FLAG[name]] = "false"
    attributes.claim_unique_values(user.pool, user, {**existing, **values}, only=set(values))
    attributes.write(user, values)
    return [
        verification.send_attribute_code(user, name, waiting.get(name), pending=name in waiting, updating=True,
                                         client_id=client_id, client_metadata=client_metadata)
        for name in changed if auto_verified(user, name)
    ]
