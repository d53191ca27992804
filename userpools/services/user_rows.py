"""Users created in bulk from records (import jobs and `importusers`): validated against the
pool's schema one by one, inserted in a few queries per batch.

Idempotent per username: a record whose user already exists is SKIPPED, never created twice
(the unique (pool, username_key) constraint backs this up). Call inside a transaction: a batch
is written whole or not at all.
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.hashers import get_hashers_by_algorithm
from django.db import connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from core import crypto
from core.errors import ServiceError
from userpools.domain import attribute_values, imported_hashes
from userpools.domain.attribute_values import VERIFIED_FLAG
from userpools.models import Group, GroupMembership, SoftwareToken, User, UserAttribute, UserPool
from userpools.services import attributes, lookup

SUCCEEDED, SKIPPED, FAILED = "SUCCEEDED", "SKIPPED", "FAILED"
ALREADY_EXISTS = "The user already exists."
NOT_AUTO_VERIFIED = "The User Record does not set any of the auto verified attributes to true. (Example: email_verified to true)."
_MFA_FIELDS = ("sms_mfa_enabled", "software_token_mfa_enabled", "email_mfa_enabled", "preferred_mfa")


@dataclass
class UserRecord:
    """One user to create. Only `username` and `attributes` come from a Cognito CSV."""

    line_number: int
    username: str
    attributes: dict[str, str] = field(default_factory=dict)
    password_hash: str | dict | None = None  # any format `imported_hashes` accepts
    status: str | None = None  # default: CONFIRMED with a password hash, else RESET_REQUIRED
    enabled: bool = True
    sub: str | None = None
    srp_salt: str = ""  # kept only when the caller knows the verifier fits this pool's id
    srp_verifier: str = ""
    groups: list[str] = field(default_factory=list)
    mfa: dict = field(default_factory=dict)  # User MFA fields by name, and "totp_secret"
    require_auto_verified: bool = False  # Cognito's CSV rule
    error: str = ""  # a problem the reader found in the record; it fails with this message


@dataclass(frozen=True)
class Outcome:
    line_number: int
    result: str  # SUCCEEDED, SKIPPED or FAILED
    message: str = ""


@dataclass
class _Ready:
    record: UserRecord
    user: User
    values: dict[str, str]


class _RowError(Exception):
    pass


def _identity(pool: UserPool, record: UserRecord, values: dict[str, str]) -> tuple[str, uuid.UUID]:
    """The stored username and sub. In a pool with UsernameAttributes the username is the sub:
    the record names the user by email/phone (a Cognito CSV) or by its sub (our export)."""
    try:
        sub = uuid.UUID(record.sub) if record.sub else uuid.uuid4()
    except ValueError:
        raise _RowError("The sub is not a UUID.") from None
    names = attributes.username_attribute_names(pool)
    if not names:
        return record.username, sub
    if record.username == str(sub):
        return record.username, sub
    kind = "email" if "@" in record.username else "phone_number" if record.username.startswith("+") else None
    if kind not in names:
        raise _RowError(f"Username should be {' or '.join(names)}.")
    values.setdefault(kind, record.username)
    return str(sub), sub


def _prepare(pool: UserPool, schema: dict[str, dict], record: UserRecord, now) -> _Ready:
    if record.error:
        raise _RowError(record.error)
    if not record.username:
        raise _RowError("The user record has no cognito:username.")
    values = dict(record.attributes)
    username, sub = _identity(pool, record, values)
    try:
        values = attribute_values.validate(schema, values, creating=True)
        attribute_values.check_required(schema, values)
    except ServiceError as exc:
        raise _RowError(exc.message) from None
    auto_verified = pool.config.get("AutoVerifiedAttributes") or []
    if record.require_auto_verified and auto_verified and not any(values.get(VERIFIED_FLAG[name]) == "true" for name in auto_verified):
        raise _RowError(NOT_AUTO_VERIFIED)
    encoded = ""
    if record.password_hash:
        try:
            encoded = imported_hashes.normalize(record.password_hash, set(get_hashers_by_algorithm()))
        except imported_hashes.UnknownHashFormat as exc:
            raise _RowError(str(exc)) from None
    status = record.status or (User.CONFIRMED if encoded else User.RESET_REQUIRED)
    if status not in User.STATUSES:
        raise _RowError(f"Unknown user status {status[:32]}.")
    if not encoded and status in (User.CONFIRMED, User.FORCE_CHANGE_PASSWORD):
        status = User.RESET_REQUIRED  # no password to sign in with: the user must reset it
    user = User(pool=pool, username=username, username_key=lookup.username_key(pool, username), sub=sub, status=status,
                enabled=record.enabled, password=encoded, password_set_at=now,
                srp_salt=record.srp_salt if encoded else "",
                srp_verifier_sealed=crypto.encrypt(record.srp_verifier) if encoded and record.srp_verifier else "",
                **{name: record.mfa[name] for name in _MFA_FIELDS if name in record.mfa})
    return _Ready(record, user, values)


def _sign_in_names(pool: UserPool) -> list[str]:
    return [*attributes.username_attribute_names(pool), *attributes.alias_names(pool)]


def _taken_values(pool: UserPool, name: str, values: set[str]) -> set[str]:
    """Which of `values` another user of the pool already holds for attribute `name` (one query)."""
    if not values:
        return set()
    rows = UserAttribute.objects.filter(pool=pool, name=name)
    if pool.case_sensitive:
        return set(rows.filter(value__in=values).values_list("value", flat=True))
    folded = rows.alias(folded=Lower("value")).filter(folded__in={value.lower() for value in values})
    return {value.lower() for value in folded.values_list("value", flat=True)}


def _claims(pool: UserPool, ready: _Ready) -> list[tuple[str, str]]:
    """The sign-in values (username attributes, verified aliases) this user would hold."""
    fold = (lambda value: value) if pool.case_sensitive else str.lower
    usernames = attributes.username_attribute_names(pool)
    claims = []
    for name in _sign_in_names(pool):
        value = ready.values.get(name)
        flag = VERIFIED_FLAG.get(name)
        if value and (name in usernames or flag is None or ready.values.get(flag) == "true"):
            claims.append((name, fold(value)))
    return claims


def _drop_conflicts(pool: UserPool, batch: list[_Ready], outcomes: dict[int, Outcome]) -> list[_Ready]:
    """Refuse records whose username or sign-in values exist already, in the pool or earlier in the batch."""
    existing_names = set(User.objects.filter(pool=pool, username_key__in=[ready.user.username_key for ready in batch])
                         .values_list("username_key", flat=True))
    existing_subs = set(User.objects.filter(pool=pool, sub__in=[ready.user.sub for ready in batch]).values_list("sub", flat=True))
    wanted: dict[str, set[str]] = {}
    for ready in batch:
        for name, value in _claims(pool, ready):
            wanted.setdefault(name, set()).add(value)
    taken = {(name, value) for name, values in wanted.items() for value in _taken_values(pool, name, values)}
    kept = []
    for ready in batch:
        line = ready.record.line_number
        claims = _claims(pool, ready)
        if ready.user.username_key in existing_names:
            outcomes[line] = Outcome(line, SKIPPED, ALREADY_EXISTS)
        elif ready.user.sub in existing_subs:
            outcomes[line] = Outcome(line, FAILED, "An account with the given sub already exists.")
        elif any(claim in taken for claim in claims):
            name = next(name for name, value in claims if (name, value) in taken)
            outcomes[line] = Outcome(line, FAILED, f"An account with the given {name} already exists.")
        else:
            kept.append(ready)
        existing_names.add(ready.user.username_key)
        existing_subs.add(ready.user.sub)
        taken.update(claims)
    return kept


def _insert_attributes(pool: UserPool, created: list[_Ready]) -> None:
    """The attribute rows of new users in one executemany: a few times faster than bulk_create
    at these numbers (most of an import's time went to building and preparing model instances)."""
    meta = UserAttribute._meta
    columns = ", ".join(connection.ops.quote_name(meta.get_field(name).column) for name in ("user", "pool", "name", "value"))
    rows = [(ready.user.pk, pool.pk, name, value) for ready in created for name, value in ready.values.items()]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s)", rows)


def _write_groups(pool: UserPool, created: list[_Ready]) -> None:
    names = {name for ready in created for name in ready.record.groups}
    if not names:
        return
    Group.objects.bulk_create([Group(pool=pool, name=name) for name in names], ignore_conflicts=True)
    groups = dict(Group.objects.filter(pool=pool, name__in=names).values_list("name", "id"))
    GroupMembership.objects.bulk_create(
        [GroupMembership(group_id=groups[name], user=ready.user) for ready in created for name in set(ready.record.groups)],
        ignore_conflicts=True,
    )


def _write_software_tokens(created: list[_Ready]) -> None:
    tokens = []
    for ready in created:
        secret = ready.record.mfa.get("totp_secret")
        if secret:
            token = SoftwareToken(user=ready.user, verified=True)
            token.secret = secret
            tokens.append(token)
    SoftwareToken.objects.bulk_create(tokens)


@transaction.atomic
def create_users(pool: UserPool, records: Sequence[UserRecord]) -> list[Outcome]:
    """Create the records' users in one transaction; one Outcome per record, in order."""
    schema = attribute_values.schema_by_name(pool.config)
    now = timezone.now()
    outcomes: dict[int, Outcome] = {}
    batch = []
    for record in records:
        try:
            batch.append(_prepare(pool, schema, record, now))
        except _RowError as exc:
            outcomes[record.line_number] = Outcome(record.line_number, FAILED, str(exc))
    created = _drop_conflicts(pool, batch, outcomes)
    User.objects.bulk_create([ready.user for ready in created])
    _insert_attributes(pool, created)
    _write_groups(pool, created)
    _write_software_tokens(created)
    for ready in created:
        outcomes[ready.record.line_number] = Outcome(ready.record.line_number, SUCCEEDED)
    return [outcomes[record.line_number] for record in records]
