"""What signed-in users do with their own account, authorized by their access token:
GetUser, UpdateUserAttributes, DeleteUserAttributes, DeleteUser, ChangePassword,
GlobalSignOut; and the session endings around them (RevokeToken, AdminUserGlobalSignOut).

The AWS handlers and the /api/v1/me REST views both call these functions.
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.errors import (
    LimitExceededException,
    NotAuthorizedException,
    UnauthorizedException,
)
from userpools.domain import attribute_values, password_policy
from userpools.models import User, UserPoolClient
from userpools.services import (
    attribute_updates,
    attributes,
    lookup,
    mfa,
    passwords,
    tokens,
    users,
)
from userpools.services.pools import get_pool
from userpools.services.signin import clock, lockout

_UNAUTHORIZED_WRITE = "A client attempted to write unauthorized attribute"
_WRONG_PASSWORD = "Incorrect username or password."
_ATTEMPT_LIMIT = "Attempt limit exceeded, please try after some time."


def _signed_in(access_token: str) -> tuple[User, UserPoolClient]:
    """The user of an access token and the app client it was issued to."""
    bearer = lookup.signed_in(access_token)
    return bearer.user, bearer.client


def _readable(client: UserPoolClient) -> set[str] | None:
    """The attributes the client may read; None when it names none (then all)."""
    return set(client.config.get("ReadAttributes") or []) or None


def _writable(client: UserPoolClient) -> set[str] | None:
    """The attributes the client may write; None when it names none (then all)."""
    return set(client.config.get("WriteAttributes") or []) or None


def _check_writable(client: UserPoolClient, names: list[str]) -> None:
    """Only attributes the client may write; the verification flags only an administrator may set."""
    writable = _writable(client)
    for name in names:
        if name in attribute_values.VERIFIED_FLAG.values() or (writable is not None and name not in writable):
            raise NotAuthorizedException(_UNAUTHORIZED_WRITE)


# --- reading -------------------------------------------------------------------------------

def get_user(access_token: str) -> dict:
    """GetUser: the username and the attributes the token's client may read."""
    user, client = _signed_in(access_token)
    definitions = attributes.pool_schema(user.pool)
    readable = _readable(client)
    visible = {
        name: value
        for name, value in user.attribute_values().items()
        if not (definitions.get(name) or {}).get("DeveloperOnlyAttribute") and (readable is None or name in readable)
    }
    return {"Username": user.username, "UserAttributes": attributes.shape(user.sub, visible), **mfa.user_settings(user)}


# --- attributes ----------------------------------------------------------------------------

def _changes(user: User, updates: list[dict]) -> tuple[dict[str, str], list[str]]:
    """Split an update into values to write and names to delete (a blank value deletes)."""
    given = attribute_values.as_dict(updates)
    deletions = [name for name, value in given.items() if value == ""]
    values = attributes.validate(user.pool, {name: value for name, value in given.items() if value != ""}, creating=False)
    return values, deletions


@transaction.atomic
def update_user_attributes(access_token: str, updates: list[dict], client_metadata: dict | None = None) -> list[dict]:
    """UpdateUserAttributes. A changed email or phone number becomes unverified; when the pool
    auto-verifies it, a code goes to the new value and its CodeDeliveryDetails are returned.
    A blank value deletes the attribute.
    """
    user, client = _signed_in(access_token)
    user = User.objects.select_for_update(no_key=True).select_related("pool").get(pk=user.pk)
    values, deletions = _changes(user, updates)
    _check_writable(client, [*values, *deletions])
    sent = attribute_updates.apply(user, values, client_id=client.client_id, client_metadata=client_metadata)
    if deletions:
        attributes.delete(user, deletions)
    user.save(update_fields=["modified"])
    return sent


@transaction.atomic
def delete_user_attributes(access_token: str, names: list[str]) -> None:
    """DeleteUserAttributes: the same rules as for an administrator, within the client's
    write permissions."""
    user, client = _signed_in(access_token)
    user = User.objects.select_for_update(no_key=True).select_related("pool").get(pk=user.pk)
    _check_writable(client, names)
    attributes.delete(user, names)
    user.save(update_fields=["modified"])


def delete_user(access_token: str) -> None:
    """DeleteUser: the user deletes their own account; every session ends with it."""
    user, _ = _signed_in(access_token)
    users.delete_user(user.pool_id, user.username)


# --- password ------------------------------------------------------------------------------

def change_password(access_token: str, previous: str | None, proposed: str) -> None:
    """ChangePassword: the previous password must match; the new one must meet the policy.

    Wrong previous passwords count towards the sign-in lockout; while locked, Cognito answers
    LimitExceededException. As on Cognito, the user's other sessions stay signed in.
    """
    user, _ = _signed_in(access_token)
    if user.locked_until is not None and clock.now() < user.locked_until:
        raise LimitExceededException(_ATTEMPT_LIMIT)

    def previous_matches(fresh: User) -> bool:
        if not previous:
            return False
        return passwords.verify_password(previous, fresh.password)

    # Checked and counted under the user's row lock (committed on its own: the failure must count).
    if user.password and not lockout.proven(user, previous_matches, LimitExceededException(_ATTEMPT_LIMIT)):
        raise NotAuthorizedException(_WRONG_PASSWORD)
    password_policy.check_password(password_policy.pool_policy(user.pool.config), proposed)
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(**passwords.password_fields(user.pool_id, user.username, proposed), password_set_at=now, modified=now)
    lockout.record_success(user)


# --- signing out ---------------------------------------------------------------------------

@transaction.atomic
def global_sign_out(access_token: str) -> None:
    """GlobalSignOut: every refresh token of the user is revoked and every access token issued
    so far is refused by our APIs."""
    user, _ = _signed_in(access_token)
    tokens.end_sessions(user)


@transaction.atomic
def admin_global_sign_out(pool_id: str, username: str) -> None:
    """AdminGlobalSignOut: every session of the named user ends."""
    tokens.end_sessions(lookup.require_user(get_pool(pool_id), username, lock=True))


def revoke_token(client_id: str, token: str, client_secret: str | None) -> None:
    """RevokeToken, authenticated by the app client (and its secret, if it has one)."""
    client = UserPoolClient.objects.filter(client_id=client_id).first()
    if client is None:
        raise UnauthorizedException("Client authentication failed.")
    tokens.revoke_token(client, token, client_secret=client_secret)

