"""The identity-provider admin operations over the AWS wire with boto3: validation, errors,
defaults per type, identifiers, pagination, app clients naming providers, the signing certificate."""
from __future__ import annotations

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from botocore.exceptions import ClientError
from cryptography import x509

from tests.conftest import error_code
from tests.federation.saml_idp import SSO_URL, SamlIdp, requires_xmlsec1

OIDC_DETAILS = {
    "client_id": "abc", "client_secret": "s3cret", "attributes_request_method": "GET",
    "oidc_issuer": "https://issuer.example.com", "authorize_scopes": "openid email",
}


@pytest.fixture
def metadata(tmp_path):
    return SamlIdp(tmp_path).metadata()


def test_create_describe_list_update_delete_oidc(idp, pool_id):
    created = idp.create_identity_provider(
        UserPoolId=pool_id, ProviderName="Corp", ProviderType="OIDC", ProviderDetails=OIDC_DETAILS,
        AttributeMapping={"email": "email"}, IdpIdentifiers=["corp.example.com"],
    )["IdentityProvider"]
    assert created["ProviderName"] == "Corp" and created["ProviderType"] == "OIDC"
    assert created["ProviderDetails"] == OIDC_DETAILS
    assert created["AttributeMapping"] == {"email": "email"}
    described = idp.describe_identity_provider(UserPoolId=pool_id, ProviderName="Corp")["IdentityProvider"]
    assert described["IdpIdentifiers"] == ["corp.example.com"]
    by_identifier = idp.get_identity_provider_by_identifier(UserPoolId=pool_id, IdpIdentifier="corp.example.com")
    assert by_identifier["IdentityProvider"]["ProviderName"] == "Corp"

    updated = idp.update_identity_provider(
        UserPoolId=pool_id, ProviderName="Corp", ProviderDetails={"authorize_scopes": "openid"}, IdpIdentifiers=["corp2"],
    )["IdentityProvider"]
    assert updated["ProviderDetails"]["authorize_scopes"] == "openid"
    assert updated["ProviderDetails"]["client_secret"] == "s3cret"  # kept: details merge
    with pytest.raises(ClientError) as gone:
        idp.get_identity_provider_by_identifier(UserPoolId=pool_id, IdpIdentifier="corp.example.com")
    assert error_code(gone) == "ResourceNotFoundException"

    listed = idp.list_identity_providers(UserPoolId=pool_id)["Providers"]
    assert [(p["ProviderName"], p["ProviderType"]) for p in listed] == [("Corp", "OIDC")]
    idp.delete_identity_provider(UserPoolId=pool_id, ProviderName="Corp")
    with pytest.raises(ClientError) as missing:
        idp.describe_identity_provider(UserPoolId=pool_id, ProviderName="Corp")
    assert error_code(missing) == "ResourceNotFoundException"


def test_duplicate_names_and_identifiers_are_refused(idp, pool_id):
    idp.create_identity_provider(UserPoolId=pool_id, ProviderName="Corp", ProviderType="OIDC",
                                 ProviderDetails=OIDC_DETAILS, IdpIdentifiers=["corp"])
    with pytest.raises(ClientError) as duplicate:
        idp.create_identity_provider(UserPoolId=pool_id, ProviderName="Corp", ProviderType="OIDC", ProviderDetails=OIDC_DETAILS)
    assert error_code(duplicate) == "DuplicateProviderException"
    with pytest.raises(ClientError) as taken:
        idp.create_identity_provider(UserPoolId=pool_id, ProviderName="Other", ProviderType="OIDC",
                                     ProviderDetails=OIDC_DETAILS, IdpIdentifiers=["corp"])
    assert error_code(taken) == "InvalidParameterException"
    # Nothing half-written: the refused provider does not exist.
    assert [p["ProviderName"] for p in idp.list_identity_providers(UserPoolId=pool_id)["Providers"]] == ["Corp"]


@pytest.mark.parametrize("details, why", [
    ({**OIDC_DETAILS, "oidc_issuer": "http://issuer.example.com"}, "plain http to a remote issuer"),
    ({k: v for k, v in OIDC_DETAILS.items() if k != "client_id"}, "no client_id"),
    ({**OIDC_DETAILS, "attributes_request_method": "PUT"}, "a bad attributes_request_method"),
])
def test_oidc_details_are_checked(idp, pool_id, details, why):
    with pytest.raises(ClientError) as refused:
        idp.create_identity_provider(UserPoolId=pool_id, ProviderName="Corp", ProviderType="OIDC", ProviderDetails=details)
    assert error_code(refused) == "InvalidParameterException", why


def test_loopback_issuers_may_use_plain_http(idp, pool_id):
    details = {**OIDC_DETAILS, "oidc_issuer": "http://127.0.0.1:9/pool"}
    created = idp.create_identity_provider(UserPoolId=pool_id, ProviderName="Local", ProviderType="OIDC", ProviderDetails=details)
    assert created["IdentityProvider"]["ProviderDetails"]["oidc_issuer"] == "http://127.0.0.1:9/pool"


def test_social_presets_fill_in_endpoints_and_take_overrides(idp, pool_id):
    google = idp.create_identity_provider(
        UserPoolId=pool_id, ProviderName="Google", ProviderType="Google",
        ProviderDetails={"client_id": "g", "client_secret": "s", "authorize_scopes": "openid email"},
    )["IdentityProvider"]
    assert google["ProviderDetails"]["authorize_url"] == "https://accounts.google.com/o/oauth2/v2/auth"
    assert google["ProviderDetails"]["oidc_issuer"] == "https://accounts.google.com"
    assert google["AttributeMapping"] == {"username": "sub"}
    facebook = idp.create_identity_provider(
        UserPoolId=pool_id, ProviderName="Facebook", ProviderType="Facebook",
        ProviderDetails={"client_id": "f", "client_secret": "s", "authorize_scopes": "public_profile,email",
                         "token_url": "http://127.0.0.1:9/token"},
    )["IdentityProvider"]
    assert facebook["ProviderDetails"]["token_url"] == "http://127.0.0.1:9/token"
    assert facebook["AttributeMapping"] == {"username": "id"}
    with pytest.raises(ClientError) as misnamed:
        idp.create_identity_provider(UserPoolId=pool_id, ProviderName="MyApple", ProviderType="SignInWithApple",
                                     ProviderDetails={"client_id": "a", "team_id": "t", "key_id": "k", "private_key": "p",
                                                      "authorize_scopes": "email"})
    assert error_code(misnamed) == "InvalidParameterException"


@requires_xmlsec1
def test_saml_provider_from_metadata_file(idp, pool_id, metadata):
    created = idp.create_identity_provider(
        UserPoolId=pool_id, ProviderName="Okta", ProviderType="SAML", ProviderDetails={"MetadataFile": metadata},
        AttributeMapping={"email": "mail"},
    )["IdentityProvider"]
    assert created["ProviderDetails"]["SSORedirectBindingURI"] == SSO_URL
    for bad in ({"MetadataFile": "<not-metadata/>"}, {}, {"MetadataFile": metadata, "MetadataURL": "https://x.example.com/m"}):
        with pytest.raises(ClientError) as refused:
            idp.create_identity_provider(UserPoolId=pool_id, ProviderName="Bad", ProviderType="SAML", ProviderDetails=bad)
        assert error_code(refused) == "InvalidParameterException"


def test_attribute_mapping_names_pool_attributes(idp, pool_id):
    with pytest.raises(ClientError) as refused:
        idp.create_identity_provider(UserPoolId=pool_id, ProviderName="Corp", ProviderType="OIDC",
                                     ProviderDetails=OIDC_DETAILS, AttributeMapping={"custom:nope": "x"})
    assert error_code(refused) == "InvalidParameterException"


def test_list_paginates(idp, pool_id):
    for index in range(3):
        idp.create_identity_provider(UserPoolId=pool_id, ProviderName=f"Prov{index}", ProviderType="OIDC", ProviderDetails=OIDC_DETAILS)
    first = idp.list_identity_providers(UserPoolId=pool_id, MaxResults=2)
    second = idp.list_identity_providers(UserPoolId=pool_id, MaxResults=2, NextToken=first["NextToken"])
    assert [p["ProviderName"] for p in first["Providers"] + second["Providers"]] == ["Prov0", "Prov1", "Prov2"]
    assert "NextToken" not in second


def test_app_clients_name_configured_providers_only(idp, pool_id):
    with pytest.raises(ClientError) as unknown:
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web", SupportedIdentityProviders=["COGNITO", "Corp"])
    assert error_code(unknown) == "InvalidParameterException"
    assert "Corp does not exist" in unknown.value.response["Error"]["Message"]
    idp.create_identity_provider(UserPoolId=pool_id, ProviderName="Corp", ProviderType="OIDC", ProviderDetails=OIDC_DETAILS)
    client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web", SupportedIdentityProviders=["COGNITO", "Corp"])
    client_id = client["UserPoolClient"]["ClientId"]
    idp.delete_identity_provider(UserPoolId=pool_id, ProviderName="Corp")
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]
    assert described["SupportedIdentityProviders"] == ["COGNITO"]


def test_unknown_pool_and_provider(idp, pool_id):
    with pytest.raises(ClientError) as no_pool:
        idp.list_identity_providers(UserPoolId="us-east-1_nopenope1")
    assert error_code(no_pool) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as no_provider:
        idp.delete_identity_provider(UserPoolId=pool_id, ProviderName="Nobody")
    assert error_code(no_provider) == "ResourceNotFoundException"


def test_signing_certificate_is_stable_x509(idp, pool_id):
    first = idp.get_signing_certificate(UserPoolId=pool_id)["Certificate"]
    assert idp.get_signing_certificate(UserPoolId=pool_id)["Certificate"] == first
    certificate = x509.load_der_x509_certificate(base64.b64decode(first))
    assert pool_id in certificate.subject.rfc4514_string()


def _link(idp, pool_id, destination="alice", provider="Corp", attribute="Cognito_Subject", value="ext-1"):
    return idp.admin_link_provider_for_user(
        UserPoolId=pool_id, DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": destination},
        SourceUser={"ProviderName": provider, "ProviderAttributeName": attribute, "ProviderAttributeValue": value},
    )


def test_link_and_disable_errors(idp, pool_id):
    idp.create_identity_provider(UserPoolId=pool_id, ProviderName="Corp", ProviderType="OIDC", ProviderDetails=OIDC_DETAILS)
    idp.admin_create_user(UserPoolId=pool_id, Username="alice", MessageAction="SUPPRESS")
    idp.admin_create_user(UserPoolId=pool_id, Username="bob", MessageAction="SUPPRESS")
    with pytest.raises(ClientError) as no_user:
        _link(idp, pool_id, destination="nobody")
    assert error_code(no_user) == "UserNotFoundException"
    with pytest.raises(ClientError) as no_provider:
        _link(idp, pool_id, provider="Nowhere")
    assert error_code(no_provider) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as not_subject:
        _link(idp, pool_id, attribute="email")
    assert error_code(not_subject) == "InvalidParameterException"

    _link(idp, pool_id)
    identities = next(a["Value"] for a in idp.admin_get_user(UserPoolId=pool_id, Username="alice")["UserAttributes"] if a["Name"] == "identities")
    assert '"providerName":"Corp"' in identities and '"userId":"ext-1"' in identities
    with pytest.raises(ClientError) as taken:
        _link(idp, pool_id, destination="bob")
    assert error_code(taken) == "AliasExistsException"

    target = {"ProviderName": "Corp", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": "ext-1"}
    idp.admin_disable_provider_for_user(UserPoolId=pool_id, User=target)
    attributes = idp.admin_get_user(UserPoolId=pool_id, Username="alice")["UserAttributes"]
    assert next(a["Value"] for a in attributes if a["Name"] == "identities") == "[]"
    with pytest.raises(ClientError) as gone:
        idp.admin_disable_provider_for_user(UserPoolId=pool_id, User=target)
    assert error_code(gone) == "UserNotFoundException"
    _link(idp, pool_id, destination="bob")  # free again


@pytest.fixture
def served(metadata):
    """The IdP metadata served over HTTP on a loopback port, as an IdP publishes it."""
    body = metadata.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/metadata" else 404)
            self.send_header("Content-Type", "application/samlmetadata+xml")
            self.end_headers()
            self.wfile.write(body if self.path == "/metadata" else b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@requires_xmlsec1
def test_saml_provider_from_metadata_url(idp, pool_id, served):
    created = idp.create_identity_provider(UserPoolId=pool_id, ProviderName="Okta", ProviderType="SAML",
                                           ProviderDetails={"MetadataURL": f"{served}/metadata"})["IdentityProvider"]
    assert created["ProviderDetails"]["MetadataURL"] == f"{served}/metadata"
    assert created["ProviderDetails"]["SSORedirectBindingURI"] == SSO_URL
    with pytest.raises(ClientError) as missing:
        idp.create_identity_provider(UserPoolId=pool_id, ProviderName="Gone", ProviderType="SAML",
                                     ProviderDetails={"MetadataURL": f"{served}/nothing-here"})
    assert error_code(missing) == "InvalidParameterException"
    with pytest.raises(ClientError) as remote_http:
        idp.create_identity_provider(UserPoolId=pool_id, ProviderName="Plain", ProviderType="SAML",
                                     ProviderDetails={"MetadataURL": "http://idp.example.com/metadata"})
    assert error_code(remote_http) == "InvalidParameterException"
