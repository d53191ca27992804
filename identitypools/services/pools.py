"""Identity pools: their configuration, roles, role mappings, principal-tag maps and tags."""
from __future__ import annotations

from django.conf import settings
from django.db import transaction

from core.errors import InvalidParameterException, LimitExceededException, ResourceNotFoundException
from core.pagination import keyset_page
from identitypools import ids
from identitypools.domain.roles import AUTHENTICATED, RULES, TOKEN, UNAUTHENTICATED
from identitypools.models import IdentityPool

MAX_POOLS = 1000


def get_pool(pool_id: str, *, lock: bool = False) -> IdentityPool:
    query = IdentityPool.objects.select_for_update() if lock else IdentityPool.objects
    pool = query.filter(pk=pool_id).first()
    if pool is None:
        raise ResourceNotFoundException(f"IdentityPool '{pool_id}' not found.")
    return pool


def _oidc_arns(arns: list[str]) -> list[str]:
    from iam.models import OpenIDConnectProvider

    prefix = f"arn:aws:iam::{settings.ACCOUNT_ID}:oidc-provider/"
    for arn in arns:
        if not arn.startswith(prefix) or not OpenIDConnectProvider.objects.filter(url=arn[len(prefix):]).exists():
            raise InvalidParameterException(f"Invalid OpenIdConnectProviderARN: {arn}")
    return list(arns)


def _configure(pool: IdentityPool, params: dict) -> None:
    if params.get("SamlProviderARNs"):
        raise InvalidParameterException("SAML identity providers are not available on this service yet.")
    developer = params.get("DeveloperProviderName") or ""
    if pool.developer_provider_name and developer != pool.developer_provider_name:
        # AWS: once set, the developer provider name cannot be changed.
        raise InvalidParameterException("Developer provider name cannot be modified once it is set.")
    pool.name = params["IdentityPoolName"]
    pool.allow_unauthenticated = bool(params["AllowUnauthenticatedIdentities"])
    pool.allow_classic_flow = bool(params.get("AllowClassicFlow", False))
    pool.developer_provider_name = developer
    pool.supported_login_providers = dict(params.get("SupportedLoginProviders") or {})
    pool.cognito_identity_providers = [dict(p) for p in params.get("CognitoIdentityProviders") or []]
    pool.openid_connect_provider_arns = _oidc_arns(params.get("OpenIdConnectProviderARNs") or [])
    pool.saml_provider_arns = []
    if "IdentityPoolTags" in params:
        pool.tags = dict(params["IdentityPoolTags"] or {})


@transaction.atomic
def create_pool(params: dict) -> IdentityPool:
    if IdentityPool.objects.count() >= MAX_POOLS:
        raise LimitExceededException("Identity pool limit exceeded for this account.")
    pool = IdentityPool(pool_id=ids.new_id())
    _configure(pool, params)
    pool.save()
    return pool


@transaction.atomic
def update_pool(params: dict) -> IdentityPool:
    pool = get_pool(params["IdentityPoolId"], lock=True)
    _configure(pool, params)
    pool.save()
    return pool


def delete_pool(pool_id: str) -> None:
    get_pool(pool_id).delete()


def list_pools(limit: int, next_token: str | None) -> tuple[list[IdentityPool], str | None]:
    return keyset_page(IdentityPool.objects.all(), "pool_id", limit, "identity-pools", next_token)


def resource_arn(params: dict) -> str:
    """The identity pool ARN a call acts on (its IAM resource), "*" when it names none."""
    from identitypools.models import Identity

    if isinstance(params.get("ResourceArn"), str):
        return params["ResourceArn"]
    if isinstance(params.get("IdentityPoolId"), str):
        return ids.pool_arn(params["IdentityPoolId"])
    identity_id = params.get("IdentityId")
    if isinstance(identity_id, str):
        pool_id = Identity.objects.filter(pk=identity_id).values_list("pool_id", flat=True).first()
        if pool_id:
            return ids.pool_arn(pool_id)
    return "*"


def _check_mapping(provider: str, mapping: dict) -> dict:
    kind = mapping.get("Type")
    if kind not in (TOKEN, RULES):
        raise InvalidParameterException(f"Invalid role mapping type for provider {provider}.")
    if not mapping.get("AmbiguousRoleResolution"):
        raise InvalidParameterException("AmbiguousRoleResolution must be specified for Token or Rules type role mappings.")
    if kind == RULES and not (mapping.get("RulesConfiguration") or {}).get("Rules"):
        raise InvalidParameterException("RulesConfiguration must be specified for Rules type role mappings.")
    return dict(mapping)


@transaction.atomic
def set_roles(pool_id: str, roles: dict, role_mappings: dict | None) -> IdentityPool:
    """SetIdentityPoolRoles: the default roles and the per-provider role mappings (replaced)."""
    pool = get_pool(pool_id, lock=True)
    unknown = set(roles) - {AUTHENTICATED, UNAUTHENTICATED}
    if unknown:
        raise InvalidParameterException(f"Invalid role key(s): {', '.join(sorted(unknown))}. Use authenticated or unauthenticated.")
    for arn in roles.values():
        if not arn.startswith("arn:aws:iam::") or ":role/" not in arn:
            raise InvalidParameterException(f"Invalid role ARN: {arn}")
    pool.roles = dict(roles)
    pool.role_mappings = {provider: _check_mapping(provider, m) for provider, m in (role_mappings or {}).items()}
    pool.save(update_fields=["roles", "role_mappings", "modified"])
    return pool


@transaction.atomic
def set_tag_map(pool_id: str, provider: str, use_defaults: bool | None, tags: dict | None) -> dict:
    """SetPrincipalTagAttributeMap: which token claims become which session tags for a provider."""
    pool = get_pool(pool_id, lock=True)
    entry = {"UseDefaults": True if use_defaults is None else bool(use_defaults), "PrincipalTags": dict(tags or {})}
    pool.principal_tag_maps = {**pool.principal_tag_maps, provider: entry}
    pool.save(update_fields=["principal_tag_maps", "modified"])
    return entry


def tag_map(pool: IdentityPool, provider: str) -> dict:
    return pool.principal_tag_maps.get(provider) or {"UseDefaults": False, "PrincipalTags": {}}


def _pool_for_arn(arn: str, *, lock: bool = False) -> IdentityPool:
    pool_id = ids.pool_id_from_arn(arn)
    if pool_id is None:
        raise ResourceNotFoundException(f"Resource {arn} not found.")
    return get_pool(pool_id, lock=lock)


def list_tags(arn: str) -> dict[str, str]:
    return dict(_pool_for_arn(arn).tags)


@transaction.atomic
def tag(arn: str, tags: dict[str, str]) -> None:
    pool = _pool_for_arn(arn, lock=True)
    merged = {**pool.tags, **tags}
    if len(merged) > 50:
        raise LimitExceededException("Tag limit exceeded: an identity pool can have at most 50 tags.")
    pool.tags = merged
    pool.save(update_fields=["tags", "modified"])


@transaction.atomic
def untag(arn: str, keys: list[str]) -> None:
    pool = _pool_for_arn(arn, lock=True)
    pool.tags = {k: v for k, v in pool.tags.items() if k not in set(keys)}
    pool.save(update_fields=["tags", "modified"])
