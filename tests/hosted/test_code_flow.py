"""The authorization-code flow over HTTP against the live server: authorize, the sign-in form,
the callback with a code, PKCE, the token endpoint, userInfo, refresh, revoke and logout."""
from __future__ import annotations

from datetime import timedelta

import requests
from django.test import override_settings
from django.utils import timezone

from tests.conftest import idp  # noqa: F401 (fixture)
from tests.hosted.support import CALLBACK, LOGOUT, Browser, base, callback_params, hosted_pool, make_user, oauth_client, pkce_pair  # noqa: F401
from tests.triggers import plugins
from tests.triggers.support import PLUGINS, arn
from tests.userpools.concurrency import require_postgresql, run_together
from tests.userpools.signin_support import claims
from userpools.hosted.flow import complete_sign_in
from userpools.models import AuthorizationCode, User, UserPool, UserPoolClient


def _token(base_url: str, pool_id: str, data: dict, auth=None) -> requests.Response:
    return requests.post(f"{base_url}/{pool_id}/oauth2/token", data=data, auth=auth, timeout=10)


def test_code_flow_with_pkce_gives_tokens_of_the_granted_scopes(idp, base):
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id)
    make_user(idp, pool_id)
    verifier, challenge = pkce_pair()
    browser = Browser(base)
    answer = browser.sign_in(pool_id, client["ClientId"], state="xyz", nonce="n-1", scope="openid email",
                             code_challenge=challenge, code_challenge_method="S256")
    params = callback_params(answer)
    assert params["state"] == "xyz"
    response = _token(base, pool_id, {"grant_type": "authorization_code", "client_id": client["ClientId"], "code": params["code"],
                                      "redirect_uri": CALLBACK, "code_verifier": verifier})
    assert response.status_code == 200, response.text
    issued = response.json()
    assert issued["token_type"] == "Bearer" and issued["expires_in"] == 3600
    assert claims(issued["access_token"])["scope"] == "openid email"
    id_claims = claims(issued["id_token"])
    assert id_claims["nonce"] == "n-1" and id_claims["email"] == "alice@example.com" and id_claims["aud"] == client["ClientId"]
    info = requests.get(f"{base}/{pool_id}/oauth2/userInfo", headers={"Authorization": f"Bearer {issued['access_token']}"}, timeout=10)
    assert info.status_code == 200
    assert info.json()["email"] == "alice@example.com" and info.json()["username"] == "alice"
    # The code is single-use.
    again = _token(base, pool_id, {"grant_type": "authorization_code", "client_id": client["ClientId"], "code": params["code"],
                                   "redirect_uri": CALLBACK, "code_verifier": verifier})
    assert again.status_code == 400 and again.json() == {"error": "invalid_grant"}


def test_a_replayed_code_revokes_the_tokens_it_gave(idp, base):
    """RFC 6749 4.1.2: the code may have been stolen, and either use may be the thief's."""
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id)
    make_user(idp, pool_id)
    code = callback_params(Browser(base).sign_in(pool_id, client["ClientId"]))["code"]
    form = {"grant_type": "authorization_code", "client_id": client["ClientId"], "code": code, "redirect_uri": CALLBACK}
    issued = _token(base, pool_id, form).json()

    def user_info():
        return requests.get(f"{base}/{pool_id}/oauth2/userInfo", headers={"Authorization": f"Bearer {issued['access_token']}"}, timeout=10)

    assert user_info().status_code == 200
    assert _token(base, pool_id, form).json() == {"error": "invalid_grant"}
    assert user_info().status_code == 401
    refreshed = _token(base, pool_id, {"grant_type": "refresh_token", "client_id": client["ClientId"], "refresh_token": issued["refresh_token"]})
    assert refreshed.status_code == 400 and refreshed.json() == {"error": "invalid_grant"}
    # Another user's sign-in through the same client is untouched.
    make_user(idp, pool_id, "bob", email="bob@example.com")
    other = callback_params(Browser(base).sign_in(pool_id, client["ClientId"], username="bob"))["code"]
    assert _token(base, pool_id, {**form, "code": other}).status_code == 200


def test_a_code_redeemed_twice_at_once_gives_tokens_once(idp, base):
    require_postgresql()
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id)
    make_user(idp, pool_id)
    code = callback_params(Browser(base).sign_in(pool_id, client["ClientId"]))["code"]
    form = {"grant_type": "authorization_code", "client_id": client["ClientId"], "code": code, "redirect_uri": CALLBACK}
    answers = run_together([lambda: _token(base, pool_id, form) for _ in range(4)])
    assert sorted(answer.status_code for answer in answers) == [200, 400, 400, 400]


def test_an_expired_code_is_refused(idp, base):
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id)
    make_user(idp, pool_id)
    code = callback_params(Browser(base).sign_in(pool_id, client["ClientId"]))["code"]
    AuthorizationCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    late = _token(base, pool_id, {"grant_type": "authorization_code", "client_id": client["ClientId"], "code": code, "redirect_uri": CALLBACK})
    assert late.json() == {"error": "invalid_grant"}
    assert all(len(row.code_hash) == 64 and row.code_hash != code for row in AuthorizationCode.objects.all())  # stored hashed


def test_triggers_of_a_hosted_sign_in(idp, base):
    """PostAuthentication runs at the form, PreTokenGeneration with TokenGeneration_HostedAuth at the
    token endpoint, and its V2 answer may add scopes to the access token."""
    plugins.SIGN_IN_EVENTS.clear()
    with override_settings(TRIGGER_PLUGINS=PLUGINS, TRIGGER_TIMEOUT_SECONDS=3, TRIGGER_ATTEMPTS=1):
        pool_id = hosted_pool(idp, LambdaConfig={"PostAuthentication": arn("record_sign_in"), "PreTokenGeneration": arn("record_sign_in")})
        client = oauth_client(idp, pool_id)
        make_user(idp, pool_id)
        code = callback_params(Browser(base).sign_in(pool_id, client["ClientId"]))["code"]
        answer = _token(base, pool_id, {"grant_type": "authorization_code", "client_id": client["ClientId"], "code": code,
                                        "redirect_uri": CALLBACK})
    assert answer.status_code == 200
    assert [event["triggerSource"] for event in plugins.SIGN_IN_EVENTS] == ["PostAuthentication_Authentication", "TokenGeneration_HostedAuth"]


def test_complete_sign_in_refuses_a_resume_whose_callback_is_not_the_clients(idp, base, rf):
    """What the federation responses rely on: complete_sign_in re-checks the authorize request."""
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id)
    make_user(idp, pool_id)
    pool, app_client = UserPool.objects.get(pk=pool_id), UserPoolClient.objects.get(pk=client["ClientId"])
    user = User.objects.get(pool=pool, username="alice")
    request = rf.get(f"/{pool_id}/oauth2/idpresponse")
    refused = complete_sign_in(request, pool, app_client, user, {"response_type": "code", "redirect_uri": "https://evil.example/cb"})
    assert refused.status_code == 400
    good = complete_sign_in(request, pool, app_client, user, {"response_type": "code", "redirect_uri": CALLBACK, "state": "s"})
    assert good.status_code == 302 and good["Location"].startswith(CALLBACK + "?code=") and good.cookies[f"cognito_sso_{pool_id}"]["httponly"]
