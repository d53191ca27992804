"""AdminLinkProviderForUser and AdminDisableProviderForUser: external identities that sign in as
a native user, and their removal."""
from __future__ import annotations

from django.db import IntegrityError, transaction

from core.errors import AliasExistsException, InvalidParameterException, LimitExceededException, UserNotFoundException
from userpools.federation import catalog, identities
from userpools.federation.providers import get_provider
from userpools.models import IdentityProvider, ProviderLink, User
from userpools.services import attributes, lookup, tokens
from userpools.services.pools import get_pool

MAX_LINKS_PER_USER = 5


def federated_username(provider: IdentityProvider, subject: str) -> str:
    """The username of a user an external identity created: `<ProviderName>_<subject>`."""
    return f"{provider.name}_{subject}"


def _source_provider(pool_id: str, name: str) -> IdentityProvider:
    if name.upper() == "COGNITO":
        raise InvalidParameterException("The source user's ProviderName must be an external identity provider, not Cognito.")
    return get_provider(pool_id, name)


@transaction.atomic
def link(pool_id: str, destination: dict, source: dict) -> None:
    """Link the source (external) identity to the destination (native) user."""
    pool = get_pool(pool_id)
    if destination.get("ProviderName") != "Cognito":
        raise InvalidParameterException("The destination user's ProviderName must be Cognito.")
    provider = _source_provider(pool_id, source.get("ProviderName") or "")
    attribute, value = source.get("ProviderAttributeName") or "", source.get("ProviderAttributeValue") or ""
    if not attribute or not value:
        raise InvalidParameterException("The source user needs a ProviderAttributeName and a ProviderAttributeValue.")
    if provider.provider_type != catalog.SAML and attribute != catalog.SUBJECT_ATTRIBUTE:
        raise InvalidParameterException(f"ProviderAttributeName must be {catalog.SUBJECT_ATTRIBUTE} for {provider.provider_type} providers.")
    user = lookup.require_user(pool, destination.get("ProviderAttributeValue") or "", lock=True)
    if user.status == User.EXTERNAL_PROVIDER:
        raise InvalidParameterException("The destination user must be a native user of the pool, not an external one.")
    if attribute == catalog.SUBJECT_ATTRIBUTE and lookup.find_user(pool, federated_username(provider, value)) is not None:
        raise InvalidParameterException("Merging is not currently supported, provide a SourceUser that has not been signed up in the pool.")
    if ProviderLink.objects.filter(user=user).count() >= MAX_LINKS_PER_USER:
        raise LimitExceededException(f"A user can be linked to at most {MAX_LINKS_PER_USER} external identities.")
    try:
        with transaction.atomic():
            ProviderLink.objects.create(pool=pool, user=user, provider_name=provider.name, attribute_name=attribute, value=value)
    except IntegrityError:
        raise AliasExistsException("The source user is already linked to a user of this pool.") from None
    current = user.attribute_values().get("identities")
    attributes.write(user, {"identities": identities.with_identity(current, identities.entry(provider, value, primary=False))})


@transaction.atomic
def disable(pool_id: str, target: dict) -> None:
    """Remove the external identity's links, and disable the user it created, if any."""
    pool = get_pool(pool_id)
    provider = _source_provider(pool_id, target.get("ProviderName") or "")
    attribute, value = target.get("ProviderAttributeName") or "", target.get("ProviderAttributeValue") or ""
    found = False
    for row in ProviderLink.objects.select_related("user").filter(pool=pool, provider_name=provider.name, attribute_name=attribute, value=value):
        current = row.user.attribute_values().get("identities")
        attributes.write(row.user, {"identities": identities.without_identity(current, provider.name, value)})
        row.delete()
        found = True
    if attribute == catalog.SUBJECT_ATTRIBUTE:
        user = lookup.find_user(pool, federated_username(provider, value), lock=True)
        if user is not None and user.status == User.EXTERNAL_PROVIDER:
            user.enabled = False
            user.save(update_fields=["enabled", "modified"])
            tokens.end_sessions(user)
            found = True
    if not found:
        raise UserNotFoundException("User does not exist.")
