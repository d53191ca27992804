"""OIDC federation over HTTP against the live server, with a SECOND USER POOL of this service as
the OIDC provider: discovery at its issuer, the code flow with it (PKCE, nonce), its ID token
verified against its JWKS, its userInfo, attribute mapping, the `identities` claim, linking, and
PreSignUp_ExternalProvider."""
from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import ECKey

from core.errors import NotAuthorizedException
from tests.conftest import idp  # noqa: F401 (fixture)
from tests.federation import plugins
from tests.hosted.support import CALLBACK, PASSWORD, Browser, base, callback_params, hosted_pool, make_user, oauth_client  # noqa: F401
from tests.userpools.signin_support import claims
from userpools.federation import oidc
from userpools.models import IdentityProvider

ARN = "arn:aws:lambda:us-east-1:000000000000:function:{}"


def _federation(idp, base_url, *, provider_type="OIDC", name="PoolIdp", method="GET", **relying_args):
    """(relying pool, its client, provider pool, the provider pool's client) with bob at the provider."""
    upstream = hosted_pool(idp, "upstream")
    relying = hosted_pool(idp, "relying", **relying_args)
    upstream_client = oauth_client(idp, upstream, secret=True, scopes=["openid", "email", "profile"],
                                   CallbackURLs=[f"{base_url}/{relying}/oauth2/idpresponse"],
                                   ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    make_user(idp, upstream, "bob", email="bob@example.com")
    details = {"client_id": upstream_client["ClientId"], "client_secret": upstream_client["ClientSecret"],
               "attributes_request_method": method, "oidc_issuer": f"{base_url}/{upstream}", "authorize_scopes": "openid email profile"}
    if provider_type != "OIDC":  # a social preset pointed at the upstream pool
        details.pop("attributes_request_method")
    idp.create_identity_provider(UserPoolId=relying, ProviderName=name, ProviderType=provider_type, ProviderDetails=details,
                                 AttributeMapping={"username": "sub", "email": "email", "email_verified": "email_verified"})
    client = oauth_client(idp, relying, SupportedIdentityProviders=["COGNITO", name])
    return relying, client, upstream, upstream_client


def _sign_in(base_url, relying, client_id, *, provider="PoolIdp", username="bob"):
    browser = Browser(base_url)
    page = browser.get(f"/{relying}/oauth2/authorize", response_type="code", client_id=client_id, redirect_uri=CALLBACK,
                       scope="openid email", state="rp-state", identity_provider=provider)
    assert page.status_code == 200 and 'name="username"' in page.text, page.text[:500]  # the upstream pool's sign-in page
    return browser.submit(username=username, password=PASSWORD)


def _id_claims(base_url, relying, client_id, answer):
    params = callback_params(answer)
    assert params["state"] == "rp-state"
    response = requests.post(f"{base_url}/{relying}/oauth2/token", timeout=10, data={
        "grant_type": "authorization_code", "client_id": client_id, "code": params["code"], "redirect_uri": CALLBACK})
    assert response.status_code == 200, response.text
    return claims(response.json()["id_token"])


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sign_in_through_another_user_pool(idp, base, method):
    relying, client, upstream, _ = _federation(idp, base, method=method)
    bob_sub = next(a["Value"] for a in idp.admin_get_user(UserPoolId=upstream, Username="bob")["UserAttributes"] if a["Name"] == "sub")
    id_claims = _id_claims(base, relying, client["ClientId"], _sign_in(base, relying, client["ClientId"]))
    assert id_claims["cognito:username"] == f"PoolIdp_{bob_sub}"
    assert id_claims["email"] == "bob@example.com" and id_claims["email_verified"] is True
    [identity] = id_claims["identities"]
    assert identity["providerName"] == "PoolIdp" and identity["providerType"] == "OIDC"
    assert identity["userId"] == bob_sub and identity["issuer"] == f"{base}/{upstream}"
    user = idp.admin_get_user(UserPoolId=relying, Username=f"PoolIdp_{bob_sub}")
    assert user["UserStatus"] == "EXTERNAL_PROVIDER"
    # A second sign-in finds the same user.
    again = _id_claims(base, relying, client["ClientId"], _sign_in(base, relying, client["ClientId"]))
    assert again["sub"] == id_claims["sub"]


def test_a_social_preset_pointed_at_a_local_provider(idp, base):
    relying, client, upstream, _ = _federation(idp, base, provider_type="Google", name="Google")
    described = idp.describe_identity_provider(UserPoolId=relying, ProviderName="Google")["IdentityProvider"]["ProviderDetails"]
    assert described["oidc_issuer"] == f"{base}/{upstream}"
    id_claims = _id_claims(base, relying, client["ClientId"], _sign_in(base, relying, client["ClientId"], provider="Google"))
    assert id_claims["cognito:username"].startswith("Google_")
    assert id_claims["identities"][0]["providerType"] == "Google"


def test_linked_identity_signs_in_as_the_native_user(idp, base):
    relying, client, upstream, _ = _federation(idp, base)
    bob_sub = next(a["Value"] for a in idp.admin_get_user(UserPoolId=upstream, Username="bob")["UserAttributes"] if a["Name"] == "sub")
    make_user(idp, relying, "carol", email="carol@example.com")
    idp.admin_link_provider_for_user(
        UserPoolId=relying, DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": "carol"},
        SourceUser={"ProviderName": "PoolIdp", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": bob_sub},
    )
    id_claims = _id_claims(base, relying, client["ClientId"], _sign_in(base, relying, client["ClientId"]))
    assert id_claims["cognito:username"] == "carol"
    assert [(i["providerName"], i["userId"]) for i in id_claims["identities"]] == [("PoolIdp", bob_sub)]


def test_pre_sign_up_external_provider_runs_and_may_refuse(idp, base, settings):
    settings.TRIGGER_PLUGINS = "fed_record=tests.federation.plugins:record,fed_refuse=tests.federation.plugins:refuse"
    plugins.SEEN.clear()
    relying, client, _, _ = _federation(idp, base, LambdaConfig={"PreSignUp": ARN.format("fed_record")})
    id_claims = _id_claims(base, relying, client["ClientId"], _sign_in(base, relying, client["ClientId"]))
    [event] = plugins.SEEN
    assert event["triggerSource"] == "PreSignUp_ExternalProvider"
    assert event["userName"] == id_claims["cognito:username"]
    assert event["request"]["userAttributes"]["email"] == "bob@example.com"

    idp.update_user_pool(UserPoolId=relying, LambdaConfig={"PreSignUp": ARN.format("fed_refuse")})
    make_user(idp, _upstream_of(relying), "dave", email="dave@example.com")
    params = callback_params(_sign_in(base, relying, client["ClientId"], username="dave"))
    assert "code" not in params and params["error"] == "invalid_request" and params["state"] == "rp-state"


def _upstream_of(relying: str) -> str:
    provider = IdentityProvider.objects.get(pool_id=relying, name="PoolIdp")
    return provider.details["oidc_issuer"].rsplit("/", 1)[1]


def test_a_forged_or_replayed_state_is_refused(idp, base):
    relying, client, _, _ = _federation(idp, base)
    browser = Browser(base)
    forged = browser.http.get(f"{base}/{relying}/oauth2/idpresponse", params={"code": "x", "state": "not-ours"}, allow_redirects=False)
    assert forged.status_code == 400
    answer = _sign_in(base, relying, client["ClientId"])
    assert "code" in callback_params(answer)


def _handed_out_link(base_url, relying, client_id, **params) -> tuple[Browser, str]:
    """An attacker's browser that signed bob in at the provider and stopped at the way back: the
    /oauth2/idpresponse link it would send a victim."""
    attacker = Browser(base_url, stop_at="/oauth2/idpresponse")
    attacker.get(f"/{relying}/oauth2/authorize", response_type="code", client_id=client_id, scope="openid email",
                 state="rp-state", identity_provider="PoolIdp", **params)
    stopped = attacker.submit(username="bob", password=PASSWORD)
    assert stopped.is_redirect and f"/{relying}/oauth2/idpresponse?" in stopped.headers["Location"], stopped.text[:500]
    return attacker, stopped.headers["Location"]


def test_a_callback_link_opened_in_another_browser_signs_nobody_in(idp, base):
    """Login CSRF: the provider's answer counts only in the browser that started the sign-in (its
    csrf-state cookie); a victim opening the attacker's link gets an error page, not the attacker's session."""
    relying, client, _, _ = _federation(idp, base)
    attacker, link = _handed_out_link(base, relying, client["ClientId"], redirect_uri=CALLBACK)
    [cookie] = [c for c in attacker.http.cookies if c.name.startswith("cognito_csrf_state_")]
    assert cookie.path == f"/{relying}/" and cookie.has_nonstandard_attr("HttpOnly") and cookie.expires
    victim = Browser(base)
    refused = victim.http.get(link, allow_redirects=False)
    assert refused.status_code == 400 and "Location" not in refused.headers
    victim.http.cookies.set(cookie.name, "0" * len(cookie.value), path=cookie.path)  # a proof of some other sign-in
    refused = victim.http.get(link, allow_redirects=False)
    assert refused.status_code == 400 and "Location" not in refused.headers
    assert not any(c.name.startswith("cognito_sso_") for c in victim.http.cookies)
    assert idp.list_users(UserPoolId=relying)["Users"] == []  # no one signed in, not even created
    page = victim.get(f"/{relying}/oauth2/authorize", response_type="code", client_id=client["ClientId"],
                      redirect_uri=CALLBACK, scope="openid email")
    assert page.status_code == 200 and 'name="username"' in page.text  # asked to sign in: no session
    # The refusals spent nothing: the browser that started the sign-in finishes it, and its cookie is cleared.
    finished = attacker.http.get(link, allow_redirects=False)
    assert "code" in callback_params(finished)
    assert not any(c.name.startswith("cognito_csrf_state_") for c in attacker.http.cookies)


def test_a_refusal_goes_to_the_default_redirect_uri(idp, base):
    """An authorize request that named no redirect_uri (the client's DefaultRedirectURI) gets the
    provider's refusal at that URI, not on an error page."""
    relying, client, _, _ = _federation(idp, base)
    client = idp.update_user_pool_client(UserPoolId=relying, ClientId=client["ClientId"], CallbackURLs=[CALLBACK], DefaultRedirectURI=CALLBACK,
                                         AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "email"],
                                         SupportedIdentityProviders=["COGNITO", "PoolIdp"])["UserPoolClient"]
    browser, link = _handed_out_link(base, relying, client["ClientId"])
    key = parse_qs(urlsplit(link).query)["state"][0]
    params = callback_params(browser.get(f"/{relying}/oauth2/idpresponse", error="access_denied", state=key))
    assert params == {"error": "invalid_request", "error_description": "access_denied", "state": "rp-state"}


def test_an_unreachable_provider_is_reported_at_the_default_redirect_uri(idp, base):
    relying = hosted_pool(idp, "relying")
    idp.create_identity_provider(UserPoolId=relying, ProviderName="Gone", ProviderType="OIDC", ProviderDetails={
        "client_id": "x", "attributes_request_method": "GET", "oidc_issuer": "http://127.0.0.1:9/nothing", "authorize_scopes": "openid"})
    gone = oauth_client(idp, relying, SupportedIdentityProviders=["Gone"], DefaultRedirectURI=CALLBACK)  # no redirect_uri below: not a 500
    answer = Browser(base).get(f"/{relying}/oauth2/authorize", response_type="code", client_id=gone["ClientId"],
                               scope="openid", state="s-10", identity_provider="Gone")
    params = callback_params(answer)
    assert params["error"] == "invalid_request" and params["state"] == "s-10" and params["error_description"]
    assert not any(c.name.startswith("cognito_csrf_state_") for c in answer.cookies)


def test_id_tokens_are_checked_for_audience_and_nonce(idp, base):
    relying, _, upstream, upstream_client = _federation(idp, base)
    make_user(idp, upstream, "erin", email="erin@example.com")
    provider = IdentityProvider.objects.get(pool_id=relying, name="PoolIdp")
    urls = oidc.endpoints(provider)
    assert urls["jwks_uri"] == f"{base}/{upstream}/.well-known/jwks.json"
    # An ID token of the upstream pool with no nonce (InitiateAuth's) is refused: it answers no request of ours.
    digest = hmac.new(upstream_client["ClientSecret"].encode(), ("erin" + upstream_client["ClientId"]).encode(), hashlib.sha256).digest()
    token = idp.initiate_auth(ClientId=upstream_client["ClientId"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": "erin", "PASSWORD": PASSWORD, "SECRET_HASH": base64.b64encode(digest).decode()})["AuthenticationResult"]["IdToken"]
    with pytest.raises(NotAuthorizedException):
        oidc.verified_id_token(provider, urls, token, "some-nonce")
    provider.details = {**provider.details, "client_id": "another-client"}
    with pytest.raises(NotAuthorizedException):
        oidc.verified_id_token(provider, urls, token, "some-nonce")


def test_an_unreachable_provider_is_reported_to_the_client(idp, base):
    relying = hosted_pool(idp, "relying")
    idp.create_identity_provider(UserPoolId=relying, ProviderName="Gone", ProviderType="OIDC", ProviderDetails={
        "client_id": "x", "attributes_request_method": "GET", "oidc_issuer": "http://127.0.0.1:9/nothing", "authorize_scopes": "openid"})
    client = oauth_client(idp, relying, SupportedIdentityProviders=["Gone"])
    answer = Browser(base).get(f"/{relying}/oauth2/authorize", response_type="code", client_id=client["ClientId"],
                               redirect_uri=CALLBACK, scope="openid", state="s-9", identity_provider="Gone")
    params = callback_params(answer)
    assert params["error"] == "invalid_request" and params["state"] == "s-9" and "code" not in params


def test_an_oauth_only_preset_reads_the_attributes_endpoint(idp, base):
    """Login with Amazon returns no ID token: the subject and attributes come from its attributes endpoint."""
    relying, client, upstream, _ = _federation(idp, base, provider_type="LoginWithAmazon", name="LoginWithAmazon")
    bob_sub = next(a["Value"] for a in idp.admin_get_user(UserPoolId=upstream, Username="bob")["UserAttributes"] if a["Name"] == "sub")
    answer = _sign_in(base, relying, client["ClientId"], provider="LoginWithAmazon")
    id_claims = _id_claims(base, relying, client["ClientId"], answer)
    assert id_claims["cognito:username"] == f"LoginWithAmazon_{bob_sub}" and id_claims["email"] == "bob@example.com"
    assert id_claims["identities"][0]["providerType"] == "LoginWithAmazon"


def test_sign_in_with_apple_client_secret_is_a_signed_jwt():
    key = ECKey.generate_key("P-256")
    provider = IdentityProvider(name="SignInWithApple", provider_type="SignInWithApple", details={
        "client_id": "com.example.web", "team_id": "TEAM123", "key_id": "KEY123", "private_key": key.as_pem(private=True).decode(),
        "authorize_scopes": "email name"})
    secret = oidc.client_secret(provider)
    decoded = jwt.decode(secret, key, algorithms=["ES256"])
    assert decoded.header["kid"] == "KEY123"
    assert decoded.claims["iss"] == "TEAM123" and decoded.claims["sub"] == "com.example.web"
    assert decoded.claims["aud"] == "https://appleid.apple.com" and decoded.claims["exp"] - decoded.claims["iat"] == 300
