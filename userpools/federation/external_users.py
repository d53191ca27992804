"""The user an external identity signs in as: the native user it is linked to, else the
`<ProviderName>_<subject>` user (EXTERNAL_PROVIDER), created on first sign-in after the
PreSignUp_ExternalProvider trigger, its mapped attributes refreshed on every sign-in."""
from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.db import transaction
from django.db.models import Q

from core.errors import NotAuthorizedException, UsernameExistsException
from userpools.events import lifecycle
from userpools.federation import catalog, identities
from userpools.federation.links import federated_username
from userpools.models import IdentityProvider, ProviderLink, User, UserPool
from userpools.services import attributes, lookup
from userpools.services.users import insert_user

_DISABLED = "User is disabled."


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def mapped_values(provider: IdentityProvider, claims: dict[str, Any]) -> dict[str, str]:
    """The pool attributes AttributeMapping makes of the provider's claims (`username` is the subject, not an attribute)."""
    return {
        pool_name: _text(claims[provider_name])
        for pool_name, provider_name in provider.attribute_mapping.items()
        if pool_name != "username" and claims.get(provider_name) not in (None, "")
    }


def subject_of(provider: IdentityProvider, claims: dict[str, Any]) -> str:
    """The provider's identifier of the user: the claim AttributeMapping maps to `username`."""
    claim = provider.attribute_mapping.get("username") or catalog.DEFAULT_SUBJECT_CLAIM.get(provider.provider_type, "sub")
    subject = _text(claims.get(claim) or "")
    if not subject:
        raise NotAuthorizedException(f"The identity provider did not return the {claim} claim.")
    return subject


def _linked_user(pool: UserPool, provider: IdentityProvider, subject: str, claims: dict[str, Any]) -> User | None:
    match = Q(attribute_name=catalog.SUBJECT_ATTRIBUTE, value=subject)
    if provider.provider_type == catalog.SAML:  # a SAML link may name any attribute of the assertion
        for name, value in claims.items():
            match |= Q(attribute_name=name, value=_text(value))
    row = ProviderLink.objects.select_related("user").filter(match, pool=pool, provider_name=provider.name).order_by("id").first()
    return row.user if row else None


@transaction.atomic
def sign_in(pool: UserPool, provider: IdentityProvider, subject: str, claims: dict[str, Any], *, client_id: str) -> User:
    """The user this external identity signs in as (NotAuthorizedException when disabled)."""
    linked = _linked_user(pool, provider, subject, claims)
    if linked is not None:
        if not linked.enabled:
            raise NotAuthorizedException(_DISABLED)
        return linked
    values = attributes.validate(pool, mapped_values(provider, claims), creating=True)
    username = federated_username(provider, subject)
    user = lookup.find_user(pool, username, lock=True)
    if user is None:
        try:
            return _create(pool, provider, username, subject, values, client_id)
        except UsernameExistsException:  # a concurrent first sign-in created it
            user = lookup.require_user(pool, username, lock=True)
    if not user.enabled:
        raise NotAuthorizedException(_DISABLED)
    attributes.write(user, values)
    return user


def _create(pool: UserPool, provider: IdentityProvider, username: str, subject: str, values: dict[str, str], client_id: str) -> User:
    decision = lifecycle.pre_sign_up(pool, "PreSignUp_ExternalProvider", username, values, client_id=client_id)
    values.update(lifecycle.verified_flags(decision, values))
    attributes.check_required(pool, values)
    # The password is random and never told: this user signs in only through its provider.
    user = insert_user(pool, username, uuid.uuid4(), secrets.token_urlsafe(32), status=User.EXTERNAL_PROVIDER,
                       taken_message="User account already exists")
    values["identities"] = identities.with_identity(None, identities.entry(provider, subject, primary=True))
    attributes.write_new(user, values)
    return user
