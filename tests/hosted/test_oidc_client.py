"""A standard OAuth 2.0 / OIDC client library (authlib's requests client) against the pool's
unmodified discovery document: authorization code with PKCE, ID-token checks with the published
keys, userInfo, refresh and revocation; and a backend's client_credentials grant."""
from __future__ import annotations

import jwt
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from tests.conftest import idp  # noqa: F401 (fixture)
from tests.hosted.support import CALLBACK, Browser, base, hosted_pool, make_user, oauth_client  # noqa: F401


def _discover(base_url: str, pool_id: str) -> dict:
    return requests.get(f"{base_url}/{pool_id}/.well-known/openid-configuration", timeout=10).json()


def test_authlib_client_signs_in_with_pkce_from_discovery(idp, base):
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id, secret=True)
    make_user(idp, pool_id)
    discovery = _discover(base, pool_id)
    session = OAuth2Session(client["ClientId"], client["ClientSecret"], scope="openid email aws.cognito.signin.user.admin",
                            redirect_uri=CALLBACK, code_challenge_method="S256")
    verifier, nonce = generate_token(48), generate_token(16)
    url, state = session.create_authorization_url(discovery["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
    browser = Browser(base)
    browser.get(url)
    callback = browser.submit(username="alice", password="Correct#Horse1").headers["Location"]
    token = session.fetch_token(discovery["token_endpoint"], authorization_response=callback, state=state, code_verifier=verifier)
    signing_key = jwt.PyJWKClient(discovery["jwks_uri"]).get_signing_key_from_jwt(token["id_token"])
    id_claims = jwt.decode(token["id_token"], signing_key.key, algorithms=discovery["id_token_signing_alg_values_supported"],
                           audience=client["ClientId"], issuer=discovery["issuer"])
    assert id_claims["nonce"] == nonce and id_claims["cognito:username"] == "alice"
    info = session.get(discovery["userinfo_endpoint"]).json()
    assert info["sub"] == id_claims["sub"] and info["email"] == "alice@example.com"
    renewed = session.refresh_token(discovery["token_endpoint"])
    assert renewed["access_token"] != token["access_token"] and renewed["refresh_token"] == token["refresh_token"]
    assert session.revoke_token(discovery["revocation_endpoint"], token["refresh_token"], token_type_hint="refresh_token").status_code == 200
    assert session.get(discovery["userinfo_endpoint"]).status_code == 401


def test_authlib_client_credentials_for_a_backend(idp, base):
    pool_id = hosted_pool(idp)
    idp.create_resource_server(UserPoolId=pool_id, Identifier="orders", Name="orders",
                               Scopes=[{"ScopeName": "read", "ScopeDescription": "read orders"}])
    machine = oauth_client(idp, pool_id, flows=("client_credentials",), scopes=("orders/read",), secret=True)
    discovery = _discover(base, pool_id)
    session = OAuth2Session(machine["ClientId"], machine["ClientSecret"], scope="orders/read")
    token = session.fetch_token(discovery["token_endpoint"], grant_type="client_credentials")
    assert token["token_type"] == "Bearer"
    signing_key = jwt.PyJWKClient(discovery["jwks_uri"]).get_signing_key_from_jwt(token["access_token"])
    access = jwt.decode(token["access_token"], signing_key.key, algorithms=["RS256"], issuer=discovery["issuer"])
    assert access["scope"] == "orders/read" and access["client_id"] == machine["ClientId"]
