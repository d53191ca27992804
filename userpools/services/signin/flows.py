"""The password and refresh AuthFlows.

A flow proves who the user is (or refreshes tokens) and hands over to the stage controller.
Which function serves which AuthFlow or ChallengeName is listed in signin/__init__.py.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import NoReturn

from django.db import transaction

from core.errors import (
    NotAuthorizedException,
    PasswordResetRequiredException,
    UserNotConfirmedException,
    UserNotFoundException,
)
from triggers import runner
from userpools.domain import client_auth, password_policy
from userpools.events import lifecycle
from userpools.models import User, UserPoolClient
from userpools.services import devices, lookup, tokens, users
from userpools.services.signin import clock, controller, credentials, lockout, throttle
from userpools.services.signin.attempt import Attempt
from userpools.services.signin.stages import required_response

INCORRECT = "Incorrect username or password."
DEFAULT_TEMPORARY_PASSWORD_DAYS = 7




# --- password ----------------------------------------------------------------------------

def unknown_user(client: UserPoolClient) -> Exception:
    """The error for a name nobody has: NotAuthorized when the client hides which users exist."""
    if client_auth.prevents_user_existence_errors(client):
        return NotAuthorizedException(INCORRECT)
    return UserNotFoundException("User does not exist.")


def pre_authenticate(attempt: Attempt, user: User | None, username: str) -> None:
    """The PreAuthentication trigger. An unknown user reaches it only where the client prevents
    user-existence errors, flagged `userNotFound` so the handler answers as for anyone."""
    prevents = client_auth.prevents_user_existence_errors(attempt.client)
    if user is not None or prevents:
        lifecycle.pre_authentication(attempt.pool, user, username, client_id=attempt.client_id,
                                  validation_data=attempt.validation_data, reports_user_found=prevents)


def _temporary_password_expired(user: User) -> bool:
    policy = password_policy.pool_policy(user.pool.config)
    days = int(policy.get("TemporaryPasswordValidityDays", DEFAULT_TEMPORARY_PASSWORD_DAYS))
    set_at = user.password_set_at or user.created
    return clock.now() > set_at + timedelta(days=days)


def _password_user(attempt: Attempt, username: str, password: str) -> User:
    """The user a password sign-in is for, once the checks before the password have passed; for a
    name nobody has, the error Cognito gives (counting the failure)."""
    source_ip = None if attempt.admin else attempt.source_ip
    throttle.refuse_if_throttled(source_ip)
    user = lookup.find_user(attempt.pool, username, with_attributes=True) or migrated_user(attempt, username, password)
    if user is None:
        pre_authenticate(attempt, None, username)
        hide = client_auth.prevents_user_existence_errors(attempt.client)
        if hide:  # the lockout a real user would meet, so "Password attempts exceeded" reveals nothing
            lockout.refuse_if_phantom_locked(attempt.pool, lookup.username_key(attempt.pool, username))
        credentials.password_matches(None, password)
        if hide:
            lockout.record_phantom_failure(attempt.pool, lookup.username_key(attempt.pool, username))
        throttle.record_failure(source_ip)
        raise unknown_user(attempt.client)
    pre_authenticate(attempt, user, username)
    lockout.refuse_if_locked(user)
    if user.status == User.RESET_REQUIRED:
        raise PasswordResetRequiredException("Password reset required for the user")
    return user


def check_proof(attempt: Attempt, user: User, proof: Callable[[User], bool]) -> None:
    """`proof` (password or SRP) checked under the user's row lock; a failure is counted and refused."""
    if not lockout.proven(user, proof):
        _refuse_wrong_proof(attempt)
    refuse_after_proof(user)


def proof_then_next_step(attempt: Attempt, user: User, proof: Callable[[User], bool]) -> dict:
    """`check_proof`, then the sign-in's next step (`first_factor_passed`). Where the pool runs no
    triggers, nothing else writes to the user meanwhile, so both run in one transaction on the
    locked row: two round trips (COMMIT, BEGIN) fewer per sign-in."""
    progress = devices.first_factor_progress(attempt.parameters)

    def next_step() -> dict:
        refuse_after_proof(user)
        return first_factor_passed(user, attempt, clock.now(), progress)

    if runner.any_configured(attempt.pool):
        if not lockout.proven(user, proof):
            _refuse_wrong_proof(attempt)
        return next_step()
    step = lockout.proven_then(user, proof, next_step)
    if step is None:
        _refuse_wrong_proof(attempt)
    return step


def _refuse_wrong_proof(attempt: Attempt) -> NoReturn:
    throttle.record_failure(None if attempt.admin else attempt.source_ip)
    raise NotAuthorizedException(INCORRECT)


def migrated_user(attempt: Attempt, username: str, password: str) -> User | None:
    """A user the pool's UserMigration function vouches for (it checked the password against the
    legacy system), created here with that password; None when there is no such function."""
    migration = lifecycle.user_migration(attempt.pool, "UserMigration_Authentication", username, client_id=attempt.client_id,
                                      password=password, validation_data=attempt.validation_data,
                                      client_metadata=attempt.client_metadata)
    if migration is None:
        return None
    with transaction.atomic():
        return users.create_migrated_user(attempt.pool, username, password, migration, migration.final_status)


def refuse_after_proof(user: User) -> None:
    """The refusals Cognito gives only once the password (or SRP proof) is right."""
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    if user.status == User.UNCONFIRMED:
        raise UserNotConfirmedException("User is not confirmed.")
    if user.status == User.FORCE_CHANGE_PASSWORD and _temporary_password_expired(user):
        raise NotAuthorizedException("Temporary password has expired and must be reset by an administrator.")


def password_flow(attempt: Attempt) -> dict:
    """USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH and ADMIN_NO_SRP_AUTH."""
    username = required_response(attempt.parameters, "USERNAME")
    password = required_response(attempt.parameters, "PASSWORD")
    client_auth.check_secret_hash(attempt.client, username, attempt.parameters.get("SECRET_HASH"))
    if not runner.any_configured(attempt.pool):
        step = _untriggered_password_sign_in(attempt, username, password)
        if step is not None:
            return step
    user = _password_user(attempt, username, password)
    return proof_then_next_step(attempt, user, lambda fresh: credentials.password_matches(fresh, password))


def _untriggered_password_sign_in(attempt: Attempt, username: str, password: str) -> dict | None:
    """A password sign-in in a pool that runs no triggers, the user read once, locked (one
    statement fewer than `_password_user` and `proof_then_next_step`, which check the same
    things in the same order); None when no user has that username, for those two to find one
    by alias or give the unknown user's error."""
    throttle.refuse_if_throttled(None if attempt.admin else attempt.source_ip)
    progress = devices.first_factor_progress(attempt.parameters)

    def proof(user: User) -> bool:
        if user.status == User.RESET_REQUIRED:
            raise PasswordResetRequiredException("Password reset required for the user")
        return credentials.password_matches(user, password)

    def next_step(user: User) -> dict:
        refuse_after_proof(user)
        return first_factor_passed(user, attempt, clock.now(), progress)

    user, step = lockout.proven_by_name_then(attempt.pool, lookup.username_key(attempt.pool, username), proof, next_step)
    if user is not None and step is None:
        _refuse_wrong_proof(attempt)
    return step


def first_factor_passed(user: User, attempt: Attempt, auth_time, progress: dict) -> dict:
    """The step after a proven first factor (password, SRP, custom challenges), with the failure
    count cleared after the triggers the step ran: until then the user row is unlocked, so a
    PostAuthentication handler may write to this user through the API. Inside the proof's
    transaction (`proof_then_next_step`) it takes no savepoint: its error ends that transaction too."""
    with transaction.atomic(savepoint=False):
        step = controller.next_step(user, attempt, auth_time=auth_time, progress=progress)
        lockout.record_success(user)
        return step


# --- refresh -----------------------------------------------------------------------------

def refresh_flow(attempt: Attempt) -> dict:
    """REFRESH_TOKEN_AUTH / REFRESH_TOKEN. With a client secret, SECRET_HASH is computed over the
    username of the token's user (its sub in pools where email or phone is the username)."""
    refresh_token = required_response(attempt.parameters, "REFRESH_TOKEN")
    client = attempt.client
    given_hash = attempt.parameters.get("SECRET_HASH")
    if client.secret is not None and not given_hash:
        raise NotAuthorizedException(f"Client {client.client_id} is configured with secret but SECRET_HASH was not received")
    row = tokens.live_refresh_row(client, refresh_token)
    if client.secret is not None:
        client_auth.check_secret_hash(client, row.user.username, given_hash)
    return {"ChallengeParameters": {}, "AuthenticationResult": tokens.refresh_from(client, row)}
