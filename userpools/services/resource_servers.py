"""Resource-server use cases: the custom OAuth scopes `<identifier>/<scope>` of a user pool."""
from __future__ import annotations

from django.db import IntegrityError, transaction

from core import pagination
from core.errors import (
    InvalidParameterException,
    LimitExceededException,
    ResourceNotFoundException,
)
from userpools.models import ResourceServer
from userpools.services.pools import get_pool

MAX_RESOURCE_SERVERS_PER_POOL = 25


def get_resource_server(pool_id: str, identifier: str) -> ResourceServer:
    """A resource server of the pool by identifier, or ResourceNotFoundException."""
    server = ResourceServer.objects.filter(pool_id=pool_id, identifier=identifier).first()
    if server is None:
        get_pool(pool_id)  # an unknown pool is reported as such
        raise ResourceNotFoundException(f"Resource server {identifier} does not exist in user pool {pool_id}.")
    return server


def _scopes(given: list[dict] | None) -> list[dict]:
    scopes = [{"ScopeName": s["ScopeName"], "ScopeDescription": s["ScopeDescription"]} for s in given or []]
    names = [scope["ScopeName"] for scope in scopes]
    if len(set(names)) != len(names):
        raise InvalidParameterException("Scope names must be unique within a resource server.")
    return scopes


@transaction.atomic
def create_resource_server(pool_id: str, params: dict) -> ResourceServer:
    """CreateResourceServer."""
    pool = get_pool(pool_id)
    scopes = _scopes(params.get("Scopes"))
    if ResourceServer.objects.filter(pool=pool).count() >= MAX_RESOURCE_SERVERS_PER_POOL:
        raise LimitExceededException(f"A user pool can have at most {MAX_RESOURCE_SERVERS_PER_POOL} resource servers.")
    try:
        with transaction.atomic():
            return ResourceServer.objects.create(pool=pool, identifier=params["Identifier"], name=params["Name"], scopes=scopes)
    except IntegrityError:  # the unique (pool, identifier) constraint, also under concurrent creates
        raise InvalidParameterException(f"{params['Identifier']} already exists in user pool {pool_id}.") from None


@transaction.atomic
def update_resource_server(pool_id: str, params: dict) -> ResourceServer:
    """Replace the name and scopes; as in AWS, scopes left out are removed."""
    identifier = params["Identifier"]
    server = ResourceServer.objects.select_for_update(no_key=True).filter(pool_id=pool_id, identifier=identifier).first()
    if server is None:
        get_pool(pool_id)
        raise ResourceNotFoundException(f"Resource server {identifier} does not exist in user pool {pool_id}.")
    server.name = params["Name"]
    server.scopes = _scopes(params.get("Scopes"))
    server.save()
    return server


@transaction.atomic
def delete_resource_server(pool_id: str, identifier: str) -> None:
    """DeleteResourceServer."""
    get_resource_server(pool_id, identifier).delete()


def list_resource_servers(pool_id: str, max_results: int | None, next_token: str | None) -> tuple[list[ResourceServer], str | None]:
    """Keyset pagination by identifier (the unique (pool, identifier) index)."""
    get_pool(pool_id)
    query = ResourceServer.objects.filter(pool_id=pool_id)
    return pagination.keyset_page(query, "identifier", max_results or 50, f"resource-servers:{pool_id}", next_token)


def describe_resource_server(rs: ResourceServer) -> dict:
    """The ResourceServerType shape."""
    return {
        "UserPoolId": rs.pool_id,
        "Identifier": rs.identifier,
        "Name": rs.name,
        "Scopes": [dict(scope) for scope in rs.scopes],
    }
