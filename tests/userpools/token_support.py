"""Helpers for token tests: a pool, an app client and a confirmed user made through boto3,
tokens issued by the token service, and verification as an app backend does it (PyJWT)."""
from __future__ import annotations

import jwt
import pytest

from userpools.models import User, UserPoolClient
from userpools.services import tokens

PASSWORD = "Correct-horse-1"


@pytest.fixture
def public_url(settings, live_server):
    """Tokens name the live server as issuer, so JWKS discovery works against it."""
    settings.PUBLIC_URL = live_server.url
    return live_server.url


def make_client(idp, pool_id: str, **kwargs) -> str:
    kwargs.setdefault("ExplicitAuthFlows", ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    return idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app", **kwargs)["UserPoolClient"]["ClientId"]


def make_user(idp, pool_id: str, username: str = "alice", attributes: list[dict] | None = None) -> User:
    idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS", UserAttributes=attributes or [])
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
    return User.objects.select_related("pool").get(pool_id=pool_id, username=username)


def issue(user: User, client_id: str, **kwargs) -> dict:
    return tokens.issue_tokens(user, UserPoolClient.objects.get(client_id=client_id), **kwargs)


def verify(token: str, base_url: str, pool_id: str, *, audience: str | None = None) -> dict:
    """Verify like a backend: keys from our JWKS URL, RS256, our issuer, expiry."""
    issuer = f"{base_url}/{pool_id}"
    signing_key = jwt.PyJWKClient(f"{issuer}/.well-known/jwks.json", cache_keys=False).get_signing_key_from_jwt(token)
    options = {"verify_aud": audience is not None}
    return jwt.decode(token, signing_key.key, algorithms=["RS256"], issuer=issuer, audience=audience, options=options)


def get_json(url: str) -> tuple[int, dict]:
    """GET a JSON document (status, body) with the standard library, as PyJWKClient does."""
    import json
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
