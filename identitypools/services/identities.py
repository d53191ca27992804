"""Identities: ids stable per login, linking and unlinking logins, developer identities.

One provider user belongs to one identity of a pool (a unique constraint on the login). Two
concurrent first GetId calls for the same login race to insert it; the loser's insert fails inside
a savepoint and it returns the winner's identity.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db import IntegrityError, transaction

from core.errors import InvalidParameterException, NotAuthorizedException, ResourceNotFoundException
from core.pagination import keyset_page
from identitypools import ids
from identitypools.errors import ResourceConflictException
from identitypools.models import Identity, IdentityPool, Login
from identitypools.services import logins as logins_service
from identitypools.services.logins import VerifiedLogin
from identitypools.services.pools import get_pool

_CONFLICT = "The login is already linked to another identity."
_MISMATCH = "Logins don't match. Please include at least one valid login for this identity or identity pool."
_GUESTS_OFF = "Unauthenticated access is not supported for this identity pool."


def get_identity(identity_id: str) -> Identity:
    identity = Identity.objects.select_related("pool").filter(pk=identity_id).first()
    if identity is None:
        raise ResourceNotFoundException(f"Identity '{identity_id}' not found.")
    return identity


def _owners(pool: IdentityPool, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for provider, subject in pairs:
        row = Login.objects.filter(pool=pool, provider=provider, subject=subject).values_list("identity_id", flat=True).first()
        if row is not None:
            found[(provider, subject)] = row
    return found


def _pairs(verified: list[VerifiedLogin]) -> list[tuple[str, str]]:
    # A token we issued names its identity instead of a provider user.
    return [(v.provider, v.subject) for v in verified if v.identity_id is None]


def link(identity: Identity, pairs: Iterable[tuple[str, str]], owners: dict[tuple[str, str], str] | None = None) -> None:
    """Link provider users to the identity; ResourceConflictException if one is another's.
    `owners`: what `_owners` just found (a pair linked to this identity needs no second look)."""
    added = False
    for provider, subject in pairs:
        if owners is not None and owners.get((provider, subject)) == identity.pk:
            continue
        owner = Login.objects.filter(pool=identity.pool, provider=provider, subject=subject).values_list("identity_id", flat=True).first()
        if owner is None:
            try:
                with transaction.atomic():
                    Login.objects.create(pool=identity.pool, identity=identity, provider=provider, subject=subject)
                    added = True
                    continue
            except IntegrityError:  # linked concurrently: the owner decides
                owner = Login.objects.filter(pool=identity.pool, provider=provider, subject=subject).values_list("identity_id", flat=True).first()
        if owner != identity.pk:
            raise ResourceConflictException(_CONFLICT)
    if added:
        identity.save(update_fields=["modified"])


def _new_identity(pool: IdentityPool, pairs: list[tuple[str, str]]) -> Identity | None:
    """A new identity holding the logins, or None when another request linked one first."""
    try:
        with transaction.atomic():
            identity = Identity.objects.create(identity_id=ids.new_id(), pool=pool)
            for provider, subject in pairs:
                Login.objects.create(pool=pool, identity=identity, provider=provider, subject=subject)
            return identity
    except IntegrityError:
        return None


def identity_for_logins(pool: IdentityPool, verified: list[VerifiedLogin]) -> Identity:
    """The identity these logins belong to, created (or completed with new links) as needed."""
    named = {v.identity_id for v in verified if v.identity_id is not None}
    if len(named) > 1:
        raise ResourceConflictException(_CONFLICT)
    pairs = _pairs(verified)
    for _attempt in range(3):
        found = _owners(pool, pairs)
        owners = set(found.values()) | named
        if len(owners) > 1:
            raise ResourceConflictException(_CONFLICT)
        if owners:
            identity = Identity.objects.filter(pk=owners.pop(), pool=pool).first()
            if identity is None:
                raise ResourceNotFoundException("Identity not found.")
            identity.pool = pool  # read already
            link(identity, pairs, found)
            return identity
        created = _new_identity(pool, pairs)
        if created is not None:
            return created
    raise ResourceConflictException(_CONFLICT)  # pragma: no cover - three lost races in a row


def get_id(pool_id: str, logins: dict[str, str]) -> Identity:
    """GetId: the identity of these logins (new or existing), or a new guest identity."""
    pool = get_pool(pool_id)
    if not logins:
        if not pool.allow_unauthenticated:
            raise NotAuthorizedException(_GUESTS_OFF)
        return Identity.objects.create(identity_id=ids.new_id(), pool=pool)
    return identity_for_logins(pool, logins_service.verify_logins(pool, logins))


def checked_identity(identity_id: str, logins: dict[str, str]) -> tuple[Identity, list[VerifiedLogin]]:
    """The identity a credentials or token call names, with its logins verified and linked.

    Without logins it must be a guest of a pool that allows guests; with logins, each belongs to
    this identity or is linked to it now (ResourceConflictException if it is another's)."""
    identity = get_identity(identity_id)
    pool = identity.pool
    if not logins:
        if identity.logins.exists():
            raise NotAuthorizedException(_MISMATCH)
        if not pool.allow_unauthenticated:
            raise NotAuthorizedException(_GUESTS_OFF)
        return identity, []
    verified = logins_service.verify_logins(pool, logins)
    if any(v.identity_id not in (None, identity.pk) for v in verified):
        raise NotAuthorizedException(_MISMATCH)
    link(identity, _pairs(verified))
    return identity, verified


def describe(identity_id: str) -> Identity:
    return get_identity(identity_id)


def login_names(identity: Identity) -> list[str]:
    """The provider names of an identity's logins (DescribeIdentity, ListIdentities)."""
    names: list[str] = []
    for provider in (login.provider for login in identity.logins.all()):  # uses a prefetch when there is one
        pool_id = logins_service.user_pool_id(provider)
        name = f"cognito-idp.{settings.REGION}.amazonaws.com/{pool_id}" if pool_id else provider
        if name not in names:
            names.append(name)
    return names


def identity_of(session_context: Mapping[str, str | list[str]]) -> dict | None:
    """Who a role session from GetCredentialsForIdentity speaks for, from the
    `cognito-identity.amazonaws.com:*` keys the session carries (`iam.services.Session.context`):
    {"IdentityId", "IdentityPoolId", "Amr", "Logins"}; None for other sessions or a deleted identity.
    For app backends (the resource-server authorizer) that need more than the policy decision."""
    prefix = ids.COGNITO_IDENTITY
    identity_id = session_context.get(f"{prefix}:sub")
    if not isinstance(identity_id, str):
        return None
    identity = Identity.objects.filter(pk=identity_id).first()
    if identity is None:
        return None
    amr = session_context.get(f"{prefix}:amr")
    return {
        "IdentityId": identity.identity_id,
        "IdentityPoolId": identity.pool_id,
        "Amr": list(amr) if isinstance(amr, list) else [],
        "Logins": login_names(identity),
    }


def list_identities(pool_id: str, limit: int, next_token: str | None) -> tuple[list[Identity], str | None]:
    """One page of a pool's identities (with their logins), in id order."""
    pool = get_pool(pool_id)
    return keyset_page(Identity.objects.filter(pool=pool).prefetch_related("logins"), "identity_id", limit, "identities", next_token)


def delete_identities(identity_ids: list[str]) -> None:
    Identity.objects.filter(pk__in=identity_ids).delete()


def _provider_key(identity: Identity, key: str) -> str:
    pool_id = logins_service.user_pool_id(key)
    return logins_service.user_pool_provider(pool_id) if pool_id else key


@transaction.atomic
def unlink(identity_id: str, logins: dict[str, str], to_remove: list[str]) -> None:
    """UnlinkIdentity: the caller proves the identity with its logins, then drops providers."""
    identity, verified = checked_identity(identity_id, logins)
    if not verified:
        raise NotAuthorizedException(_MISMATCH)
    providers = {_provider_key(identity, key) for key in to_remove}
    Login.objects.filter(identity=identity, provider__in=providers).delete()
    identity.save(update_fields=["modified"])


# Developer-authenticated identities -------------------------------------------------------------
def _developer_pool(pool_id: str, provider: str | None = None) -> IdentityPool:
    pool = get_pool(pool_id)
    if not pool.developer_provider_name:
        raise InvalidParameterException("This identity pool has no developer provider.")
    if provider is not None and provider != pool.developer_provider_name:
        raise NotAuthorizedException("The developer provider name doesn't match the identity pool's.")
    return pool


def developer_identity(pool_id: str, identity_id: str | None, logins: dict[str, str]) -> tuple[Identity, list[VerifiedLogin]]:
    """GetOpenIdTokenForDeveloperIdentity: the developer's user (and any other logins) linked to
    one identity: the given one, the one the user already has, or a new one."""
    pool = _developer_pool(pool_id)
    developer = pool.developer_provider_name
    others = {k: v for k, v in logins.items() if k != developer}
    verified = logins_service.verify_logins(pool, others)
    user = logins.get(developer)
    developer_login = [VerifiedLogin(developer, developer, user, {}, (developer,), (developer, f"{developer}:{pool_id}:{user}"))] if user else []
    if not developer_login and not verified:
        raise InvalidParameterException(f"Logins must contain the developer provider {developer}.")
    if identity_id:
        identity = get_identity(identity_id)
        if identity.pool_id != pool.pk:
            raise ResourceNotFoundException(f"Identity '{identity_id}' not found.")
        link(identity, _pairs(developer_login + verified))
        return identity, developer_login + verified
    return identity_for_logins(pool, developer_login + verified), developer_login + verified


def lookup_developer(pool_id: str, identity_id: str | None, user: str | None) -> tuple[Identity, list[str]]:
    """LookupDeveloperIdentity: an identity and its developer user identifiers."""
    pool = _developer_pool(pool_id)
    if not identity_id and not user:
        raise InvalidParameterException("Either IdentityId or DeveloperUserIdentifier must be specified.")
    if user:
        login = Login.objects.select_related("identity").filter(pool=pool, provider=pool.developer_provider_name, subject=user).first()
        if login is None or (identity_id and login.identity_id != identity_id):
            raise ResourceNotFoundException("Developer user identifier not found.")
        identity = login.identity
    else:
        identity = get_identity(identity_id or "")
        if identity.pool_id != pool.pk:
            raise ResourceNotFoundException(f"Identity '{identity_id}' not found.")
    users = list(identity.logins.filter(provider=pool.developer_provider_name).order_by("subject").values_list("subject", flat=True))
    return identity, users


@transaction.atomic
def merge_developer(pool_id: str, provider: str, source: str, destination: str) -> Identity:
    """MergeDeveloperIdentities: the source user's identity (all its logins) joins the destination's."""
    pool = _developer_pool(pool_id, provider)
    rows = {row.subject: row for row in Login.objects.select_for_update().filter(pool=pool, provider=provider, subject__in=[source, destination])}
    if source not in rows or destination not in rows:
        raise ResourceNotFoundException("Developer user identifier not found.")
    target, merged = rows[destination].identity, rows[source].identity_id
    if merged != target.pk:
        Login.objects.filter(identity_id=merged).update(identity=target)
        Identity.objects.filter(pk=merged).delete()
        target.save(update_fields=["modified"])
    return target


@transaction.atomic
def unlink_developer(identity_id: str, pool_id: str, provider: str, user: str) -> None:
    pool = _developer_pool(pool_id, provider)
    deleted, _ = Login.objects.filter(pool=pool, identity_id=identity_id, provider=provider, subject=user).delete()
    if not deleted:
        raise ResourceNotFoundException("Developer user identifier not found.")

