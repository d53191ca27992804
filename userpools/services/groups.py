"""User-pool group use cases: create, get, update, delete, list. (Membership lives elsewhere.)"""
from __future__ import annotations

from django.db import IntegrityError, transaction

from core import pagination
from core.errors import GroupExistsException, ResourceNotFoundException
from userpools.models import Group
from userpools.services.pools import get_pool

DEFAULT_LIST_LIMIT = 60


def _missing(pool_id: str) -> ResourceNotFoundException:
    get_pool(pool_id)  # an unknown pool is reported as such
    return ResourceNotFoundException("Group not found.")


def get_group(pool_id: str, name: str) -> Group:
    """A group of the pool by name, or ResourceNotFoundException."""
    group = Group.objects.filter(pool_id=pool_id, name=name).first()
    if group is None:
        raise _missing(pool_id)
    return group


@transaction.atomic
def create_group(pool_id: str, params: dict) -> Group:
    """CreateGroup."""
    pool = get_pool(pool_id)
    name = params["GroupName"]
    try:
        with transaction.atomic():
            return Group.objects.create(
                pool=pool,
                name=name,
                description=params.get("Description") or "",
                role_arn=params.get("RoleArn") or "",
                precedence=params.get("Precedence"),
            )
    except IntegrityError:  # the unique (pool, name) constraint, also under concurrent creates
        raise GroupExistsException(f"A group with the name {name} already exists.") from None


@transaction.atomic
def update_group(pool_id: str, name: str, params: dict) -> Group:
    """Change the members given; the others keep their values."""
    group = Group.objects.select_for_update(no_key=True).filter(pool_id=pool_id, name=name).first()
    if group is None:
        raise _missing(pool_id)
    if "Description" in params:
        group.description = params["Description"] or ""
    if "RoleArn" in params:
        group.role_arn = params["RoleArn"] or ""
    if "Precedence" in params:
        group.precedence = params["Precedence"]
    group.save()
    return group


@transaction.atomic
def delete_group(pool_id: str, name: str) -> None:
    """DeleteGroup."""
    get_group(pool_id, name).delete()


def list_groups(pool_id: str, limit: int | None, next_token: str | None) -> tuple[list[Group], str | None]:
    """Keyset pagination by name (the unique (pool, name) index)."""
    get_pool(pool_id)
    query = Group.objects.filter(pool_id=pool_id)
    return pagination.keyset_page(query, "name", limit or DEFAULT_LIST_LIMIT, f"groups:{pool_id}", next_token)


def describe_group(group: Group) -> dict:
    """The GroupType shape; unset optional members are left out, as Cognito does."""
    description: dict = {
        "GroupName": group.name,
        "UserPoolId": group.pool_id,
        "LastModifiedDate": group.modified,
        "CreationDate": group.created,
    }
    if group.description:
        description["Description"] = group.description
    if group.role_arn:
        description["RoleArn"] = group.role_arn
    if group.precedence is not None:
        description["Precedence"] = group.precedence
    return description
