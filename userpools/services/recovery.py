"""Password recovery: ForgotPassword, ConfirmForgotPassword, AdminResetUserPassword.

The code goes to a verified contact chosen by the pool's AccountRecoverySetting (without one,
Cognito's legacy order: a verified phone before a verified email). Clients that prevent
user-existence errors get believable answers for unknown and disabled users.
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.errors import (
    InvalidParameterException,
    NotAuthorizedException,
    UserNotFoundException,
)
from userpools.domain import attribute_values, client_auth, password_policy
from userpools.events import lifecycle
from userpools.models import User, UserPool, UserPoolClient, VerificationCode
from userpools.services import (
    hidden_users,
    limits,
    lookup,
    passwords,
    tokens,
    users,
    verification,
)
from userpools.services.pools import get_pool

NOT_FOUND_MESSAGE = "Username/client id combination not found."
ADMIN_ONLY_MESSAGE = "Contact administrator to reset password."
NO_CONTACT_MESSAGE = "Cannot reset password for the user as there is no registered/verified email or phone_number"
_MECHANISM_ATTRIBUTE = {"verified_email": "email", "verified_phone_number": "phone_number"}
_LEGACY_ORDER = ["verified_phone_number", "verified_email"]


def _mechanisms(pool: UserPool) -> list[str]:
    configured = (pool.config.get("AccountRecoverySetting") or {}).get("RecoveryMechanisms")
    if not configured:
        return list(_LEGACY_ORDER)
    return [mechanism["Name"] for mechanism in sorted(configured, key=lambda mechanism: mechanism.get("Priority", 0))]


def recovery_contact(pool: UserPool, user: User, *, auto_verified_only: bool = False) -> tuple[str, str] | None:
    """(attribute, value) of the verified contact a reset code goes to, or None.

    `auto_verified_only` (AdminResetUserPassword) also requires the pool to verify that kind of
    attribute. A pool recovering by administrator only refuses self-service recovery.
    """
    values = user.attribute_values()
    auto = set(pool.config.get("AutoVerifiedAttributes") or [])
    for mechanism in _mechanisms(pool):
        if mechanism == "admin_only":
            if auto_verified_only:
                return None
            raise NotAuthorizedException(ADMIN_ONLY_MESSAGE)
        name = _MECHANISM_ATTRIBUTE[mechanism]
        if auto_verified_only and name not in auto:
            continue
        if values.get(name) and values.get(attribute_values.VERIFIED_FLAG[name]) == "true":
            return name, values[name]
    return None


def forgot_password(params: dict, *, source_ip: str | None = None) -> dict:
    """ForgotPassword: a reset code to the user's verified contact; CodeDeliveryDetails.

    Requests are limited per user and per source address (limits.py). A client that hides which
    users exist gets a simulated delivery for anyone who would otherwise be revealed, in the same
    time (hidden_users.py)."""
    client = lookup.client_with_secret_hash(params)
    hide = client_auth.prevents_user_existence_errors(client)
    with hidden_users.no_sooner(hide):
        return _forgot_password(client, params, hide, source_ip)


@transaction.atomic
def _forgot_password(client: UserPoolClient, params: dict, hide: bool, source_ip: str | None) -> dict:
    pool = client.pool
    username = params["Username"]
    user = lookup.find_user(pool, username, lock=True) or _migrated_for_reset(client, params)
    subject = limits.user_subject(user) if user is not None else hidden_users.subject(pool, username)
    limits.count_code_request(limits.FORGOT_PASSWORD, subject, source_ip)
    if user is None:
        if not hide:
            raise UserNotFoundException(NOT_FOUND_MESSAGE)
        if "admin_only" in _mechanisms(pool):  # refused for every user, so for this name too
            raise NotAuthorizedException(ADMIN_ONLY_MESSAGE)
        return hidden_users.simulated_send(pool, username, VerificationCode.FORGOT_PASSWORD)
    contact = recovery_contact(pool, user) if user.enabled and user.status != User.FORCE_CHANGE_PASSWORD else None
    if contact is None and hide:
        return hidden_users.simulated_send(pool, username, VerificationCode.FORGOT_PASSWORD)
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    if user.status == User.FORCE_CHANGE_PASSWORD:
        raise NotAuthorizedException("User password cannot be reset in the current state.")
    if contact is None:
        raise InvalidParameterException(NO_CONTACT_MESSAGE)
    attribute, destination = contact
    return verification.send_code(pool, user, VerificationCode.FORGOT_PASSWORD, attribute, destination,
                                  client_id=client.client_id, client_metadata=params.get("ClientMetadata"))


def _migrated_for_reset(client, params: dict) -> User | None:
    """UserMigration_ForgotPassword: a legacy user comes over without a password, in RESET_REQUIRED."""
    migration = lifecycle.user_migration(client.pool, "UserMigration_ForgotPassword", params["Username"], client_id=client.client_id,
                                      client_metadata=params.get("ClientMetadata"))
    if migration is None:
        return None
    return users.create_migrated_user(client.pool, params["Username"], None, migration, "RESET_REQUIRED")


def confirm_forgot_password(params: dict) -> None:
    """ConfirmForgotPassword: the code sets the new password, the user CONFIRMED, and ends
    every session the old password opened."""
    client = lookup.client_with_secret_hash(params)
    hide = client_auth.prevents_user_existence_errors(client)
    with hidden_users.no_sooner(hide):
        _confirm_forgot_password(client, params, hide)


def _confirm_forgot_password(client: UserPoolClient, params: dict, hide: bool) -> None:
    pool = client.pool
    password = params["Password"]
    # Before the user and the code: no wasted attempt, and the same answer for any name.
    password_policy.check_password(password_policy.pool_policy(pool.config), password)
    user = lookup.find_user(pool, params["Username"])
    if hide and (user is None or not user.enabled or not verification.has_pending_code(user, VerificationCode.FORGOT_PASSWORD)):
        hidden_users.redeem(pool, params["Username"], VerificationCode.FORGOT_PASSWORD)
    if user is None:
        raise UserNotFoundException(NOT_FOUND_MESSAGE)
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    with verification.redeeming(user, VerificationCode.FORGOT_PASSWORD, params["ConfirmationCode"]) as redeemed:
        reset = redeemed.user
        passwords.set_password(reset, password)
        reset.password_set_at = timezone.now()
        reset.status = User.CONFIRMED
        reset.save(update_fields=[*passwords.PASSWORD_FIELDS, "password_set_at", "status", "modified"])
        tokens.end_sessions(reset)
        lifecycle.post_confirmation(reset, "PostConfirmation_ConfirmForgotPassword", client_id=client.client_id,
                                 client_metadata=params.get("ClientMetadata"))


@transaction.atomic
def admin_reset_user_password(pool_id: str, username: str) -> None:
    """AdminResetUserPassword: RESET_REQUIRED, sessions ended, and a reset code sent when the
    pool verifies a contact the user has verified."""
    pool = get_pool(pool_id)
    user = lookup.require_user(pool, username, lock=True)
    user.status = User.RESET_REQUIRED
    user.save(update_fields=["status", "modified"])
    tokens.end_sessions(user)
    contact = recovery_contact(pool, user, auto_verified_only=True)
    if contact is not None:
        attribute, destination = contact
        verification.send_code(pool, user, VerificationCode.FORGOT_PASSWORD, attribute, destination)
