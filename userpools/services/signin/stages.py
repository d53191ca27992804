"""The stages of a sign-in after the first factor, one small class per challenge.

After a first factor proves who the user is, the stages are asked in Cognito's order whether they
still need something from this user; the first that does becomes the challenge returned with a
Session. RespondToAuthChallenge finds the stage by ChallengeName and lets it check the answer, then
the remaining stages are asked again. Each stage sees the request it serves (`flows.Attempt`: its
client, and the ClientMetadata the triggers it runs receive).
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Protocol

from core.errors import InvalidParameterException, NotAuthorizedException
from userpools.domain import attribute_values, password_policy
from userpools.models import User, UserPoolClient
from userpools.services import attributes, passwords
from userpools.services.signin import clock
from userpools.services.signin.attempt import Attempt

ATTRIBUTE_PREFIX = "userAttributes."


class Stage(Protocol):
    """`progress` is the sign-in's JSON facts carried in the Session (see session.py): what
    earlier stages established, e.g. {"mfa": "SOFTWARE_TOKEN_MFA", "device_key": ...}."""

    name: str

    def is_pending(self, user: User, attempt: Attempt, progress: dict) -> bool:
        """Whether this user must still pass this challenge."""

    def parameters(self, user: User, attempt: Attempt, progress: dict) -> dict[str, str]:
        """The ChallengeParameters sent with the challenge; called once each time it is issued
        (inside the transaction, so a code it sends goes out only if the step commits)."""

    def respond(self, user: User, attempt: Attempt, responses: dict[str, str], progress: dict) -> dict | None:
        """Check the ChallengeResponses and apply them to the (row-locked) user, or raise.
        Returns the new progress (None: unchanged)."""


class FailedAnswer(Exception):
    """A wrong answer whose bookkeeping (a failed-attempt count) must outlive the rollback of
    the answer's transaction: the caller runs `record` in a transaction of its own, then
    raises `error`."""

    def __init__(self, error: Exception, record: Callable[[], None]):
        super().__init__(str(error))
        self.error = error
        self.record = record


def required_response(responses: dict[str, str], name: str) -> str:
    """The named ChallengeResponses member, or InvalidParameterException when it is missing."""
    value = responses.get(name)
    if not value:
        raise InvalidParameterException(f"Missing required parameter {name}")
    return value


# --- NEW_PASSWORD_REQUIRED -----------------------------------------------------------------

def _required_attribute_names(user: User) -> list[str]:
    schema = attributes.pool_schema(user.pool)
    return [name for name, definition in schema.items() if definition.get("Required") and name != "sub"]


def _missing_required(user: User, values: dict[str, str]) -> list[str]:
    return [name for name in _required_attribute_names(user) if not values.get(name)]


def _check_writable(client: UserPoolClient, names: list[str]) -> None:
    writable = client.config.get("WriteAttributes")
    if writable is not None and any(name not in writable for name in names):
        raise NotAuthorizedException("A client attempted to write unauthorized attribute")


class NewPasswordRequired:
    """A user created by an administrator (FORCE_CHANGE_PASSWORD) replaces the temporary password
    and supplies any required attribute still missing."""

    name = "NEW_PASSWORD_REQUIRED"

    def is_pending(self, user: User, attempt: Attempt, progress: dict) -> bool:
        return user.status == User.FORCE_CHANGE_PASSWORD

    def parameters(self, user: User, attempt: Attempt, progress: dict) -> dict[str, str]:
        current = user.attribute_values()
        return {
            "USER_ID_FOR_SRP": user.username,
            "requiredAttributes": json.dumps([ATTRIBUTE_PREFIX + name for name in _missing_required(user, current)]),
            "userAttributes": json.dumps(current),
        }

    def respond(self, user: User, attempt: Attempt, responses: dict[str, str], progress: dict) -> None:
        new_password = required_response(responses, "NEW_PASSWORD")
        pool = user.pool
        given = {key.removeprefix(ATTRIBUTE_PREFIX): value for key, value in responses.items() if key.startswith(ATTRIBUTE_PREFIX)}
        values = attributes.validate(pool, given, creating=False)
        _check_writable(attempt.client, list(values))
        existing = user.attribute_values()
        missing = _missing_required(user, {**existing, **values})
        if missing:
            raise InvalidParameterException(f"Invalid attributes given, {' and '.join(missing)} is missing")
        password_policy.check_password(password_policy.pool_policy(pool.config), new_password)
        # A changed email or phone number is unverified unless the answer also sets its flag.
        for name, flag in attribute_values.VERIFIED_FLAG.items():
            if name in values and values[name] != existing.get(name) and flag not in values:
                values[flag] = "false"
        attributes.claim_unique_values(pool, user, {**existing, **values}, only=set(values))
        attributes.write(user, values)
        passwords.set_password(user, new_password)
        user.password_set_at = clock.now()
        user.status = User.CONFIRMED
        user.save(update_fields=[*passwords.PASSWORD_FIELDS, "password_set_at", "status", "modified"])

