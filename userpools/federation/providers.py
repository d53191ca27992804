"""Identity-provider use cases: CreateIdentityProvider and its siblings."""
from __future__ import annotations

from django.db import IntegrityError, transaction

from core import pagination
from core.errors import (
    DuplicateProviderException,
    InvalidParameterException,
    ResourceNotFoundException,
)
from userpools.federation import catalog, saml
from userpools.models import IdentityProvider, IdpIdentifier, ProviderLink, UserPool, UserPoolClient
from userpools.services import attributes
from userpools.services.pools import get_pool


def get_provider(pool_id: str, name: str) -> IdentityProvider:
    """A provider of the pool by name, or ResourceNotFoundException."""
    provider = IdentityProvider.objects.filter(pool_id=pool_id, name=name).first()
    if provider is None:
        get_pool(pool_id)
        raise ResourceNotFoundException(f"Identity provider {name} does not exist.")
    return provider


def get_by_identifier(pool_id: str, identifier: str) -> IdentityProvider:
    """GetIdentityProviderByIdentifier."""
    row = IdpIdentifier.objects.select_related("provider").filter(pool_id=pool_id, identifier=identifier).first()
    if row is None:
        get_pool(pool_id)
        raise ResourceNotFoundException(f"Identity provider for identifier {identifier} does not exist.")
    return row.provider


def _check_mapping(pool: UserPool, mapping: dict[str, str]) -> dict[str, str]:
    known = set(attributes.pool_schema(pool)) | {"username"}
    for name in mapping:
        if name not in known or name in ("sub", "identities"):
            raise InvalidParameterException(f"Attribute mapping for {name} is not valid: it is not an attribute of the user pool.")
    return dict(mapping)


def _set_identifiers(provider: IdentityProvider, identifiers: list[str]) -> None:
    if len(set(identifiers)) != len(identifiers):
        raise InvalidParameterException("IdpIdentifiers must be unique.")
    IdpIdentifier.objects.filter(provider=provider).delete()
    try:
        with transaction.atomic():
            IdpIdentifier.objects.bulk_create(
                [IdpIdentifier(provider=provider, pool_id=provider.pool_id, identifier=identifier) for identifier in identifiers]
            )
    except IntegrityError:
        raise InvalidParameterException("An IdpIdentifier is already used by another identity provider of this user pool.") from None
    provider.idp_identifiers = list(identifiers)


def _apply_details(provider: IdentityProvider, given: dict[str, str]) -> None:
    details = catalog.completed_details(provider.provider_type, given)
    if provider.provider_type == catalog.SAML:
        provider.metadata = saml.metadata_of(details)
    provider.details = details


@transaction.atomic
def create_provider(pool_id: str, params: dict) -> IdentityProvider:
    """CreateIdentityProvider: details checked for the type, defaults filled in, SAML metadata read."""
    pool = get_pool(pool_id)
    name, provider_type = params["ProviderName"], params["ProviderType"]
    catalog.check_name(name, provider_type)
    if IdentityProvider.objects.filter(pool=pool, name=name).exists():
        raise DuplicateProviderException(f"A provider with the name {name} already exists in this user pool.")
    provider = IdentityProvider(pool=pool, name=name, provider_type=provider_type)
    _apply_details(provider, dict(params.get("ProviderDetails") or {}))
    mapping = params.get("AttributeMapping")
    provider.attribute_mapping = _check_mapping(pool, mapping) if mapping is not None else catalog.default_mapping(provider_type)
    try:
        with transaction.atomic():
            provider.save(force_insert=True)
    except IntegrityError:  # a concurrent create of the same name
        raise DuplicateProviderException(f"A provider with the name {name} already exists in this user pool.") from None
    _set_identifiers(provider, list(params.get("IdpIdentifiers") or []))
    provider.save(update_fields=["idp_identifiers"])
    return provider


@transaction.atomic
def update_provider(pool_id: str, params: dict) -> IdentityProvider:
    """UpdateIdentityProvider: given details are merged over the stored ones; a given mapping or
    identifier list replaces the stored one."""
    name = params["ProviderName"]
    provider = IdentityProvider.objects.select_for_update(no_key=True).filter(pool_id=pool_id, name=name).first()
    if provider is None:
        return get_provider(pool_id, name)  # raises
    if params.get("ProviderDetails") is not None:
        given = dict(params["ProviderDetails"])
        if provider.provider_type == catalog.SAML and ("MetadataFile" in given or "MetadataURL" in given):
            stored = {k: v for k, v in provider.details.items() if k not in ("MetadataFile", "MetadataURL")}
        else:
            stored = dict(provider.details)
        _apply_details(provider, {**stored, **given})
    if params.get("AttributeMapping") is not None:
        provider.attribute_mapping = _check_mapping(provider.pool, params["AttributeMapping"])
    if params.get("IdpIdentifiers") is not None:
        _set_identifiers(provider, list(params["IdpIdentifiers"]))
    provider.save()
    return provider


@transaction.atomic
def delete_provider(pool_id: str, name: str) -> None:
    """DeleteIdentityProvider; app clients stop offering it, and its links go (a provider made
    later under the same name must not inherit them)."""
    provider = get_provider(pool_id, name)
    ProviderLink.objects.filter(pool_id=pool_id, provider_name=name).delete()
    for client in UserPoolClient.objects.select_for_update(no_key=True).filter(pool_id=pool_id):
        supported = client.config.get("SupportedIdentityProviders")
        if supported and name in supported:
            client.config["SupportedIdentityProviders"] = [item for item in supported if item != name]
            client.save(update_fields=["config", "modified"])
    provider.delete()


def list_providers(pool_id: str, max_results: int | None, next_token: str | None) -> tuple[list[IdentityProvider], str | None]:
    """Keyset pagination by name (the unique (pool, name) index)."""
    get_pool(pool_id)
    query = IdentityProvider.objects.filter(pool_id=pool_id)
    return pagination.keyset_page(query, "name", max_results or 60, f"identity-providers:{pool_id}", next_token)


def describe_provider(provider: IdentityProvider) -> dict:
    """The IdentityProviderType shape."""
    details = dict(provider.details)
    if provider.provider_type == catalog.SAML and provider.metadata:
        details.update(saml.described_endpoints(provider))
    return {
        "UserPoolId": provider.pool_id,
        "ProviderName": provider.name,
        "ProviderType": provider.provider_type,
        "ProviderDetails": details,
        "AttributeMapping": dict(provider.attribute_mapping),
        "IdpIdentifiers": list(provider.idp_identifiers),
        "LastModifiedDate": provider.modified,
        "CreationDate": provider.created,
    }


def summarize_provider(provider: IdentityProvider) -> dict:
    """The ProviderDescription shape."""
    return {
        "ProviderName": provider.name,
        "ProviderType": provider.provider_type,
        "LastModifiedDate": provider.modified,
        "CreationDate": provider.created,
    }
