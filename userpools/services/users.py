"""User administration in a pool (the Admin* operations): create, read, delete, enable,
attributes, passwords, confirmation. Users belong to one pool; they are not Django auth users.

Finding the user a request names is `lookup`'s (by username, alias or access token).
"""
from __future__ import annotations

import re
import secrets
import uuid
from datetime import datetime
from typing import Protocol

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import (
    InvalidParameterException,
    NotAuthorizedException,
    UnsupportedUserStateException,
    UsernameExistsException,
)
from userpools.delivery import messaging
from userpools.domain import attribute_values, password_policy
from userpools.events import lifecycle
from userpools.models import User, UserPool
from userpools.services import (
    attribute_updates,
    attributes,
    lookup,
    mfa,
    passwords,
    tokens,
)
from userpools.services.listing import list_users  # noqa: F401  (part of this module's interface)
from userpools.services.pools import get_pool, get_pool_to_read

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_PHONE = re.compile(r"\+[0-9]+")
_FORMAT_NAMES = {"email": "email", "phone_number": "phone number"}


def _kind_of(value: str) -> str | None:
    """Which sign-in attribute a username looks like, if any."""
    if _EMAIL.fullmatch(value):
        return "email"
    if _PHONE.fullmatch(value):
        return "phone_number"
    return None


def get_user(pool_id: str, username: str) -> User:
    """AdminGetUser's user (UserNotFoundException when there is none)."""
    return lookup.require_user(get_pool_to_read(pool_id), username, with_attributes=True)  # describe_user reads them


def _touch(user: User) -> None:
    user.save(update_fields=["modified"])


# --- shaping -----------------------------------------------------------------------------

def describe_user(user: User) -> dict:
    """The AdminGetUser response."""
    return {
        "Username": user.username,
        "UserAttributes": attributes.shape(user.sub, user.attribute_values()),
        "UserCreateDate": user.created,
        "UserLastModifiedDate": user.modified,
        "Enabled": user.enabled,
        "UserStatus": user.status,
        **mfa.user_settings(user),
    }


class ShownUser(Protocol):
    """What a UserType shows of a user: a User, or a page of ListUsers' `hot_reads.ListedUser`."""

    @property
    def username(self) -> str: ...
    @property
    def sub(self) -> uuid.UUID: ...
    @property
    def status(self) -> str: ...
    @property
    def enabled(self) -> bool: ...
    @property
    def created(self) -> datetime: ...
    @property
    def modified(self) -> datetime: ...
    def attribute_values(self) -> dict[str, str]: ...


def user_type(user: ShownUser, attributes_to_get: list[str] | None = None) -> dict:
    """A UserType (ListUsers, ListUsersInGroup, AdminCreateUser)."""
    return {
        "Username": user.username,
        "Attributes": attributes.shape(user.sub, user.attribute_values(), attributes_to_get),
        "UserCreateDate": user.created,
        "UserLastModifiedDate": user.modified,
        "Enabled": user.enabled,
        "UserStatus": user.status,
    }


# --- AdminCreateUser -----------------------------------------------------------------------

def _sign_in_identity(pool: UserPool, given: str, values: dict[str, str]) -> tuple[str, uuid.UUID]:
    """The stored username and sub for a new user named `given`.

    With UsernameAttributes the given name must be an email/phone number; it becomes an
    attribute and the username is the sub. With AliasAttributes a username must not look
    like an alias of that kind.
    """
    kind = _kind_of(given)
    username_attributes = attributes.username_attribute_names(pool)
    if username_attributes:
        if kind not in username_attributes:
            wanted = " or ".join(f"a{'n' if name == 'email' else ''} {_FORMAT_NAMES[name]}" for name in username_attributes)
            prefix = "either " if len(username_attributes) > 1 else ""
            raise InvalidParameterException(f"Username should be {prefix}{wanted}.")
        values[kind] = given
        sub = uuid.uuid4()
        return str(sub), sub
    if kind in attributes.alias_names(pool):
        label = _FORMAT_NAMES[kind]
        raise InvalidParameterException(f"Username cannot be of {label} format, since user pool is configured for {label} alias.")
    return given, uuid.uuid4()


def _delivery_mediums(params: dict, values: dict[str, str]) -> list[str]:
    requested = params.get("DesiredDeliveryMediums")
    if not requested:  # Cognito's default is email; fall back to SMS when there is only a phone
        if values.get("email"):
            return [messaging.EMAIL]
        return [messaging.SMS] if values.get("phone_number") else []
    if messaging.EMAIL in requested and not values.get("email"):
        raise InvalidParameterException("No email provided but desired delivery medium was Email")
    if messaging.SMS in requested and not values.get("phone_number"):
        raise InvalidParameterException("No phone_number provided but desired delivery medium was SMS")
    return list(requested)


def _invite(user: User, params: dict, password: str, values: dict[str, str], mediums: list[str]) -> None:
    """The invitation (CustomMessage_AdminCreateUser, or the custom senders), showing the given name."""
    contacts = {messaging.EMAIL: values.get("email", ""), messaging.SMS: values.get("phone_number", "")}
    messaging.send_secret(user, messaging.INVITATION, password, {medium: contacts[medium] for medium in mediums},
                          messaging.invitation_texts(user.pool), username=params["Username"],
                          client_metadata=params.get("ClientMetadata"))


def _temporary_password(pool: UserPool, given: str | None) -> str:
    policy = password_policy.pool_policy(pool.config)
    if given:
        password_policy.check_password(policy, given)
        return given
    return password_policy.generate_password(policy)


def insert_user(pool: UserPool, username: str, sub: uuid.UUID, password: str, *, status: str, taken_message: str,
                savepoint: bool = True) -> User:
    """A new user row; the unique (pool, username_key) constraint decides between concurrent creates.
    Without `savepoint` a taken name leaves the caller's transaction unusable: for callers that
    go no further after UsernameExistsException (a savepoint and its release are two round trips)."""
    try:
        with transaction.atomic(savepoint=savepoint):
            return User.objects.create(
                pool=pool,
                username=username,
                username_key=lookup.username_key(pool, username),
                sub=sub,
                status=status,
                **passwords.password_fields(pool.id, username, password),
                password_set_at=timezone.now(),
            )
    except IntegrityError:
        raise UsernameExistsException(taken_message) from None


def create_migrated_user(pool: UserPool, given_username: str, password: str | None, migration: lifecycle.Migration, status: str) -> User:
    """A user brought over by a UserMigration trigger, with the attributes it returned (and, as it
    asked, an alias taken over and SMS MFA turned on)."""
    values = dict(migration.attributes)
    username, sub = _sign_in_identity(pool, given_username, values)
    values.pop("sub", None)
    values = attributes.validate(pool, values, creating=True)
    attributes.lock_sign_in_values(pool, values)
    user = insert_user(pool, username, sub, password or secrets.token_urlsafe(32), status=status, taken_message="User account already exists")
    attributes.claim_unique_values(pool, user, values, force_alias=migration.force_alias_creation)
    attributes.write_new(user, values)
    if migration.enable_sms_mfa:
        user.sms_mfa_enabled = True
        user.save(update_fields=["sms_mfa_enabled"])
    return user


@transaction.atomic
def admin_create_user(pool_id: str, params: dict) -> User:
    """AdminCreateUser: a new user in FORCE_CHANGE_PASSWORD, invited unless SUPPRESS.

    MessageAction RESEND instead gives an existing FORCE_CHANGE_PASSWORD user a new
    temporary password and sends the invitation again.
    """
    pool = get_pool(pool_id)
    if params.get("MessageAction") == "RESEND":
        return _resend_invitation(pool, params)
    values = attribute_values.as_dict(params.get("UserAttributes") or [])
    username, sub = _sign_in_identity(pool, params["Username"], values)
    values = attributes.validate(pool, values, creating=True)
    attributes.check_required(pool, values)
    password = _temporary_password(pool, params.get("TemporaryPassword"))
    suppress = params.get("MessageAction") == "SUPPRESS"
    mediums = [] if suppress else _delivery_mediums(params, values)
    decision = lifecycle.pre_sign_up(pool, "PreSignUp_AdminCreateUser", username, values, client_id=None,
                                  validation_data=params.get("ValidationData"), client_metadata=params.get("ClientMetadata"))
    values.update(lifecycle.verified_flags(decision, values))
    attributes.lock_sign_in_values(pool, values)
    user = insert_user(pool, username, sub, password, status=User.FORCE_CHANGE_PASSWORD, taken_message="User account already exists")
    attributes.claim_unique_values(pool, user, values, force_alias=bool(params.get("ForceAliasCreation")))
    attributes.write_new(user, values)
    if mediums:
        _invite(user, params, password, values, mediums)
    return user


def _resend_invitation(pool: UserPool, params: dict) -> User:
    user = lookup.require_user(pool, params["Username"], lock=True)
    if user.status != User.FORCE_CHANGE_PASSWORD:
        raise UnsupportedUserStateException(f"Resend not possible. {params['Username']} status is not FORCE_CHANGE_PASSWORD.")
    password = _temporary_password(pool, params.get("TemporaryPassword"))
    passwords.set_password(user, password)
    user.password_set_at = timezone.now()
    user.save(update_fields=[*passwords.PASSWORD_FIELDS, "password_set_at", "modified"])
    values = user.attribute_values()
    mediums = _delivery_mediums(params, values)
    if mediums:
        _invite(user, params, password, values, mediums)
    return user


# --- state changes -------------------------------------------------------------------------

@transaction.atomic
def delete_user(pool_id: str, username: str) -> None:
    """AdminDeleteUser (and DeleteUser's effect): the user and every session go."""
    user = lookup.require_user(get_pool(pool_id), username, lock=True)
    tokens.end_sessions(user)
    user.delete()


@transaction.atomic
def set_enabled(pool_id: str, username: str, enabled: bool) -> None:
    """AdminEnableUser / AdminDisableUser; disabling ends the user's sessions."""
    user = lookup.require_user(get_pool(pool_id), username, lock=True)
    user.enabled = enabled
    user.save(update_fields=["enabled", "modified"])
    if not enabled:
        tokens.end_sessions(user)


@transaction.atomic
def set_password(pool_id: str, username: str, password: str, permanent: bool) -> None:
    """AdminSetUserPassword: permanent → CONFIRMED, temporary → FORCE_CHANGE_PASSWORD."""
    pool = get_pool(pool_id)
    user = lookup.require_user(pool, username, lock=True)
    password_policy.check_password(password_policy.pool_policy(pool.config), password)
    passwords.set_password(user, password)
    user.password_set_at = timezone.now()
    user.status = User.CONFIRMED if permanent else User.FORCE_CHANGE_PASSWORD
    user.save(update_fields=[*passwords.PASSWORD_FIELDS, "password_set_at", "status", "modified"])
    tokens.end_sessions(user)


@transaction.atomic
def confirm_sign_up(pool_id: str, username: str, client_metadata: dict | None = None) -> None:
    """AdminConfirmSignUp: only an UNCONFIRMED user can be confirmed. `client_metadata` goes to
    the PostConfirmation trigger's `clientMetadata`."""
    user = lookup.require_user(get_pool(pool_id), username, lock=True)
    if user.status != User.UNCONFIRMED:
        raise NotAuthorizedException(f"User cannot be confirmed. Current status is {user.status}")
    user.status = User.CONFIRMED
    user.save(update_fields=["status", "modified"])
    lifecycle.post_confirmation(user, "PostConfirmation_ConfirmSignUp", client_id=None, client_metadata=client_metadata)


# --- attributes ----------------------------------------------------------------------------

@transaction.atomic
def update_attributes(pool_id: str, username: str, updates: list[dict], client_metadata: dict | None = None) -> None:
    """AdminUpdateUserAttributes, by the rules of `attribute_updates` (codes go out as for the user's own update)."""
    pool = get_pool(pool_id)
    user = lookup.require_user(pool, username, lock=True)
    values = attributes.validate(pool, attribute_values.as_dict(updates), creating=False)
    attribute_updates.apply(user, values, client_metadata=client_metadata)
    _touch(user)


@transaction.atomic
def delete_attributes(pool_id: str, username: str, names: list[str]) -> None:
    """AdminDeleteUserAttributes: required and immutable attributes cannot be deleted."""
    pool = get_pool(pool_id)
    user = lookup.require_user(pool, username, lock=True)
    attributes.delete(user, names)
    _touch(user)
