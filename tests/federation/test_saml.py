"""SAML 2.0 federation over HTTP against the live server, with pysaml2's IdP run in-process:
/oauth2/authorize?identity_provider=... -> the IdP (AuthnRequest) -> a signed assertion POSTed to
/saml2/idpresponse -> the client's callback with a code -> tokens for `<ProviderName>_<NameID>`."""
from __future__ import annotations

import base64
import re
from html import unescape
from urllib.parse import urljoin

import pytest
import requests
from botocore.exceptions import ClientError

from tests.conftest import error_code, idp  # noqa: F401 (fixture)
from tests.federation.saml_idp import SSO_URL, SamlIdp, requires_xmlsec1
from tests.hosted.support import CALLBACK, Browser, base, callback_params, hosted_pool, make_user, oauth_client  # noqa: F401
from tests.userpools.signin_support import claims

pytestmark = requires_xmlsec1

# pysaml2's IdP sends its local `email` as the PKCS#9 URI; AttributeMapping names what the assertion says.
EMAIL_ATTRIBUTE = "urn:oid:1.2.840.113549.1.9.1.1"


def _pool_with_saml(idp, base_url, tmp_path, mapping=None, **pool_args):
    pool_id = hosted_pool(idp, **pool_args)
    sp_metadata = requests.get(f"{base_url}/{pool_id}/saml2/metadata", timeout=10)
    assert sp_metadata.status_code == 200 and f"urn:amazon:cognito:sp:{pool_id}" in sp_metadata.text
    saml_idp = SamlIdp(tmp_path, sp_metadata.text)
    idp.create_identity_provider(UserPoolId=pool_id, ProviderName="CorpSaml", ProviderType="SAML",
                                 ProviderDetails={"MetadataFile": saml_idp.metadata()},
                                 AttributeMapping=mapping or {"email": EMAIL_ATTRIBUTE}, IdpIdentifiers=["corp.example.com"])
    client = oauth_client(idp, pool_id, SupportedIdentityProviders=["COGNITO", "CorpSaml"])
    return pool_id, client, saml_idp


def _to_idp(browser: Browser, pool_id: str, client_id: str, **params) -> str:
    params = {"response_type": "code", "scope": "openid email", "state": "st-1", **params}
    answer = browser.get(f"/{pool_id}/oauth2/authorize", client_id=client_id, redirect_uri=CALLBACK, **params)
    assert answer.is_redirect and answer.headers["Location"].startswith(SSO_URL), answer.text[:500]
    return answer.headers["Location"]


def _post_to_acs(browser: Browser, acs: str, saml_response: str, relay_state: str) -> requests.Response:
    return browser._follow(browser.http.post(acs, data={"SAMLResponse": saml_response, "RelayState": relay_state}, allow_redirects=False))


def _tokens(base_url, pool_id, client_id, code):
    response = requests.post(f"{base_url}/{pool_id}/oauth2/token", timeout=10, data={
        "grant_type": "authorization_code", "client_id": client_id, "code": code, "redirect_uri": CALLBACK})
    assert response.status_code == 200, response.text
    return response.json()


def test_sign_in_through_a_saml_idp(idp, base, tmp_path):
    pool_id, client, saml_idp = _pool_with_saml(idp, base, tmp_path)
    browser = Browser(base)
    location = _to_idp(browser, pool_id, client["ClientId"], identity_provider="CorpSaml")
    acs, response, relay = saml_idp.answer(location, "jdoe", {"email": ["jdoe@example.com"]})
    assert acs == f"{base}/{pool_id}/saml2/idpresponse"
    twin = _with_cookie_of(browser, base)
    params = callback_params(_post_to_acs(browser, acs, response, relay))
    assert params["state"] == "st-1" and "code" in params
    id_claims = claims(_tokens(base, pool_id, client["ClientId"], params["code"])["id_token"])
    assert id_claims["cognito:username"] == "CorpSaml_jdoe"
    assert id_claims["email"] == "jdoe@example.com"
    [identity] = id_claims["identities"]
    assert identity["userId"] == "jdoe" and identity["providerName"] == "CorpSaml" and identity["providerType"] == "SAML"
    assert identity["primary"] == "true" and identity["issuer"] is None and identity["dateCreated"].isdigit()
    user = idp.admin_get_user(UserPoolId=pool_id, Username="CorpSaml_jdoe")
    assert user["UserStatus"] == "EXTERNAL_PROVIDER"
    assert not any(c.name.startswith("cognito_csrf_state_") for c in browser.http.cookies)  # cleared once used
    # The same answer cannot be used twice, even with the starting browser's cookie: its RelayState was single-use.
    replay = _post_to_acs(twin, acs, response, relay)
    assert replay.status_code == 400 and "code=" not in replay.headers.get("Location", "")


def _with_cookie_of(browser: Browser, base_url: str) -> Browser:
    """Another browser holding a copy of `browser`'s cookies."""
    other = Browser(base_url)
    for cookie in browser.http.cookies:
        other.http.cookies.set_cookie(cookie)
    return other


def test_an_answer_posted_by_another_browser_signs_nobody_in(idp, base, tmp_path):
    """Login CSRF: an assertion (and RelayState) the attacker got for himself, posted from a
    victim's browser by a page of the attacker's, is refused: that browser lacks the csrf-state cookie."""
    pool_id, client, saml_idp = _pool_with_saml(idp, base, tmp_path)
    attacker = Browser(base)
    acs, response, relay = saml_idp.answer(_to_idp(attacker, pool_id, client["ClientId"], identity_provider="CorpSaml"),
                                           "mallory", {"email": ["mallory@example.com"]})
    [cookie] = [c for c in attacker.http.cookies if c.name.startswith("cognito_csrf_state_")]
    victim = Browser(base)
    refused = _post_to_acs(victim, acs, response, relay)
    assert refused.status_code == 400 and "Location" not in refused.headers
    victim.http.cookies.set(cookie.name, "f" * len(cookie.value), path=cookie.path)
    refused = _post_to_acs(victim, acs, response, relay)
    assert refused.status_code == 400 and "Location" not in refused.headers
    assert not any(c.name.startswith("cognito_sso_") for c in victim.http.cookies)
    assert idp.list_users(UserPoolId=pool_id)["Users"] == []
    assert "code" in callback_params(_post_to_acs(attacker, acs, response, relay))  # nothing was spent


def test_idp_identifier_finds_the_provider(idp, base, tmp_path):
    pool_id, client, _ = _pool_with_saml(idp, base, tmp_path)
    location = _to_idp(Browser(base), pool_id, client["ClientId"], idp_identifier="corp.example.com")
    assert "SAMLRequest=" in location and "RelayState=" in location


@pytest.mark.parametrize("spoil", ["tamper", "unsigned"])
def test_tampered_or_unsigned_assertions_are_refused(idp, base, tmp_path, spoil):
    pool_id, client, saml_idp = _pool_with_saml(idp, base, tmp_path)
    browser = Browser(base)
    location = _to_idp(browser, pool_id, client["ClientId"], identity_provider="CorpSaml")
    acs, response, relay = saml_idp.answer(location, "jdoe", {"email": ["jdoe@example.com"]}, sign=spoil != "unsigned")
    if spoil == "tamper":
        xml = base64.b64decode(response).decode()
        assert "jdoe@example.com" in xml
        response = base64.b64encode(xml.replace("jdoe@example.com", "boss@example.com").encode()).decode()
    params = callback_params(_post_to_acs(browser, acs, response, relay))
    assert "code" not in params and params["error"] == "invalid_request" and params["state"] == "st-1"
    with pytest.raises(ClientError) as no_user:
        idp.admin_get_user(UserPoolId=pool_id, Username="CorpSaml_jdoe")
    assert error_code(no_user) == "UserNotFoundException"


def test_a_linked_saml_identity_signs_in_as_the_native_user(idp, base, tmp_path):
    pool_id, client, saml_idp = _pool_with_saml(idp, base, tmp_path)
    make_user(idp, pool_id, "alice")
    idp.admin_link_provider_for_user(
        UserPoolId=pool_id, DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": "alice"},
        SourceUser={"ProviderName": "CorpSaml", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": "adoe"},
    )
    browser = Browser(base)
    acs, response, relay = saml_idp.answer(_to_idp(browser, pool_id, client["ClientId"], identity_provider="CorpSaml"),
                                           "adoe", {"email": ["alice@example.com"]})
    params = callback_params(_post_to_acs(browser, acs, response, relay))
    id_claims = claims(_tokens(base, pool_id, client["ClientId"], params["code"])["id_token"])
    assert id_claims["cognito:username"] == "alice"
    assert [(i["providerName"], i["userId"]) for i in id_claims["identities"]] == [("CorpSaml", "adoe")]

    # Unlinked, the same identity becomes a user of its own.
    idp.admin_disable_provider_for_user(UserPoolId=pool_id, User={
        "ProviderName": "CorpSaml", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": "adoe"})
    browser = Browser(base)
    acs, response, relay = saml_idp.answer(_to_idp(browser, pool_id, client["ClientId"], identity_provider="CorpSaml"),
                                           "adoe", {"email": ["alice@example.com"]})
    params = callback_params(_post_to_acs(browser, acs, response, relay))
    id_claims = claims(_tokens(base, pool_id, client["ClientId"], params["code"])["id_token"])
    assert id_claims["cognito:username"] == "CorpSaml_adoe"


def test_the_sign_in_page_offers_the_clients_providers(idp, base, tmp_path):
    pool_id, client, _ = _pool_with_saml(idp, base, tmp_path)
    browser = Browser(base)
    page = browser.get(f"/{pool_id}/oauth2/authorize", response_type="code", client_id=client["ClientId"], redirect_uri=CALLBACK,
                       scope="openid email")
    assert page.status_code == 200 and "Continue with CorpSaml" in page.text
    link = re.search(r'href="([^"]*identity_provider=CorpSaml)"', page.text)
    assert link
    answer = browser.http.get(urljoin(page.url, unescape(link.group(1))), allow_redirects=False)
    assert answer.is_redirect and answer.headers["Location"].startswith(SSO_URL)


def test_implicit_flow_answers_in_the_fragment(idp, base, tmp_path):
    pool_id, _, saml_idp = _pool_with_saml(idp, base, tmp_path)
    client = oauth_client(idp, pool_id, flows=("code", "implicit"), SupportedIdentityProviders=["CorpSaml"])
    browser = Browser(base)
    location = _to_idp(browser, pool_id, client["ClientId"], identity_provider="CorpSaml", response_type="token")
    acs, good, relay = saml_idp.answer(location, "jdoe", {"email": ["jdoe@example.com"]})
    answer = _post_to_acs(browser, acs, good, relay)
    assert "#" in answer.headers["Location"]
    assert claims(callback_params(answer)["id_token"])["cognito:username"] == "CorpSaml_jdoe"
    location = _to_idp(browser, pool_id, client["ClientId"], identity_provider="CorpSaml", response_type="token")
    acs, unsigned, relay = saml_idp.answer(location, "jdoe", {"email": ["jdoe@example.com"]}, sign=False)
    refused = _post_to_acs(browser, acs, unsigned, relay)
    assert "#" in refused.headers["Location"] and callback_params(refused)["error"] == "invalid_request"


def test_encrypted_assertions_are_decrypted_with_the_pools_key(idp, base, tmp_path):
    pool_id, client, saml_idp = _pool_with_saml(idp, base, tmp_path)
    browser = Browser(base)
    location = _to_idp(browser, pool_id, client["ClientId"], identity_provider="CorpSaml")
    acs, response, relay = saml_idp.answer(location, "jdoe", {"email": ["jdoe@example.com"]}, encrypt=True)
    xml = base64.b64decode(response).decode()
    assert "EncryptedAssertion" in xml and "jdoe@example.com" not in xml
    params = callback_params(_post_to_acs(browser, acs, response, relay))
    id_claims = claims(_tokens(base, pool_id, client["ClientId"], params["code"])["id_token"])
    assert id_claims["cognito:username"] == "CorpSaml_jdoe" and id_claims["email"] == "jdoe@example.com"
