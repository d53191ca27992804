"""User attributes: validation against the pool's schema, storage rows, aliases, shaping.

`sub` lives on the User row; every other attribute is a UserAttribute row, indexed on
(pool, name, value) so that sign-in by alias and ListUsers filters are index lookups.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import connection
from django.db.models.functions import Lower

from core.errors import AliasExistsException, UsernameExistsException
from userpools.domain import attribute_values
from userpools.domain.attribute_values import VERIFIED_FLAG
from userpools.models import User, UserAttribute, UserPool


def pool_schema(pool: UserPool) -> dict[str, dict]:
    """Schema attributes by the name clients use (without the `dev:` prefix)."""
    return attribute_values.schema_by_name(pool.config)


def alias_names(pool: UserPool) -> list[str]:
    """The pool's AliasAttributes."""
    return list(pool.config.get("AliasAttributes") or [])


def username_attribute_names(pool: UserPool) -> list[str]:
    """The pool's UsernameAttributes."""
    return list(pool.config.get("UsernameAttributes") or [])


def validate(pool: UserPool, values: dict[str, str], *, creating: bool) -> dict[str, str]:
    """Values checked against the pool's schema (see `attribute_values.validate`)."""
    return attribute_values.validate(pool_schema(pool), values, creating=creating)


def check_required(pool: UserPool, values: dict[str, str]) -> None:
    """Refuse values that leave one of the pool's required attributes empty."""
    attribute_values.check_required(pool_schema(pool), values)


def write(user: User, values: dict[str, str]) -> None:
    """Insert or update attribute rows (one query per changed attribute)."""
    user.forget_read_ahead()
    existing = {row.name: row for row in user.attributes.filter(name__in=list(values))}
    for name, value in values.items():
        row = existing.get(name)
        if row is None:
            UserAttribute.objects.create(user=user, pool_id=user.pool_id, name=name, value=value)
        elif row.value != value:
            row.value = value
            row.save(update_fields=["value"])


def write_new(user: User, values: dict[str, str]) -> None:
    """The attribute rows of a user just created (it has none yet): one INSERT for all."""
    user.forget_read_ahead()
    UserAttribute.objects.bulk_create([UserAttribute(user=user, pool_id=user.pool_id, name=name, value=value) for name, value in values.items()])


def remove(user: User, names: Iterable[str]) -> None:
    """Delete the user's attribute rows of these names."""
    user.forget_read_ahead()
    user.attributes.filter(name__in=list(names)).delete()


def holders(pool: UserPool, name: str, value: str, *, exclude: User | None = None) -> list[User]:
    """Users of the pool whose attribute `name` is `value`, ignoring case where the pool ignores
    it for usernames (Cognito treats email and alias sign-in the same way); an index lookup."""
    rows = UserAttribute.objects.filter(pool=pool, name=name)
    if pool.case_sensitive:
        rows = rows.filter(value=value)
    else:
        rows = rows.alias(folded=Lower("value")).filter(folded=value.lower())
    rows = rows.select_related("user")
    if exclude is not None and exclude.pk:
        rows = rows.exclude(user_id=exclude.pk)
    return [row.user for row in rows[:10]]


def is_verified(user: User, name: str) -> bool:
    """Whether the user's `name` (email, phone_number) is verified; other aliases need no verification."""
    flag = VERIFIED_FLAG.get(name)
    if flag is None:  # preferred_username needs no verification to be an alias
        return True
    return user.attributes.filter(name=flag, value="true").exists()


def claim_unique_values(
    pool: UserPool, user: User, values: dict[str, str], *, force_alias: bool = False, only: set[str] | None = None
) -> None:
    """Enforce that sign-in values (username attributes, verified aliases) name one user only.

    In a pool with UsernameAttributes, email/phone_number are usernames: a duplicate is a
    UsernameExistsException (AliasExistsException when an update makes it). In a pool with AliasAttributes, a verified alias held by another
    user is an AliasExistsException unless `force_alias` moves it to this user. `only` limits
    the check to the attributes being written (and those whose verification flag is).
    """

    def touched(name: str) -> bool:
        return only is None or name in only or VERIFIED_FLAG.get(name) in only

    # Creating a user (no `only`) answers UsernameExistsException; updates and confirmations have
    # only AliasExistsException in Cognito's API, for usernames as for aliases.
    taken = UsernameExistsException if only is None else AliasExistsException
    for name in username_attribute_names(pool):
        if values.get(name) and touched(name) and holders(pool, name, values[name], exclude=user):
            raise taken(f"An account with the given {name} already exists.")
    for name in alias_names(pool):
        value = values.get(name)
        if not value or not touched(name) or not _alias_active(name, values):
            continue
        others = [other for other in holders(pool, name, value, exclude=user) if is_verified(other, name)]
        if not others:
            continue
        if not force_alias:
            raise AliasExistsException(f"An account with the given {name} already exists.")
        for other in others:  # the previous holder can no longer sign in with it
            _release_alias(other, name)


def _alias_active(name: str, values: dict[str, str]) -> bool:
    flag = VERIFIED_FLAG.get(name)
    return flag is None or values.get(flag) == "true"


def _release_alias(user: User, name: str) -> None:
    user.forget_read_ahead()
    flag = VERIFIED_FLAG.get(name)
    if flag:
        user.attributes.filter(name=flag).update(value="false")
    else:
        user.attributes.filter(name=name).delete()


def shape(sub: uuid.UUID, values: dict[str, str], names: Iterable[str] | None = None) -> list[dict]:
    """AttributeType list: `sub` first, then the stored attributes (optionally only `names`)."""
    everything = {"sub": str(sub), **values}
    if names is not None:
        wanted = set(names)
        everything = {name: value for name, value in everything.items() if name in wanted}
    return [{"Name": name, "Value": value} for name, value in everything.items()]


def lock_sign_in_values(pool: UserPool, values: dict[str, str]) -> None:
    """Serialise concurrent creations (SignUp, AdminCreateUser) that claim one email/phone as
    username: no unique column guards an attribute value. PostgreSQL advisory locks end with
    the transaction; SQLite serialises writers anyway."""
    if connection.vendor != "postgresql":
        return
    fold = (lambda value: value) if pool.case_sensitive else str.lower
    keys = sorted(f"{pool.pk}:{name}:{fold(values[name])}" for name in username_attribute_names(pool) if values.get(name))
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def delete(user: User, names: list[str]) -> None:
    """Remove attributes by name; required, immutable and read-only ones cannot go. A removed
    email/phone number takes its verification flag with it."""
    remove(user, attribute_values.check_deletable(pool_schema(user.pool), names))
