"""Finding the user a request names: by username or alias for the admin operations, by access
token for the user's own; and the app client the unauthenticated operations name. Below the services that act on users, so each of them can find one
without importing another.

Lookup by username is an index lookup on (pool, username_key); in pools with
UsernameAttributes or AliasAttributes an email/phone/preferred_username may name the user
instead, found through the (pool, name, value) index of UserAttribute.
"""
from __future__ import annotations

from django.db.models import QuerySet

from core.errors import (
    NotAuthorizedException,
    ResourceNotFoundException,
    UserNotFoundException,
)
from userpools import config_cache, hot_reads
from userpools.domain import client_auth
from userpools.domain.claims import ADMIN_SCOPE
from userpools.models import User, UserPool, UserPoolClient
from userpools.services import attributes, tokens

NO_SCOPE = "Access Token does not have required scopes"


def username_key(pool: UserPool, username: str) -> str:
    """The indexed form of a username: folded to lower case unless the pool is case sensitive."""
    return username if pool.case_sensitive else username.lower()


def find_user(pool: UserPool, username: str, *, lock: bool = False, with_attributes: bool = False) -> User | None:
    """The user named by username, by username attribute, or by verified alias; with its pool
    set to `pool`, and its attributes read at once if `with_attributes` (sign-in reads them
    several times; the writers in services.attributes drop what was read)."""
    key = username_key(pool, username)
    if lock:
        user = _users(lock=True, with_attributes=with_attributes).filter(pool=pool, username_key=key).first()
    else:
        user = hot_reads.user_by_name(pool.pk, key, with_attributes=with_attributes)
    if user is not None:
        user.pool = pool
        return user
    username_attributes = attributes.username_attribute_names(pool)
    for name in username_attributes + attributes.alias_names(pool):
        for holder in attributes.holders(pool, name, username):
            if name in username_attributes or attributes.is_verified(holder, name):
                found = _users(lock=lock, with_attributes=with_attributes).get(pk=holder.pk) if lock or with_attributes else holder
                found.pool = pool
                return found
    return None


def _users(*, lock: bool, with_attributes: bool) -> QuerySet[User]:
    # Row locks here and elsewhere are NO KEY: they still serialise writers, but let a trigger handler
    # that calls back into the API (adding this user to a group) insert rows that reference the row.
    users = User.objects.select_for_update(no_key=True) if lock else User.objects.all()
    return users.prefetch_related("attributes") if with_attributes else users


def require_user(pool: UserPool, username: str, *, lock: bool = False, with_attributes: bool = False) -> User:
    """`find_user`, or UserNotFoundException."""
    user = find_user(pool, username, lock=lock, with_attributes=with_attributes)
    if user is None:
        raise UserNotFoundException("User does not exist.")
    return user


def client_by_id(client_id: str) -> UserPoolClient:
    """An app client by id alone, as the unauthenticated APIs name it: the process's shared copy
    (with its pool), which sign-up, sign-in and recovery only read."""
    client = config_cache.client_to_read(client_id)
    if client is None:
        raise ResourceNotFoundException(f"User pool client {client_id} does not exist.")
    return client


def client_with_secret_hash(params: dict) -> UserPoolClient:
    """The app client a public call names (ClientId), its SecretHash of the Username checked."""
    client = client_by_id(params["ClientId"])
    client_auth.check_secret_hash(client, params["Username"], params.get("SecretHash"))
    return client


def signed_in(access_token: str) -> tokens.Bearer:
    """The user an access token speaks for, its claims and app client, for every operation that takes an AccessToken.

    Besides the token itself (signature, expiry, revocation, the user's state) Cognito requires the
    `aws.cognito.signin.user.admin` scope, which a V2 pre token generation trigger may have removed.
    """
    bearer = tokens.authenticate_access_token(access_token)
    if ADMIN_SCOPE not in str(bearer.claims.get("scope", "")).split():
        raise NotAuthorizedException(NO_SCOPE)
    return bearer


def signed_in_user(access_token: str) -> User:
    """The user of an access token that carries the user-admin scope (see `signed_in`)."""
    return signed_in(access_token).user
