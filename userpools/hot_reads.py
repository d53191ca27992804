"""Hand-written SQL for the reads of the hottest calls: a user by token or by name (GetUser,
AdminGetUser, sign-in), a refresh token's row, a user's attributes and groups.

Built through the ORM, each of these statements cost 0.3-0.8 ms of CPU per call, more than the
database took to answer it: GetUser spent a third of its CPU there. Here each is made once per
database from the models' metadata (so it follows their columns); RawQuerySet still applies every
field's converters, and the attributes land where a prefetch would put them.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import cache
from typing import Any

from django.db import connections, models, router

from userpools.domain.claims import GroupInfo
from userpools.models import Group, GroupMembership, RefreshToken, User, UserAttribute


def _quoted(alias: str) -> Callable[[str], str]:
    return connections[alias].ops.quote_name


def _columns(alias: str, model: type[models.Model]) -> str:
    quote, table = _quoted(alias), _quoted(alias)(model._meta.db_table)
    return ", ".join(f"{table}.{quote(field.column)}" for field in model._meta.concrete_fields)


@cache
def _user_sql(alias: str, by: str, with_refresh_state: bool) -> str:
    quote = _quoted(alias)
    users, tokens = quote(User._meta.db_table), quote(RefreshToken._meta.db_table)
    where = {
        "sub": f"WHERE {users}.{quote('pool_id')} = %s AND {users}.{quote('sub')} = %s",
        "name": f"WHERE {users}.{quote('pool_id')} = %s AND {users}.{quote('username_key')} = %s",
        "id": f"WHERE {users}.{quote('id')} = %s",
    }[by]
    if not with_refresh_state:
        return f"SELECT {_columns(alias, User)} FROM {users} {where}"
    # origin_jti is unique: the join finds the sign-in's one refresh token row, if any.
    return (f"SELECT {_columns(alias, User)}, {tokens}.{quote('id')} IS NOT NULL AS refresh_found, "
            f"{tokens}.{quote('revoked_at')} AS refresh_revoked_at "
            f"FROM {users} LEFT JOIN {tokens} ON {tokens}.{quote('origin_jti')} = %s {where}")


@cache
def _attributes_sql(alias: str) -> str:
    quote = _quoted(alias)
    table = quote(UserAttribute._meta.db_table)
    return f"SELECT {_columns(alias, UserAttribute)} FROM {table} WHERE {table}.{quote('user_id')} = %s ORDER BY {table}.{quote('id')}"


@cache
def _refresh_token_sql(alias: str) -> str:
    quote = _quoted(alias)
    table = quote(RefreshToken._meta.db_table)
    return f"SELECT {_columns(alias, RefreshToken)} FROM {table} WHERE {table}.{quote('token_hash')} = %s"


@cache
def _groups_sql(alias: str) -> str:
    quote = _quoted(alias)
    groups, memberships = quote(Group._meta.db_table), quote(GroupMembership._meta.db_table)
    return (f"SELECT {groups}.{quote('name')}, {groups}.{quote('role_arn')}, {groups}.{quote('precedence')} "
            f"FROM {groups} JOIN {memberships} ON {memberships}.{quote('group_id')} = {groups}.{quote('id')} "
            f"WHERE {memberships}.{quote('user_id')} = %s")


def _first(query: Any) -> Any:
    return next(iter(query), None)


def _with_attributes(user: User | None, alias: str) -> User | None:
    """`user` with its attributes read where `prefetch_related("attributes")` puts them, so
    `attribute_values()` reads no more (and the writers in services.attributes drop them)."""
    if user is not None:
        rows = list(UserAttribute.objects.using(alias).raw(_attributes_sql(alias), [user.pk]))
        prefetched = user.attributes.get_queryset()
        prefetched._result_cache, prefetched._prefetch_done = rows, True  # what Django's prefetch does
        user._prefetched_objects_cache = {"attributes": prefetched}
    return user


def user_by_sub(pool_id: str, sub: uuid.UUID, origin_jti: str | None) -> User | None:
    """The pool's user with this sub, attributes read. With `origin_jti`, it also carries the state
    of that sign-in's refresh token: `refresh_found`, and `refresh_revoked_at` (None unless revoked)."""
    alias = router.db_for_read(User)
    sub_value = User._meta.get_field("sub").get_db_prep_value(sub, connections[alias])
    params = [pool_id, sub_value] if origin_jti is None else [origin_jti, pool_id, sub_value]
    user = _first(User.objects.using(alias).raw(_user_sql(alias, "sub", origin_jti is not None), params))
    return _with_attributes(user, alias)


def user_by_name(pool_id: str, username_key: str, *, with_attributes: bool) -> User | None:
    """The pool's user with this username key (lookup.username_key), attributes read if asked."""
    alias = router.db_for_read(User)
    user = _first(User.objects.using(alias).raw(_user_sql(alias, "name", False), [pool_id, username_key]))
    return _with_attributes(user, alias) if with_attributes else user


def refresh_token(token_hash: str) -> RefreshToken | None:
    """The refresh token row with this hash, its user (attributes read) in place of select_related."""
    alias = router.db_for_read(RefreshToken)
    row = _first(RefreshToken.objects.using(alias).raw(_refresh_token_sql(alias), [token_hash]))
    if row is not None:
        user = _with_attributes(_first(User.objects.using(alias).raw(_user_sql(alias, "id", False), [row.user_id])), alias)
        if user is None:  # deleted meanwhile
            return None
        row.user = user
    return row


def groups_of(user: User) -> list[GroupInfo]:
    """The user's groups as token claims need them (unordered)."""
    alias = router.db_for_read(Group)
    with connections[alias].cursor() as cursor:
        cursor.execute(_groups_sql(alias), [user.pk])
        return [GroupInfo(name, role_arn, precedence) for name, role_arn, precedence in cursor.fetchall()]
