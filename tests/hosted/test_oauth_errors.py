"""Every error of the OAuth endpoints, over HTTP: error pages where the redirect URI is not known
good, RFC 6749 errors on the callback otherwise, and the token endpoint's JSON errors (invalid_client
with 401)."""
from __future__ import annotations

import requests

from tests.conftest import idp  # noqa: F401 (fixture)
from tests.hosted.support import CALLBACK, Browser, base, callback_params, hosted_pool, make_user, oauth_client, pkce_pair  # noqa: F401


def _authorize(base_url: str, pool_id: str, **params) -> requests.Response:
    return requests.get(f"{base_url}/{pool_id}/oauth2/authorize", params=params, allow_redirects=False, timeout=10)


def _token(base_url: str, pool_id: str, data: dict, auth=None) -> requests.Response:
    return requests.post(f"{base_url}/{pool_id}/oauth2/token", data=data, auth=auth, timeout=10)


def test_authorize_shows_an_error_page_for_an_unknown_client_or_callback(idp, base):
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id)
    unknown = _authorize(base, pool_id, response_type="code", client_id="nosuchclient", redirect_uri=CALLBACK)
    assert unknown.status_code == 400 and "invalid client_id" in unknown.text
    elsewhere = _authorize(base, pool_id, response_type="code", client_id=client["ClientId"], redirect_uri="http://localhost:9799/callback/")
    assert elsewhere.status_code == 400 and "redirect_mismatch" in elsewhere.text  # matched exactly, not by prefix
    other_pool = hosted_pool(idp, "other")
    strangers = _authorize(base, other_pool, response_type="code", client_id=client["ClientId"], redirect_uri=CALLBACK)
    assert strangers.status_code == 400 and "invalid client_id" in strangers.text  # a client of another pool


def test_authorize_answers_404_for_a_pool_without_a_domain(idp, base):
    pool_id = idp.create_user_pool(PoolName="bare")["UserPool"]["Id"]
    assert _authorize(base, pool_id, response_type="code", client_id="x").status_code == 404
    discovery = requests.get(f"{base}/{pool_id}/.well-known/openid-configuration", timeout=10).json()
    assert "authorization_endpoint" not in discovery


def test_authorize_takes_get_only(idp, base):
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id)
    params = {"response_type": "code", "client_id": client["ClientId"], "redirect_uri": CALLBACK}
    for posted in ({"data": params}, {"params": params}):
        assert requests.post(f"{base}/{pool_id}/oauth2/authorize", **posted, allow_redirects=False, timeout=10).status_code == 405
    head = requests.head(f"{base}/{pool_id}/oauth2/authorize", params=params, allow_redirects=False, timeout=10)
    assert head.status_code == 302 and "/login?" in head.headers["Location"]


def test_authorize_sends_request_errors_back_to_the_callback_with_the_state(idp, base):
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id, scopes=("openid", "email"))
    common = {"client_id": client["ClientId"], "redirect_uri": CALLBACK, "state": "s1"}
    cases = [
        ({}, "invalid_request"),
        ({"response_type": "id_token"}, "unsupported_response_type"),
        ({"response_type": "token"}, "unauthorized_client"),  # the client allows the code flow only
        ({"response_type": "code", "scope": "openid phone"}, "invalid_scope"),
        ({"response_type": "code", "code_challenge": "abc", "code_challenge_method": "S512"}, "invalid_request"),
    ]
    for extra, error in cases:
        params = callback_params(_authorize(base, pool_id, **common, **extra))
        assert (params["error"], params["state"]) == (error, "s1"), extra


def test_authorize_refuses_an_unknown_identity_provider(idp, base):
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id)
    response = _authorize(base, pool_id, response_type="code", client_id=client["ClientId"], redirect_uri=CALLBACK,
                          identity_provider="NoSuchProvider")
    assert response.status_code == 400 and "Login option is not available" in response.text


def test_token_endpoint_errors(idp, base):
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id, secret=True)
    make_user(idp, pool_id)
    client_id, secret = client["ClientId"], client["ClientSecret"]
    verifier, challenge = pkce_pair()

    def code() -> str:
        browser = Browser(base)
        return callback_params(browser.sign_in(pool_id, client_id, code_challenge=challenge, code_challenge_method="S256"))["code"]

    bad_secret = _token(base, pool_id, {"grant_type": "client_credentials"}, auth=(client_id, "wrong"))
    assert (bad_secret.status_code, bad_secret.json()) == (401, {"error": "invalid_client"})
    posted = _token(base, pool_id, {"grant_type": "client_credentials", "client_id": client_id, "client_secret": "wrong"})
    assert (posted.status_code, posted.json()) == (401, {"error": "invalid_client"})
    missing = _token(base, pool_id, {"grant_type": "authorization_code", "client_id": client_id})
    assert (missing.status_code, missing.json()) == (401, {"error": "invalid_client"})
    unknown = _token(base, pool_id, {"grant_type": "client_credentials"}, auth=("nosuchclient", "x"))
    assert unknown.status_code == 401
    cases = [
        ({}, "invalid_request"),
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"grant_type": "client_credentials"}, "unauthorized_client"),  # a code-flow client
        ({"grant_type": "refresh_token", "refresh_token": "nope"}, "invalid_grant"),
        ({"grant_type": "authorization_code", "code": "nope", "redirect_uri": CALLBACK}, "invalid_grant"),
        ({"grant_type": "authorization_code", "code": code(), "redirect_uri": CALLBACK, "code_verifier": "x" * 43}, "invalid_grant"),
        ({"grant_type": "authorization_code", "code": code(), "redirect_uri": CALLBACK}, "invalid_grant"),  # verifier missing
        ({"grant_type": "authorization_code", "code": code(), "redirect_uri": CALLBACK + "x", "code_verifier": verifier}, "invalid_grant"),
    ]
    for data, error in cases:
        response = _token(base, pool_id, data, auth=(client_id, secret))
        assert (response.status_code, response.json()) == (400, {"error": error}), data


def test_client_credentials_scope_errors(idp, base):
    pool_id = hosted_pool(idp)
    idp.create_resource_server(UserPoolId=pool_id, Identifier="https://api.example.com", Name="api",
                               Scopes=[{"ScopeName": "read", "ScopeDescription": "r"}, {"ScopeName": "write", "ScopeDescription": "w"}])
    machine = oauth_client(idp, pool_id, flows=("client_credentials",), scopes=("https://api.example.com/read",), secret=True)
    auth = (machine["ClientId"], machine["ClientSecret"])
    refused = _token(base, pool_id, {"grant_type": "client_credentials", "scope": "https://api.example.com/write"}, auth=auth)
    assert (refused.status_code, refused.json()) == (400, {"error": "invalid_scope"})
    code_grant = _token(base, pool_id, {"grant_type": "authorization_code", "code": "x", "redirect_uri": CALLBACK}, auth=auth)
    assert code_grant.json() == {"error": "unauthorized_client"}


def test_user_info_and_logout_errors(idp, base):
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id)
    nothing = requests.get(f"{base}/{pool_id}/oauth2/userInfo", timeout=10)
    assert (nothing.status_code, nothing.json()) == (401, {"error": "invalid_token"})
    assert "invalid_token" in nothing.headers["WWW-Authenticate"]
    forged = requests.get(f"{base}/{pool_id}/oauth2/userInfo", headers={"Authorization": "Bearer a.b.c"}, timeout=10)
    assert forged.status_code == 401
    logout = requests.get(f"{base}/{pool_id}/logout", params={"client_id": client["ClientId"], "logout_uri": "https://evil.example/"},
                          allow_redirects=False, timeout=10)
    assert logout.status_code == 400


def test_the_sign_in_form_is_csrf_protected(idp, base):
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id)
    make_user(idp, pool_id)
    response = requests.post(f"{base}/{pool_id}/login", params={"response_type": "code", "client_id": client["ClientId"], "redirect_uri": CALLBACK},
                             data={"username": "alice", "password": "Correct#Horse1"}, allow_redirects=False, timeout=10)
    assert response.status_code == 403


def test_browser_apps_may_call_the_back_channel_endpoints_cross_origin(idp, base):
    pool_id = hosted_pool(idp)
    origin = {"Origin": "https://app.example.com"}
    preflight = requests.options(f"{base}/{pool_id}/oauth2/userInfo", timeout=10,
                                 headers={**origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"})
    assert preflight.status_code == 200 and preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "authorization" in preflight.headers["Access-Control-Allow-Headers"].split(",")
    refused = requests.post(f"{base}/{pool_id}/oauth2/token", data={"grant_type": "authorization_code"}, headers=origin, timeout=10)
    assert refused.status_code == 401 and refused.headers["Access-Control-Allow-Origin"] == "*"  # errors are readable too
    for document in ("openid-configuration", "jwks.json"):
        assert requests.get(f"{base}/{pool_id}/.well-known/{document}", headers=origin, timeout=10).headers["Access-Control-Allow-Origin"] == "*"


def test_identity_provider_cognito_goes_to_the_form_only_where_supported(idp, base):
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id)
    form = Browser(base).get(f"/{pool_id}/oauth2/authorize", response_type="code", client_id=client["ClientId"], redirect_uri=CALLBACK,
                             identity_provider="COGNITO")
    assert form.status_code == 200 and 'name="password"' in form.text
    idp.update_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"], AllowedOAuthFlowsUserPoolClient=True,
                                AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid"], CallbackURLs=[CALLBACK],
                                SupportedIdentityProviders=[])
    refused = _authorize(base, pool_id, response_type="code", client_id=client["ClientId"], redirect_uri=CALLBACK, identity_provider="COGNITO")
    assert refused.status_code == 400 and "Login option is not available" in refused.text
    # Nor do the pages of the pool's own accounts serve such a client.
    query = {"response_type": "code", "client_id": client["ClientId"], "redirect_uri": CALLBACK}
    for page in ("signup", "confirm", "forgotPassword", "confirmForgotPassword"):
        shown = requests.get(f"{base}/{pool_id}/{page}", params=query, timeout=10)
        assert shown.status_code == 400 and "Login option is not available" in shown.text, page


def test_token_endpoint_takes_form_bodies_only(idp, base):
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id)
    response = requests.post(f"{base}/{pool_id}/oauth2/token", json={"grant_type": "authorization_code", "client_id": client["ClientId"]},
                             timeout=10)
    assert (response.status_code, response.json()) == (400, {"error": "invalid_request"})
    assert requests.get(f"{base}/{pool_id}/oauth2/token", timeout=10).status_code == 405
