"""Domains, UI customization and managed-login branding through boto3, and what they change:
the discovery document's endpoints and the hosted pages' look."""
from __future__ import annotations

import base64

import pytest
import requests
from botocore.exceptions import ClientError

from tests.conftest import error_code, idp  # noqa: F401 (fixture)
from tests.hosted.support import CALLBACK, base, oauth_client  # noqa: F401

# A 1x1 PNG.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def test_domain_lifecycle(idp, base):
    pool_id = idp.create_user_pool(PoolName="p")["UserPool"]["Id"]
    other = idp.create_user_pool(PoolName="q")["UserPool"]["Id"]
    assert idp.create_user_pool_domain(UserPoolId=pool_id, Domain="my-login")["ManagedLoginVersion"] == 1
    described = idp.describe_user_pool_domain(Domain="my-login")["DomainDescription"]
    assert described["UserPoolId"] == pool_id and described["Status"] == "ACTIVE" and described["Domain"] == "my-login"
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Domain"] == "my-login"
    assert idp.describe_user_pool_domain(Domain="nobody-has-it")["DomainDescription"] == {}
    with pytest.raises(ClientError) as taken:
        idp.create_user_pool_domain(UserPoolId=other, Domain="my-login")
    assert error_code(taken) == "InvalidParameterException"
    with pytest.raises(ClientError) as second:
        idp.create_user_pool_domain(UserPoolId=pool_id, Domain="another-one")
    assert error_code(second) == "InvalidParameterException"
    with pytest.raises(ClientError) as reserved:
        idp.create_user_pool_domain(UserPoolId=other, Domain="my-cognito-login")
    assert "reserved word" in reserved.value.response["Error"]["Message"]
    assert idp.update_user_pool_domain(UserPoolId=pool_id, Domain="my-login", ManagedLoginVersion=2)["ManagedLoginVersion"] == 2
    with pytest.raises(ClientError) as wrong_pool:
        idp.delete_user_pool_domain(UserPoolId=other, Domain="my-login")
    assert error_code(wrong_pool) == "InvalidParameterException"
    idp.delete_user_pool_domain(UserPoolId=pool_id, Domain="my-login")
    assert idp.describe_user_pool_domain(Domain="my-login")["DomainDescription"] == {}


def test_discovery_lists_the_hosted_endpoints_once_there_is_a_domain(idp, base):
    pool_id = idp.create_user_pool(PoolName="p")["UserPool"]["Id"]
    url = f"{base}/{pool_id}/.well-known/openid-configuration"
    assert "token_endpoint" not in requests.get(url, timeout=10).json()
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain="disco")
    document = requests.get(url, timeout=10).json()
    issuer = f"{base}/{pool_id}"
    assert document["issuer"] == issuer
    assert document["authorization_endpoint"] == f"{issuer}/oauth2/authorize"
    assert document["token_endpoint"] == f"{issuer}/oauth2/token"
    assert document["userinfo_endpoint"] == f"{issuer}/oauth2/userInfo"
    assert document["revocation_endpoint"] == f"{issuer}/oauth2/revoke"
    assert document["end_session_endpoint"] == f"{issuer}/logout"
    assert document["code_challenge_methods_supported"] == ["S256"]


def test_ui_customization_styles_the_pages(idp, base):
    pool_id = idp.create_user_pool(PoolName="styled")["UserPool"]["Id"]
    client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web", AllowedOAuthFlowsUserPoolClient=True,
                                         AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid"], CallbackURLs=[CALLBACK],
                                         SupportedIdentityProviders=["COGNITO"])["UserPoolClient"]
    css = ".submitButton-customizable { background-color: rgb(200, 30, 30); }"
    with pytest.raises(ClientError) as no_domain:
        idp.set_ui_customization(UserPoolId=pool_id, CSS=css)
    assert error_code(no_domain) == "InvalidParameterException"
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain="styled-login")
    for bad in (".evil { color: red }", ".logo-customizable { background: url(https://x/y.png) }", "</style><script>alert(1)</script>"):
        with pytest.raises(ClientError) as refused:
            idp.set_ui_customization(UserPoolId=pool_id, CSS=bad)
        assert error_code(refused) == "InvalidParameterException", bad
    set_ = idp.set_ui_customization(UserPoolId=pool_id, ClientId="ALL", CSS=css, ImageFile=PNG)["UICustomization"]
    assert set_["CSS"] == css and set_["ClientId"] == "ALL" and set_["ImageUrl"].endswith(f"/{pool_id}/ui/logo")
    got = idp.get_ui_customization(UserPoolId=pool_id, ClientId=client["ClientId"])["UICustomization"]
    assert got["CSS"] == css  # the pool's, for a client without its own
    page = requests.get(f"{base}/{pool_id}/login", params={"response_type": "code", "client_id": client["ClientId"], "redirect_uri": CALLBACK}, timeout=10)
    assert css in page.text and f"/{pool_id}/ui/logo" in page.text
    logo = requests.get(set_["ImageUrl"], timeout=10)
    assert logo.status_code == 200 and logo.content == PNG and logo.headers["Content-Type"] == "image/png"
    own = ".background-customizable { background-color: rgb(0, 0, 80); }"
    idp.set_ui_customization(UserPoolId=pool_id, ClientId=client["ClientId"], CSS=own)
    assert idp.get_ui_customization(UserPoolId=pool_id, ClientId=client["ClientId"])["UICustomization"]["CSS"] == own
    assert idp.get_ui_customization(UserPoolId=pool_id)["UICustomization"]["CSS"] == css


def test_managed_login_branding_is_kept_as_data(idp, base):
    pool_id = idp.create_user_pool(PoolName="brand")["UserPool"]["Id"]
    client_id = oauth_client(idp, pool_id)["ClientId"]
    created = idp.create_managed_login_branding(UserPoolId=pool_id, ClientId=client_id, Settings={"components": {"primaryButton": {}}},
                                                Assets=[{"Category": "FAVICON_ICO", "ColorMode": "LIGHT", "Extension": "ICO", "Bytes": b"\x00\x01"}])
    branding = created["ManagedLoginBranding"]
    branding_id = branding["ManagedLoginBrandingId"]
    assert branding["Settings"] == {"components": {"primaryButton": {}}} and branding["Assets"][0]["Bytes"] == b"\x00\x01"
    with pytest.raises(ClientError) as exists:
        idp.create_managed_login_branding(UserPoolId=pool_id, ClientId=client_id, UseCognitoProvidedValues=True)
    assert error_code(exists) == "ManagedLoginBrandingExistsException"
    by_client = idp.describe_managed_login_branding_by_client(UserPoolId=pool_id, ClientId=client_id)["ManagedLoginBranding"]
    assert by_client["ManagedLoginBrandingId"] == branding_id
    updated = idp.update_managed_login_branding(UserPoolId=pool_id, ManagedLoginBrandingId=branding_id, UseCognitoProvidedValues=True)
    assert updated["ManagedLoginBranding"]["UseCognitoProvidedValues"] is True and "Settings" not in updated["ManagedLoginBranding"]
    idp.delete_managed_login_branding(UserPoolId=pool_id, ManagedLoginBrandingId=branding_id)
    with pytest.raises(ClientError) as gone:
        idp.describe_managed_login_branding(UserPoolId=pool_id, ManagedLoginBrandingId=branding_id)
    assert error_code(gone) == "ResourceNotFoundException"
