"""ListUsers: each filter is answered from an index, pages are keyset pages in index order.

| filter                       | index                               | page order          |
| ---------------------------- | ----------------------------------- | ------------------- |
| none, status                 | user (pool, id)                     | id                  |
| cognito:user_status          | user (pool, status, id)             | id                  |
| username                     | user (pool, username_key)           | username_key        |
| sub                          | user unique (pool, sub)             | sub                 |
| email, name, ... (attribute) | attribute (pool, name, value)       | (value, user id)    |

Strings are compared and ordered bytewise, which is what the indexes hold: on PostgreSQL the
varchar_pattern_ops indexes answer `LIKE 'p%'`, the pattern operators (`~>~`, `~>=~`) and
`ORDER BY ... USING ~<~`, so a page starts where the last one ended whatever the database
collation; SQLite's default BINARY collation is bytewise already, and a range
`value >= p AND value < p || U+10FFFF` keeps its index usable and, unlike SQLite's LIKE, is
case-sensitive (it misses only values with the noncharacter U+10FFFF right after the prefix).
"""
from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Lookup, OrderBy, Q, QuerySet

from core import pagination
from core.errors import InvalidParameterException
from userpools import hot_reads
from userpools.domain import filters
from userpools.models import User, UserAttribute, UserPool
from userpools.services import attributes
from userpools.services.pools import get_pool_to_read

DEFAULT_LIMIT = 60


@dataclass
class _Plan:
    rows: QuerySet  # already filtered and ordered in index order
    key: Callable[[Any], Any]  # a row's keyset position (JSON-serialisable)
    after: Callable[[Any], Q]  # rows strictly after a position
    user_of: Callable[[Any], int] = lambda row: row.pk


def _postgres() -> bool:
    return connection.vendor == "postgresql"


class _PatternCompare(Lookup):
    """`lhs <operator> rhs` with one of PostgreSQL's bytewise pattern operators."""

    operator = ""

    def as_sql(self, compiler, conn):
        lhs, lhs_params = self.process_lhs(compiler, conn)
        rhs, rhs_params = self.process_rhs(compiler, conn)
        return f"{lhs} {self.operator} {rhs}", [*lhs_params, *rhs_params]


class _PatternAbove(_PatternCompare):
    lookup_name = "pattern_gt"
    operator = "~>~"


class _PatternFrom(_PatternCompare):
    lookup_name = "pattern_gte"
    operator = "~>=~"


class _PatternOrder(OrderBy):
    # Django's compiler finds the ASC/DESC word to de-duplicate ORDER BY terms; USING replaces
    # that word in SQL, so it rides along in a comment.
    template = "%(expression)s USING ~<~ /* ASC */"


def _above(field: str, value: str) -> Q:
    return Q(_PatternAbove(F(field), value)) if _postgres() else Q(**{f"{field}__gt": value})


def _from(field: str, value: str) -> Q:
    return Q(_PatternFrom(F(field), value)) if _postgres() else Q(**{f"{field}__gte": value})


def _ascending(field: str) -> OrderBy:
    return _PatternOrder(F(field)) if _postgres() else F(field).asc()


def _prefix(field: str, prefix: str) -> Q:
    if _postgres():
        return Q(**{f"{field}__startswith": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})


def _by_id(rows: QuerySet) -> _Plan:
    return _Plan(rows.order_by("id"), key=lambda user: user.pk, after=lambda last: Q(id__gt=last))


def _status_plan(users: QuerySet, wanted: filters.UserFilter) -> _Plan:
    # Cognito matches cognito:user_status case-insensitively.
    value = wanted.value.upper()
    statuses = [s for s in User.STATUSES if (s.startswith(value) if wanted.prefix else s == value)]
    return _by_id(users.filter(status__in=statuses))


def _enabled_plan(users: QuerySet, wanted: filters.UserFilter) -> _Plan:
    # `status` is Enabled/Disabled, matched case-sensitively.
    states = [label == "Enabled" for label in ("Enabled", "Disabled") if (label.startswith(wanted.value) if wanted.prefix else label == wanted.value)]
    return _by_id(users.filter(enabled__in=states))


def _username_plan(pool: UserPool, users: QuerySet, wanted: filters.UserFilter) -> _Plan:
    value = wanted.value if pool.case_sensitive else wanted.value.lower()
    matching = _prefix("username_key", value) if wanted.prefix else Q(username_key=value)
    return _Plan(
        users.filter(matching).order_by(_ascending("username_key")),
        key=lambda user: user.username_key,
        after=lambda last: _above("username_key", last),
    )


def _sub_range(prefix: str) -> Q | None:
    digits = prefix.replace("-", "").lower()
    if len(digits) > 32 or any(char not in "0123456789abcdef" for char in digits):
        return None
    return Q(sub__gte=uuid.UUID(digits.ljust(32, "0")), sub__lte=uuid.UUID(digits.ljust(32, "f")))


def _sub_plan(users: QuerySet, wanted: filters.UserFilter) -> _Plan:
    if wanted.prefix:
        matching = _sub_range(wanted.value)
    else:
        try:
            matching = Q(sub=uuid.UUID(wanted.value))
        except ValueError:
            matching = None
    rows = users.filter(matching) if matching is not None else users.none()
    return _Plan(rows.order_by("sub"), key=lambda user: str(user.sub), after=lambda last: Q(sub__gt=uuid.UUID(last)))


def _attribute_plan(pool: UserPool, wanted: filters.UserFilter) -> _Plan:
    matching = _prefix("value", wanted.value) if wanted.prefix else Q(value=wanted.value)
    rows = UserAttribute.objects.filter(Q(pool=pool, name=wanted.attribute) & matching).order_by(_ascending("value"), "user_id")
    return _Plan(
        rows.only("value", "user_id"),
        key=lambda row: [row.value, row.user_id],
        # The leading `value >= last` lets the index range start at the previous page's end.
        after=lambda last: _from("value", last[0]) & (_above("value", last[0]) | Q(user_id__gt=last[1])),
        user_of=lambda row: row.user_id,
    )


# What a UserType shows, and the plans' page keys: a listed user is read without its password hash,
# sealed SRP verifier and other sign-in state (a quarter of a page's rows by size, and the
# timestamps parsed in Python for nothing).
_LISTED = ("id", "pool_id", "username", "username_key", "sub", "status", "enabled", "created", "modified")


def _plan(pool: UserPool, wanted: filters.UserFilter) -> _Plan:
    """How a filtered listing reads (the unfiltered one is `hot_reads.users_page`)."""
    users = User.objects.filter(pool=pool).only(*_LISTED)
    if wanted.attribute == "cognito:user_status":
        return _status_plan(users, wanted)
    if wanted.attribute == "status":
        return _enabled_plan(users, wanted)
    if wanted.attribute == "username":
        return _username_plan(pool, users, wanted)
    if wanted.attribute == "sub":
        return _sub_plan(users, wanted)
    return _attribute_plan(pool, wanted)


def check_attribute_names(pool: UserPool, names: list[str] | None) -> None:
    """Refuse AttributesToGet names the pool's schema does not have."""
    if not names:
        return
    known = set(attributes.pool_schema(pool))
    for name in names:
        if name not in known:
            raise InvalidParameterException(f"Attributes did not conform to the schema: Type for attribute {{{name}}} could not be determined")


def _token_kind(pool: UserPool, expression: str | None) -> str:
    # A token is only good for the pool and filter it was issued for.
    digest = hashlib.sha256(f"{pool.pk}\0{expression or ''}".encode()).hexdigest()[:16]
    return f"users:{digest}"


def list_users(
    pool_id: str,
    filter_expression: str | None,
    limit: int | None,
    pagination_token: str | None,
    attributes_to_get: list[str] | None,
) -> tuple[Sequence[User | hot_reads.ListedUser], str | None]:
    """One page of the pool's users matching the filter (with the fields a UserType shows; a
    User's others load on access), and the token of the next page."""
    pool = get_pool_to_read(pool_id)
    wanted = filters.parse(filter_expression)
    check_attribute_names(pool, attributes_to_get)
    limit = limit or DEFAULT_LIMIT
    kind = _token_kind(pool, filter_expression)
    last = pagination.read_token(kind, pagination_token)
    if wanted is None:  # the common listing: users and attributes in one prepared statement
        listed = hot_reads.users_page(pool.pk, last, limit + 1)
        return listed[:limit], (pagination.make_token(kind, listed[limit - 1].pk) if len(listed) > limit else None)
    plan = _plan(pool, wanted)
    rows = plan.rows.filter(plan.after(last)) if last is not None else plan.rows
    page = list(rows[: limit + 1])
    token = pagination.make_token(kind, plan.key(page[limit - 1])) if len(page) > limit else None
    chosen = page[:limit]
    if all(isinstance(row, User) for row in chosen):  # the page is the users: read their attributes only
        hot_reads.read_attributes(chosen)
        return chosen, token
    return _users_in_order([plan.user_of(row) for row in chosen]), token


def _users_in_order(ids: list[int]) -> list[User]:
    found = User.objects.filter(pk__in=ids).only(*_LISTED).in_bulk()
    users = [found[pk] for pk in ids if pk in found]
    hot_reads.read_attributes(users)
    return users
