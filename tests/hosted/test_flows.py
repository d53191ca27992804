"""The other OAuth flows over HTTP: implicit, client_credentials with resource-server scopes,
refresh, revocation (RFC 7009), single sign-on across a pool's clients, prompt=login, and /logout."""
from __future__ import annotations

import requests

from tests.conftest import idp  # noqa: F401 (fixture)
from tests.hosted.support import CALLBACK, LOGOUT, Browser, base, callback_params, hosted_pool, make_user, oauth_client  # noqa: F401
from tests.userpools.signin_support import claims


def _token(base_url: str, pool_id: str, data: dict, auth=None) -> requests.Response:
    return requests.post(f"{base_url}/{pool_id}/oauth2/token", data=data, auth=auth, timeout=10)


def _user_info(base_url: str, pool_id: str, access_token: str) -> requests.Response:
    return requests.get(f"{base_url}/{pool_id}/oauth2/userInfo", headers={"Authorization": f"Bearer {access_token}"}, timeout=10)


def test_implicit_flow_returns_tokens_in_the_fragment(idp, base):
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id, flows=("implicit",))
    make_user(idp, pool_id)
    params = callback_params(Browser(base).sign_in(pool_id, client["ClientId"], response_type="token", state="st", nonce="nn"))
    assert params["state"] == "st" and params["token_type"] == "Bearer" and "refresh_token" not in params
    assert claims(params["id_token"])["nonce"] == "nn"
    assert claims(params["access_token"])["username"] == "alice"
    assert _user_info(base, pool_id, params["access_token"]).json()["sub"] == claims(params["id_token"])["sub"]


def test_user_info_refuses_a_token_of_another_pool(idp, base):
    pool_id, other_pool = hosted_pool(idp), hosted_pool(idp)
    client = oauth_client(idp, pool_id, flows=("implicit",))
    make_user(idp, pool_id)
    params = callback_params(Browser(base).sign_in(pool_id, client["ClientId"], response_type="token"))
    refused = _user_info(base, other_pool, params["access_token"])
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_token"
    assert _user_info(base, pool_id, params["access_token"]).status_code == 200


def test_client_credentials_with_resource_server_scopes(idp, base):
    pool_id = hosted_pool(idp)
    idp.create_resource_server(UserPoolId=pool_id, Identifier="https://api.example.com", Name="api",
                               Scopes=[{"ScopeName": "read", "ScopeDescription": "r"}, {"ScopeName": "write", "ScopeDescription": "w"}])
    machine = oauth_client(idp, pool_id, flows=("client_credentials",), secret=True,
                           scopes=("https://api.example.com/read", "https://api.example.com/write"))
    basic = _token(base, pool_id, {"grant_type": "client_credentials", "scope": "https://api.example.com/read"},
                   auth=(machine["ClientId"], machine["ClientSecret"]))
    assert basic.status_code == 200, basic.text
    assert set(basic.json()) == {"access_token", "expires_in", "token_type"}
    access = claims(basic.json()["access_token"])
    assert access["scope"] == "https://api.example.com/read" and access["sub"] == machine["ClientId"] and access["token_use"] == "access"
    posted = _token(base, pool_id, {"grant_type": "client_credentials", "client_id": machine["ClientId"],
                                    "client_secret": machine["ClientSecret"]})
    assert claims(posted.json()["access_token"])["scope"] == "https://api.example.com/read https://api.example.com/write"


def test_refresh_then_revoke(idp, base):
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id, secret=True)
    make_user(idp, pool_id)
    auth = (client["ClientId"], client["ClientSecret"])
    code = callback_params(Browser(base).sign_in(pool_id, client["ClientId"], scope="openid aws.cognito.signin.user.admin"))["code"]
    issued = _token(base, pool_id, {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}, auth=auth).json()
    refreshed = _token(base, pool_id, {"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]}, auth=auth)
    assert refreshed.status_code == 200, refreshed.text
    fresh = refreshed.json()
    assert "refresh_token" not in fresh and claims(fresh["access_token"])["scope"] == "openid aws.cognito.signin.user.admin"
    assert claims(fresh["access_token"])["origin_jti"] == claims(issued["access_token"])["origin_jti"]
    # The user-admin scope lets the access token call the user's own API operations.
    assert idp.get_user(AccessToken=fresh["access_token"])["Username"] == "alice"
    revoked = requests.post(f"{base}/{pool_id}/oauth2/revoke", data={"token": issued["refresh_token"]}, auth=auth, timeout=10)
    assert revoked.status_code == 200
    again = _token(base, pool_id, {"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]}, auth=auth)
    assert again.json() == {"error": "invalid_grant"}
    assert _user_info(base, pool_id, fresh["access_token"]).status_code == 401  # revoked with its refresh token
    unknown = requests.post(f"{base}/{pool_id}/oauth2/revoke", data={"token": "never-issued"}, auth=auth, timeout=10)
    assert unknown.status_code == 200  # RFC 7009: nothing to revoke is no error
    wrong = requests.post(f"{base}/{pool_id}/oauth2/revoke", data={"token": "x"}, auth=(client["ClientId"], "bad"), timeout=10)
    assert (wrong.status_code, wrong.json()) == (401, {"error": "invalid_client"})


def test_access_token_without_user_admin_scope_cannot_call_the_user_api(idp, base):
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id)
    make_user(idp, pool_id)
    code = callback_params(Browser(base).sign_in(pool_id, client["ClientId"], scope="openid"))["code"]
    issued = _token(base, pool_id, {"grant_type": "authorization_code", "client_id": client["ClientId"], "code": code,
                                    "redirect_uri": CALLBACK}).json()
    try:
        idp.get_user(AccessToken=issued["access_token"])
        raise AssertionError("GetUser accepted a token without the user-admin scope")
    except idp.exceptions.NotAuthorizedException:
        pass
    assert _user_info(base, pool_id, issued["access_token"]).status_code == 200


def test_single_sign_on_across_clients_until_logout(idp, base):
    pool_id = hosted_pool(idp)
    first, second = oauth_client(idp, pool_id), oauth_client(idp, pool_id)
    make_user(idp, pool_id)
    browser = Browser(base)
    assert "code" in callback_params(browser.sign_in(pool_id, first["ClientId"]))
    cookie = next(c for c in browser.http.cookies if c.name == f"cognito_sso_{pool_id}")
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.path == f"/{pool_id}/"
    # Another client of the pool: no form, straight back with a code.
    silent = browser.get(f"/{pool_id}/oauth2/authorize", response_type="code", client_id=second["ClientId"], redirect_uri=CALLBACK)
    assert "code" in callback_params(silent)
    # prompt=login asks again.
    forced = browser.get(f"/{pool_id}/oauth2/authorize", response_type="code", client_id=second["ClientId"], redirect_uri=CALLBACK, prompt="login")
    assert forced.status_code == 200 and 'name="password"' in forced.text
    signed_out = browser.get(f"/{pool_id}/logout", client_id=first["ClientId"], logout_uri=LOGOUT)
    assert signed_out.headers["Location"] == LOGOUT
    after = browser.get(f"/{pool_id}/oauth2/authorize", response_type="code", client_id=second["ClientId"], redirect_uri=CALLBACK)
    assert after.status_code == 200 and 'name="password"' in after.text


def test_a_stolen_sso_cookie_is_dead_after_logout(idp, base):
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id)
    make_user(idp, pool_id)
    browser = Browser(base)
    browser.sign_in(pool_id, client["ClientId"])
    thief = Browser(base)
    thief.http.cookies.update(browser.http.cookies)
    browser.get(f"/{pool_id}/logout", client_id=client["ClientId"], logout_uri=LOGOUT)
    replay = thief.get(f"/{pool_id}/oauth2/authorize", response_type="code", client_id=client["ClientId"], redirect_uri=CALLBACK)
    assert replay.status_code == 200 and 'name="password"' in replay.text  # ended server-side


def test_logout_with_redirect_uri_signs_in_again(idp, base):
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id)
    make_user(idp, pool_id)
    browser = Browser(base)
    browser.sign_in(pool_id, client["ClientId"])
    page = browser.get(f"/{pool_id}/logout", client_id=client["ClientId"], redirect_uri=CALLBACK, response_type="code", state="again")
    assert page.status_code == 200 and 'name="password"' in page.text
    assert "state" in callback_params(browser.submit(username="alice", password="Correct#Horse1"))
