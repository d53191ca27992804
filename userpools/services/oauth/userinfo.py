"""`/oauth2/userInfo`: the signed-in user's attributes for an access token with the `openid`
(or user-admin) scope, limited to what the client may read, values as strings as Cognito gives them."""
from __future__ import annotations

from core.errors import InvalidTokenError, NotAuthorizedException
from userpools.domain.claims import ADMIN_SCOPE
from userpools.models import UserPool
from userpools.services import attributes, tokens


def user_info(pool: UserPool, access_token: str) -> dict[str, str]:
    """The userInfo document of `pool`'s endpoint; invalid_token for a bad, expired, revoked or
    unscoped token, or one another pool issued."""
    try:
        user, claims, client = tokens.authenticate_access_token(access_token)
    except NotAuthorizedException:
        raise InvalidTokenError("invalid_token") from None
    scopes = set(str(claims.get("scope", "")).split())
    if user.pool_id != pool.pk or not scopes & {"openid", ADMIN_SCOPE}:
        raise InvalidTokenError("invalid_token")
    readable = set(client.config.get("ReadAttributes") or []) or None
    schema = attributes.pool_schema(user.pool)
    info = {"sub": str(user.sub)}
    for name, value in user.attribute_values().items():
        definition = schema.get(name)
        if definition is None or definition.get("DeveloperOnlyAttribute"):
            continue
        if (readable is not None and name not in readable):
            continue
        info[name] = value
    info["username"] = user.username
    return info
