"""Group membership: add/remove a user, list a user's groups, list a group's users.

Lists are keyset pages over the membership indexes: (user, group) for a user's groups and
the unique (group, user) for a group's users.
"""
from __future__ import annotations

from django.db import IntegrityError, transaction

from core import pagination
from userpools.models import Group, GroupMembership, User
from userpools.services import groups, lookup
from userpools.services.listing import DEFAULT_LIMIT
from userpools.services.pools import get_pool


def _user_and_group(pool_id: str, username: str, group_name: str) -> tuple[User, Group]:
    pool = get_pool(pool_id)
    group = groups.get_group(pool_id, group_name)  # ResourceNotFoundException first, as Cognito does
    return lookup.require_user(pool, username), group


@transaction.atomic
def add_user_to_group(pool_id: str, username: str, group_name: str) -> None:
    """AdminAddUserToGroup; adding a member again changes nothing."""
    user, group = _user_and_group(pool_id, username, group_name)
    try:
        with transaction.atomic():  # a concurrent add of the same pair is not an error
            GroupMembership.objects.get_or_create(group=group, user=user)
    except IntegrityError:
        pass


@transaction.atomic
def remove_user_from_group(pool_id: str, username: str, group_name: str) -> None:
    """AdminRemoveUserFromGroup."""
    user, group = _user_and_group(pool_id, username, group_name)
    GroupMembership.objects.filter(group=group, user=user).delete()


def list_groups_for_user(pool_id: str, username: str, limit: int | None, next_token: str | None) -> tuple[list[Group], str | None]:
    """AdminListGroupsForUser: the user's groups in membership order."""
    user = lookup.require_user(get_pool(pool_id), username)
    memberships = GroupMembership.objects.filter(user=user).select_related("group")
    page, token = pagination.keyset_page(memberships, "group_id", limit or DEFAULT_LIMIT, f"groups-for-user:{user.pk}", next_token)
    return [membership.group for membership in page], token


def list_users_in_group(pool_id: str, group_name: str, limit: int | None, next_token: str | None) -> tuple[list[User], str | None]:
    """ListUsersInGroup: the group's members, attributes prefetched for shaping."""
    group = groups.get_group(pool_id, group_name)
    memberships = GroupMembership.objects.filter(group=group).select_related("user").prefetch_related("user__attributes")
    page, token = pagination.keyset_page(memberships, "user_id", limit or DEFAULT_LIMIT, f"users-in-group:{group.pk}", next_token)
    return [membership.user for membership in page], token
