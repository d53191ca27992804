"""Federation in a real browser (Chromium through Playwright), not only over HTTP: pool A's hosted
sign-in shows the provider's button; with a SECOND USER POOL of this server as OIDC provider the
browser signs in on pool B's hosted page and comes back to pool A's client with a code; with the
in-process SAML IdP the browser carries the signed assertion (an auto-submitting POST form) to pool
A's /saml2/idpresponse. Screenshots of each page are kept (tests/browser.py's ARTIFACTS)."""
from __future__ import annotations

from html import escape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from tests.browser import screenshot
from tests.conftest import idp  # noqa: F401 (fixture)
from tests.federation.saml_idp import SSO_URL, SamlIdp, requires_xmlsec1
from tests.hosted.support import PASSWORD, app, base, hosted_pool, make_user, oauth_client, pkce_pair  # noqa: F401
from tests.userpools.signin_support import claims

# pysaml2's IdP sends its local `email` as the PKCS#9 URI; AttributeMapping names what the assertion says.
SAML_EMAIL = "urn:oid:1.2.840.113549.1.9.1.1"


def _open_sign_in(page, base_url: str, pool_id: str, client_id: str, callback: str) -> str:
    """Open pool A's authorize (code + PKCE) on its hosted sign-in page; the PKCE verifier is returned."""
    verifier, challenge = pkce_pair()
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": callback, "scope": "openid email",
              "state": "fed-state", "code_challenge": challenge, "code_challenge_method": "S256"}
    page.goto(f"{base_url}/{pool_id}/oauth2/authorize?{urlencode(params)}")
    return verifier


def _csrf_state_cookies(page) -> list[dict]:
    return [c for c in page.context.cookies() if c["name"].startswith("cognito_csrf_state_")]


def _id_claims(base_url: str, pool_id: str, client_id: str, app, verifier: str) -> dict:
    [landed] = [path for path in app.seen if path.startswith("/callback")]  # Chromium asks for /favicon.ico too
    query = parse_qs(urlsplit(landed).query)
    assert query["state"] == ["fed-state"] and "error" not in query, landed
    tokens = requests.post(f"{base_url}/{pool_id}/oauth2/token", timeout=10, data={
        "grant_type": "authorization_code", "client_id": client_id, "code": query["code"][0],
        "redirect_uri": app.callback, "code_verifier": verifier})
    assert tokens.status_code == 200, tokens.text
    return claims(tokens.json()["id_token"])


def test_oidc_sign_in_through_another_user_pool_in_a_browser(idp, base, page, app):
    pool_b = hosted_pool(idp, "Upstream Directory")
    pool_a = hosted_pool(idp, "Example Shop")
    upstream_client = oauth_client(idp, pool_b, secret=True, scopes=["openid", "email", "profile"],
                                   CallbackURLs=[f"{base}/{pool_a}/oauth2/idpresponse"])
    make_user(idp, pool_b, "bob", email="bob@example.com")
    bob_sub = next(a["Value"] for a in idp.admin_get_user(UserPoolId=pool_b, Username="bob")["UserAttributes"] if a["Name"] == "sub")
    idp.create_identity_provider(UserPoolId=pool_a, ProviderName="PoolIdp", ProviderType="OIDC", ProviderDetails={
        "client_id": upstream_client["ClientId"], "client_secret": upstream_client["ClientSecret"], "attributes_request_method": "GET",
        "oidc_issuer": f"{base}/{pool_b}", "authorize_scopes": "openid email profile"},
        AttributeMapping={"username": "sub", "email": "email", "email_verified": "email_verified"})
    client = oauth_client(idp, pool_a, SupportedIdentityProviders=["COGNITO", "PoolIdp"], CallbackURLs=[app.callback])

    verifier = _open_sign_in(page, base, pool_a, client["ClientId"], app.callback)
    button = page.get_by_role("link", name="Continue with PoolIdp")
    assert button.is_visible() and page.locator("input[name=username]").is_visible()  # Cognito's own form stays offered
    screenshot(page, "federation-oidc-relying-sign-in")
    button.click()
    page.wait_for_url(f"{base}/{pool_b}/**")  # pool B's hosted sign-in, not pool A's
    assert page.locator("input[name=username]").is_visible()
    assert page.get_by_role("link", name="Continue with PoolIdp").count() == 0
    screenshot(page, "federation-oidc-upstream-sign-in")
    page.fill("input[name=username]", "bob")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{app.callback}**")
    assert page.locator("h1").inner_text() == "Back at the app"
    screenshot(page, "federation-oidc-landed")
    assert not _csrf_state_cookies(page)  # carried back by the browser, then cleared

    id_claims = _id_claims(base, pool_a, client["ClientId"], app, verifier)
    assert id_claims["cognito:username"] == f"PoolIdp_{bob_sub}"
    assert id_claims["email"] == "bob@example.com"
    [identity] = id_claims["identities"]
    assert identity["providerName"] == "PoolIdp" and identity["providerType"] == "OIDC" and identity["userId"] == bob_sub


def _auto_post_form(action: str, fields: dict[str, str]) -> str:
    """What an IdP answers with the HTTP-POST binding: a form the page submits as soon as it loads."""
    inputs = "".join(f'<input type="hidden" name="{escape(n)}" value="{escape(v)}">' for n, v in fields.items())
    return (f'<!doctype html><title>Corp sign-in</title><body onload="document.forms[0].submit()">'
            f'<p>Signing you in…</p><form method="post" action="{escape(action)}">{inputs}</form></body>')


@requires_xmlsec1
def test_saml_sign_in_in_a_browser(idp, base, page, app, tmp_path):
    pool_id = hosted_pool(idp, "Example Shop")
    sp_metadata = requests.get(f"{base}/{pool_id}/saml2/metadata", timeout=10)
    assert sp_metadata.status_code == 200
    saml_idp = SamlIdp(tmp_path, sp_metadata.text)
    idp.create_identity_provider(UserPoolId=pool_id, ProviderName="CorpSaml", ProviderType="SAML",
                                 ProviderDetails={"MetadataFile": saml_idp.metadata()}, AttributeMapping={"email": SAML_EMAIL})
    client = oauth_client(idp, pool_id, SupportedIdentityProviders=["COGNITO", "CorpSaml"], CallbackURLs=[app.callback])
    asked: list[str] = []

    def sso(route) -> None:
        """The IdP's SSO endpoint: it has signed jdoe in and posts the signed assertion back."""
        asked.append(route.request.url)
        acs, saml_response, relay_state = saml_idp.answer(route.request.url, "jdoe", {"email": ["jdoe@example.com"]})
        route.fulfill(status=200, content_type="text/html", body=_auto_post_form(acs, {"SAMLResponse": saml_response, "RelayState": relay_state}))

    page.route(f"{SSO_URL}**", sso)

    verifier = _open_sign_in(page, base, pool_id, client["ClientId"], app.callback)
    button = page.get_by_role("link", name="Continue with CorpSaml")
    assert button.is_visible()
    screenshot(page, "federation-saml-sign-in")
    button.click()
    page.wait_for_url(f"{app.callback}**")
    assert page.locator("h1").inner_text() == "Back at the app"
    screenshot(page, "federation-saml-landed")
    assert not _csrf_state_cookies(page)  # the IdP's cross-site POST carried it, then it was cleared
    [request_url] = asked
    assert "SAMLRequest=" in request_url and "RelayState=" in request_url

    id_claims = _id_claims(base, pool_id, client["ClientId"], app, verifier)
    assert id_claims["cognito:username"] == "CorpSaml_jdoe" and id_claims["email"] == "jdoe@example.com"
    [identity] = id_claims["identities"]
    assert identity["providerName"] == "CorpSaml" and identity["providerType"] == "SAML" and identity["userId"] == "jdoe"

