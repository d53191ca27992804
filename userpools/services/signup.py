"""Self-service sign-up: SignUp, ConfirmSignUp, ResendConfirmationCode.

A new user is UNCONFIRMED. When the pool auto-verifies email or phone_number and the user gave
one, a code goes there (the phone wins when both could); confirming with it sets the user
CONFIRMED and marks that attribute verified. Without such an attribute no code is sent and an
administrator confirms the user (AdminConfirmSignUp).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from core.errors import (
    InvalidParameterException,
    NotAuthorizedException,
    UserNotFoundException,
)
from userpools.domain import attribute_values, client_auth, password_policy
from userpools.events import lifecycle
from userpools.models import User, UserPool, UserPoolClient, VerificationCode
from userpools.services import attributes, hidden_users, limits, lookup, users, verification

NOT_FOUND_MESSAGE = "Username/client id combination not found."
NO_AUTO_VERIFICATION = "Auto verification not turned on."
_UNWRITABLE = frozenset(attribute_values.VERIFIED_FLAG.values())  # only verification sets these


@dataclass(frozen=True)
class SignUpResult:
    """What SignUp answers: whether the user is confirmed, where the code went, the user's sub."""

    user: User
    code_delivery: dict | None


def _check_writable(client: UserPoolClient, values: dict[str, str]) -> None:
    allowed = client.config.get("WriteAttributes")
    for name in values:
        if (allowed is not None and name not in allowed) or (name in _UNWRITABLE and not (allowed and name in allowed)):
            raise NotAuthorizedException("A client attempted to write unauthorized attribute")


def code_attribute(pool: UserPool, values: dict[str, str]) -> str | None:
    """Which attribute the sign-up code goes to: the phone when both qualify, as Cognito does."""
    auto = pool.config.get("AutoVerifiedAttributes") or []
    for name in ("phone_number", "email"):
        if name in auto and values.get(name):
            return name
    return None


# No savepoint when the caller's transaction is open (the AWS pipeline's): nobody goes on in that
# transaction after a failed sign-up, and a savepoint and its release are two round trips.
@transaction.atomic(savepoint=False)
def sign_up(params: dict) -> SignUpResult:
    """SignUp. ValidationData and ClientMetadata are accepted for triggers (none run yet)."""
    client = lookup.client_with_secret_hash(params)
    pool = client.pool
    if (pool.config.get("AdminCreateUserConfig") or {}).get("AllowAdminCreateUserOnly"):
        raise NotAuthorizedException("SignUp is not permitted for this user pool")
    given = attribute_values.as_dict(params.get("UserAttributes") or [])
    _check_writable(client, given)
    password = params.get("Password")
    if not password:
        raise InvalidParameterException("A password is required to sign up in this user pool.")
    username, sub = users._sign_in_identity(pool, params["Username"], given)  # noqa: SLF001 (shared with AdminCreateUser)
    values = attributes.validate(pool, given, creating=True)
    attributes.check_required(pool, values)
    password_policy.check_password(password_policy.pool_policy(pool.config), password)
    decision = lifecycle.pre_sign_up(
        pool, "PreSignUp_SignUp", username, values, client_id=client.client_id,
        validation_data=params.get("ValidationData"), client_metadata=params.get("ClientMetadata"),
    )
    values.update(lifecycle.verified_flags(decision, values))
    attributes.lock_sign_in_values(pool, values)
    status = User.CONFIRMED if decision.auto_confirm else User.UNCONFIRMED
    user = users.insert_user(pool, username, sub, password, status=status, taken_message="User already exists", savepoint=False)
    attributes.claim_unique_values(pool, user, values)
    attributes.write_new(user, values)
    target = None if decision.auto_confirm else code_attribute(pool, values)
    delivery = None
    if target:
        delivery = verification.send_code(pool, user, VerificationCode.SIGN_UP, target, values[target],
                                          client_id=client.client_id, client_metadata=params.get("ClientMetadata"))
    return SignUpResult(user, delivery)


def _find(client: UserPoolClient, username: str) -> User | None:
    """The named user, or None when the client hides user existence; else UserNotFoundException."""
    user = lookup.find_user(client.pool, username)
    if user is None and not client_auth.prevents_user_existence_errors(client):
        raise UserNotFoundException(NOT_FOUND_MESSAGE)
    return user


def _sends_codes(pool: UserPool) -> bool:
    return bool(set(pool.config.get("AutoVerifiedAttributes") or []) & {"email", "phone_number"})


def confirm_sign_up(params: dict) -> None:
    """ConfirmSignUp: the code sets the user CONFIRMED and verifies the attribute it went to.

    With ForceAliasCreation a verified alias held by another user moves to this one;
    otherwise that is an AliasExistsException and the code stays usable. A client that hides
    which users exist answers an unknown name, and a user with nothing to confirm, as a phantom
    whose code is wrong (hidden_users.py), in the same time.
    """
    client = lookup.client_with_secret_hash(params)
    hide = client_auth.prevents_user_existence_errors(client)
    with hidden_users.no_sooner(hide):
        _confirm_sign_up(client, params, hide)


def _confirm_sign_up(client: UserPoolClient, params: dict, hide: bool) -> None:
    user = _find(client, params["Username"])
    if hide and (user is None or user.status != User.UNCONFIRMED or not verification.has_pending_code(user, VerificationCode.SIGN_UP)):
        hidden_users.redeem(client.pool, params["Username"], VerificationCode.SIGN_UP, pending_without_send=_sends_codes(client.pool))
    if user is None:  # not reached: _find raised, or the phantom answered
        raise UserNotFoundException(NOT_FOUND_MESSAGE)
    if user.status != User.UNCONFIRMED:
        raise NotAuthorizedException(f"User cannot be confirmed. Current status is {user.status}")
    with verification.redeeming(user, VerificationCode.SIGN_UP, params["ConfirmationCode"]) as redeemed:
        confirmed = redeemed.user
        if confirmed.status != User.UNCONFIRMED:  # confirmed meanwhile by an administrator
            raise NotAuthorizedException(f"User cannot be confirmed. Current status is {confirmed.status}")
        flag = attribute_values.VERIFIED_FLAG.get(redeemed.attribute)
        if flag:
            current = confirmed.attribute_values()
            attributes.claim_unique_values(
                confirmed.pool, confirmed, {**current, flag: "true"}, force_alias=bool(params.get("ForceAliasCreation")), only={flag}
            )
            attributes.write(confirmed, {flag: "true"})
        confirmed.status = User.CONFIRMED
        confirmed.save(update_fields=["status", "modified"])
        lifecycle.post_confirmation(confirmed, "PostConfirmation_ConfirmSignUp", client_id=client.client_id,
                                 client_metadata=params.get("ClientMetadata"))


def resend_confirmation_code(params: dict, *, source_ip: str | None = None) -> dict:
    """ResendConfirmationCode: a new sign-up code replaces the old one. Requests are limited per
    user and per source address (limits.py); a client that hides which users exist gets a
    simulated delivery for anyone who would otherwise be revealed, in the same time."""
    client = lookup.client_with_secret_hash(params)
    hide = client_auth.prevents_user_existence_errors(client)
    with hidden_users.no_sooner(hide):
        return _resend_confirmation_code(client, params, hide, source_ip)


@transaction.atomic
def _resend_confirmation_code(client: UserPoolClient, params: dict, hide: bool, source_ip: str | None) -> dict:
    pool = client.pool
    username = params["Username"]
    user = _find(client, username)
    subject = limits.user_subject(user) if user is not None else hidden_users.subject(pool, username)
    limits.count_code_request(limits.RESEND_CONFIRMATION, subject, source_ip)
    if user is not None:
        user = User.objects.select_for_update(no_key=True).get(pk=user.pk)
    target = code_attribute(pool, user.attribute_values()) if user is not None else None
    if hide and (user is None or not user.enabled or user.status != User.UNCONFIRMED or target is None):
        if not _sends_codes(pool):  # refused for every user, so for this name too
            raise InvalidParameterException(NO_AUTO_VERIFICATION)
        return hidden_users.simulated_send(pool, username, VerificationCode.SIGN_UP)
    if user is None:  # not reached: _find raised, or the phantom answered
        raise UserNotFoundException(NOT_FOUND_MESSAGE)
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    if user.status != User.UNCONFIRMED:
        raise InvalidParameterException("User is already confirmed.")
    if target is None:
        raise InvalidParameterException(NO_AUTO_VERIFICATION)
    values = user.attribute_values()
    return verification.send_code(pool, user, VerificationCode.SIGN_UP, target, values[target], message_source=lifecycle.CUSTOM_MESSAGE_SOURCES["RESEND"],
                                  client_id=client.client_id, client_metadata=params.get("ClientMetadata"))
