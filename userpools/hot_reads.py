"""Hand-written SQL for the reads of the hottest calls: a user by token or by name (GetUser,
AdminGetUser, sign-in) with its attributes, a page of users (unfiltered ListUsers) with theirs,
the attributes of a page of users, a refresh token's row, a user's groups.

Each statement is made once per database from the models' metadata (core.prepared), so it follows
their columns. A user comes with its attributes in the same statement, aggregated as JSON (one
round trip instead of two), kept on the user (`User.remember_attributes`) rather than as model
instances: making those, and Django's prefetch, cost more than the read.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from operator import itemgetter

from django.db import connections, router

from core.prepared import columns, statement_cursor
from userpools.domain.claims import GroupInfo
from userpools.models import Group, GroupMembership, RefreshToken, User, UserAttribute, UserPoolDomain, attributes_in_order

_ATTRIBUTE_FIELDS = ("id", "name", "value")
_GROUP_FIELDS = ("name", "role_arn", "precedence")
# A JSON array of one array of the given fields per row, by database vendor (NULL or [] for none).
_AGGREGATES = {
    "postgresql": "json_agg(json_build_array({fields}))",
    "sqlite": "json_group_array(json_array({fields}))",
}


def _aggregate(alias: str, fields: list[str]) -> str:
    return _AGGREGATES[connections[alias].vendor].format(fields=", ".join(fields))


def _attributes_of_user(alias: str) -> str:
    """A subquery: the JSON array of [id, name, value] of the outer user row's attributes."""
    users, attributes = columns(User, alias), columns(UserAttribute, alias)
    aggregate = _aggregate(alias, [attributes.column(name) for name in _ATTRIBUTE_FIELDS])
    return f"(SELECT {aggregate} FROM {attributes.table} WHERE {attributes.column('user')} = {users.column('id')})"


def _groups_of_user(alias: str) -> str:
    """A subquery: the JSON array of [name, role_arn, precedence] of the outer user row's groups."""
    users, groups, memberships = columns(User, alias), columns(Group, alias), columns(GroupMembership, alias)
    aggregate = _aggregate(alias, [groups.column(name) for name in _GROUP_FIELDS])
    return (f"(SELECT {aggregate} FROM {groups.table} JOIN {memberships.table} ON {memberships.column('group')} = {groups.column('id')} "
            f"WHERE {memberships.column('user')} = {users.column('id')})")


@cache
def _user_sql(alias: str, by: str, with_refresh_state: bool, with_attributes: bool) -> str:
    users, tokens = columns(User, alias), columns(RefreshToken, alias)
    where = {
        "sub": f"WHERE {users.column('pool')} = %s AND {users.column('sub')} = %s",
        "name": f"WHERE {users.column('pool')} = %s AND {users.column('username_key')} = %s",
    }[by]
    select, joined = [users.select_list], ""
    if with_refresh_state:  # origin_jti is unique: the join finds the sign-in's one refresh token row, if any
        select.append(f"{tokens.column('id')} IS NOT NULL, {tokens.column('revoked_at')} IS NOT NULL")
        joined = f" LEFT JOIN {tokens.table} ON {tokens.column('origin_jti')} = %s"
    if with_attributes:
        select.append(_attributes_of_user(alias))
    return f"SELECT {', '.join(select)} FROM {users.table}{joined} {where}"


@cache
def _locked_user_sql(alias: str, by: str) -> str:
    """The user's row locked, with its groups; by name (a sign-in's only read of it) its attributes too."""
    users, connection = columns(User, alias), connections[alias]
    # NO KEY: it still serialises writers, but lets others insert rows that reference the user.
    lock = connection.ops.for_update_sql(no_key=True) if connection.features.has_select_for_update else ""
    select, where = [users.select_list, _groups_of_user(alias)], f"WHERE {users.column('id')} = %s"
    if by == "name":
        select.append(_attributes_of_user(alias))
        where = f"WHERE {users.column('pool')} = %s AND {users.column('username_key')} = %s"
    return f"SELECT {', '.join(select)} FROM {users.table} {where} {lock}"


@cache
def _refresh_token_sql(alias: str) -> str:
    """The refresh token row, its user, the user's attributes and groups: what a refresh needs."""
    tokens, users = columns(RefreshToken, alias), columns(User, alias)
    return (f"SELECT {users.select_list}, {_attributes_of_user(alias)}, {_groups_of_user(alias)}, {tokens.select_list} "
            f"FROM {tokens.table} JOIN {users.table} ON {users.column('id')} = {tokens.column('user')} "
            f"WHERE {tokens.column('token_hash')} = %s")


@cache
def _attributes_of_users_sql(alias: str, count: int) -> str:
    """The attribute rows of `count` users (a page: at most 60 texts are made)."""
    attributes = columns(UserAttribute, alias)
    return (f"SELECT {attributes.column('user')}, {', '.join(attributes.column(name) for name in _ATTRIBUTE_FIELDS)} "
            f"FROM {attributes.table} WHERE {attributes.column('user')} IN ({', '.join(['%s'] * count)})")


@cache
def _page_sql(alias: str, after: bool) -> str:
    """A page of a pool's users in id order, ListedUser's fields and their attributes (ListUsers unfiltered)."""
    users = columns(User, alias, _LISTED_FIELDS)
    where = f"WHERE {users.column('pool')} = %s" + (f" AND {users.column('id')} > %s" if after else "")
    return (f"SELECT {users.select_list}, {_attributes_of_user(alias)} FROM {users.table} {where} "
            f"ORDER BY {users.column('id')} LIMIT %s")


@cache
def _groups_sql(alias: str) -> str:
    groups, memberships = columns(Group, alias), columns(GroupMembership, alias)
    return (f"SELECT {groups.column('name')}, {groups.column('role_arn')}, {groups.column('precedence')} "
            f"FROM {groups.table} JOIN {memberships.table} ON {memberships.column('group')} = {groups.column('id')} "
            f"WHERE {memberships.column('user')} = %s")


@cache
def _pool_extras_sql(alias: str) -> str:
    """The pool's users counted up to a cap (a bounded index scan), and its domain with its config."""
    users, domains = columns(User, alias), columns(UserPoolDomain, alias)
    capped = f"SELECT 1 FROM {users.table} WHERE {users.column('pool')} = %s LIMIT %s"
    return (f"SELECT (SELECT count(*) FROM ({capped}) AS capped), {domains.column('domain')}, {domains.column('config')} "
            f"FROM (SELECT 1) AS one LEFT JOIN {domains.table} ON {domains.column('pool')} = %s")


def pool_extras(pool_id: str, count_up_to: int) -> tuple[int, str | None, dict]:
    """What DescribeUserPool adds to the cached pool, in one statement: how many users it has (at
    most `count_up_to`), and its domain (None) with the domain's config."""
    alias = router.db_for_read(User)
    row = _one_row(alias, _pool_extras_sql(alias), [pool_id, count_up_to, pool_id])
    assert row is not None  # one row always: the domain is LEFT JOINed
    counted, domain, config = row
    return counted, domain, (json.loads(config) if isinstance(config, str) else config or {})


def _one_row(alias: str, sql: str, params: list) -> tuple | None:
    with statement_cursor(alias) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _json_rows(aggregated: str | list | None) -> list:
    """The rows of a JSON aggregate (SQLite gives its text, psycopg parses json)."""
    return json.loads(aggregated) if isinstance(aggregated, str) else aggregated or []


def read_attributes(users: list[User]) -> None:
    """Read the attributes of many users (a page of ListUsers) in one statement."""
    if not users:
        return
    alias = users[0]._state.db or router.db_for_read(UserAttribute)
    rows: dict[int, list[tuple[int, str, str]]] = {user.pk: [] for user in users}
    with statement_cursor(alias) as cursor:
        cursor.execute(_attributes_of_users_sql(alias, len(rows)), list(rows))
        for user_id, *row in cursor.fetchall():
            rows[user_id].append(tuple(row))
    for user in users:
        user.remember_attributes(rows[user.pk])


@dataclass(frozen=True, slots=True)
class ListedUser:
    """A user as a page of ListUsers shows it (`users.user_type`), made straight from its row:
    sixty model instances were a third of an unfiltered ListUsers' CPU."""

    pk: int
    username: str
    sub: uuid.UUID
    status: str
    enabled: bool
    created: datetime
    modified: datetime
    attributes: dict[str, str]

    def attribute_values(self) -> dict[str, str]:
        return dict(self.attributes)


_LISTED_FIELDS = ("id", "username", "sub", "status", "enabled", "created", "modified")  # ListedUser's, in its order


@cache
def _listed_fields(alias: str) -> Callable[[list], tuple]:
    """ListedUser's fields taken from a row's converted values, in ListedUser's order."""
    return itemgetter(*[columns(User, alias, _LISTED_FIELDS).attnames.index(name) for name in _LISTED_FIELDS])


def users_page(pool_id: str, after_id: int | None, count: int) -> list[ListedUser]:
    """Up to `count` of the pool's users after `after_id` in id order, with their attributes:
    one statement."""
    alias = router.db_for_read(User)
    params = [pool_id, *([] if after_id is None else [after_id]), count]
    with statement_cursor(alias) as cursor:
        cursor.execute(_page_sql(alias, after_id is not None), params)
        rows = cursor.fetchall()
    made, connection, fields = columns(User, alias, _LISTED_FIELDS), connections[alias], _listed_fields(alias)
    users = []
    for row in rows:
        pk, username, sub, status, enabled, created, modified = fields(made.values(row, connection))
        attributes = attributes_in_order(_json_rows(row[made.width]))
        users.append(ListedUser(pk, username, sub, status, enabled, created, modified, attributes))
    return users


def _user(alias: str, by: str, params: list, *, with_refresh_state: bool = False, with_attributes: bool = True) -> User | None:
    row = _one_row(alias, _user_sql(alias, by, with_refresh_state, with_attributes), params)
    if row is None:
        return None
    made = columns(User, alias)
    user = made.instance(row)
    extra = row[made.width:]
    if with_refresh_state:
        user.remember_session_revoked(bool(extra[1]) if extra[0] else None)
        extra = extra[2:]
    if with_attributes:
        user.remember_attributes(_json_rows(extra[0]))
    return user


def user_by_sub(pool_id: str, sub: uuid.UUID, origin_jti: str | None) -> User | None:
    """The pool's user with this sub, attributes read. With `origin_jti`, it also carries whether
    that sign-in's refresh token is revoked (`User.session_revoked_read_ahead`)."""
    alias = router.db_for_read(User)
    sub_value = User._meta.get_field("sub").get_db_prep_value(sub, connections[alias])
    if origin_jti is None:
        return _user(alias, "sub", [pool_id, sub_value])
    return _user(alias, "sub", [origin_jti, pool_id, sub_value], with_refresh_state=True)


def user_by_name(pool_id: str, username_key: str, *, with_attributes: bool) -> User | None:
    """The pool's user with this username key (lookup.username_key), attributes read if asked."""
    return _user(router.db_for_read(User), "name", [pool_id, username_key], with_attributes=with_attributes)


def locked_user(pk: int) -> User:
    """The user's row, locked until the transaction ends where the database locks rows (SQLite
    locks the whole database at the first write instead), with its groups read ahead (`groups_of`:
    a sign-in that passes issues tokens next). Call inside `transaction.atomic()`."""
    user = _locked_user("id", [pk])
    if user is None:
        raise User.DoesNotExist(pk)
    return user


def locked_user_by_name(pool_id: str, username_key: str) -> User | None:
    """The pool's user with this username key, locked as `locked_user` locks it, with its groups and
    attributes read ahead: the one read of a sign-in in which nothing runs before the password
    check that needs the row unlocked (no triggers). Call inside `transaction.atomic()`."""
    return _locked_user("name", [pool_id, username_key])


def _locked_user(by: str, params: list) -> User | None:
    alias = router.db_for_write(User)
    row = _one_row(alias, _locked_user_sql(alias, by), params)
    if row is None:
        return None
    users = columns(User, alias)
    user = users.instance(row)
    user.remember_groups([GroupInfo(*fields) for fields in _json_rows(row[users.width])])
    if by == "name":
        user.remember_attributes(_json_rows(row[users.width + 1]))
    return user


def refresh_token(token_hash: str) -> RefreshToken | None:
    """The refresh token row with this hash, with its user (attributes and groups read ahead), in
    one statement."""
    alias = router.db_for_read(RefreshToken)
    row = _one_row(alias, _refresh_token_sql(alias), [token_hash])
    if row is None:
        return None
    users = columns(User, alias)
    user = users.instance(row)
    user.remember_attributes(_json_rows(row[users.width]))
    user.remember_groups([GroupInfo(*fields) for fields in _json_rows(row[users.width + 1])])
    token = columns(RefreshToken, alias).instance(row[users.width + 2:])
    token.user = user
    return token


def groups_of(user: User) -> list[GroupInfo]:
    """The user's groups as token claims need them (unordered); read ahead with a refresh token."""
    read_ahead = user.groups_read_ahead()
    if read_ahead is not None:
        return read_ahead
    alias = router.db_for_read(Group)
    with statement_cursor(alias) as cursor:
        cursor.execute(_groups_sql(alias), [user.pk])
        return [GroupInfo(name, role_arn, precedence) for name, role_arn, precedence in cursor.fetchall()]
