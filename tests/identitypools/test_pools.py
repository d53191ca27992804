"""Identity pool management over boto3 cognito-identity: CRUD, roles and role mappings, tags,
principal-tag maps, identities, and IAM authorization of the signed operations."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code
from tests.iam.support import allow, client_for, doc, user_with_key
from tests.identitypools.support import ACCOUNT, provider_name, root_clients, unsigned


@pytest.fixture
def ci(live_server):
    return root_clients(live_server.url)["cognito-identity"]


def test_pool_lifecycle(live_server, ci):
    created = ci.create_identity_pool(
        IdentityPoolName="mine", AllowUnauthenticatedIdentities=False, AllowClassicFlow=True, DeveloperProviderName="login.example.com",
        CognitoIdentityProviders=[{"ProviderName": provider_name("us-east-1_abc"), "ClientId": "client1", "ServerSideTokenCheck": False}],
        IdentityPoolTags={"team": "a"},
    )
    pool_id = created["IdentityPoolId"]
    assert pool_id.startswith("us-east-1:") and len(pool_id) == len("us-east-1:") + 36
    got = ci.describe_identity_pool(IdentityPoolId=pool_id)
    assert got["IdentityPoolName"] == "mine" and got["AllowClassicFlow"] is True and got["DeveloperProviderName"] == "login.example.com"
    assert got["IdentityPoolTags"] == {"team": "a"}
    updated = ci.update_identity_pool(IdentityPoolId=pool_id, IdentityPoolName="renamed", AllowUnauthenticatedIdentities=True,
                                      DeveloperProviderName="login.example.com")
    assert updated["IdentityPoolName"] == "renamed" and updated["AllowUnauthenticatedIdentities"] is True
    with pytest.raises(ClientError) as excinfo:  # a developer provider name cannot change once set
        ci.update_identity_pool(IdentityPoolId=pool_id, IdentityPoolName="x", AllowUnauthenticatedIdentities=True, DeveloperProviderName="other")
    assert error_code(excinfo) == "InvalidParameterException"
    second = ci.create_identity_pool(IdentityPoolName="second", AllowUnauthenticatedIdentities=True)["IdentityPoolId"]
    page = ci.list_identity_pools(MaxResults=1)
    assert len(page["IdentityPools"]) == 1 and page["NextToken"]
    rest = ci.list_identity_pools(MaxResults=10, NextToken=page["NextToken"])
    assert {p["IdentityPoolId"] for p in page["IdentityPools"] + rest["IdentityPools"]} == {pool_id, second}
    ci.delete_identity_pool(IdentityPoolId=pool_id)
    with pytest.raises(ClientError) as excinfo:
        ci.describe_identity_pool(IdentityPoolId=pool_id)
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_saml_and_unknown_oidc_providers_are_refused(ci):
    with pytest.raises(ClientError) as excinfo:
        ci.create_identity_pool(IdentityPoolName="s", AllowUnauthenticatedIdentities=False, SamlProviderARNs=[f"arn:aws:iam::{ACCOUNT}:saml-provider/x"])
    assert error_code(excinfo) == "InvalidParameterException" and "SAML" in str(excinfo.value)
    with pytest.raises(ClientError) as excinfo:
        ci.create_identity_pool(IdentityPoolName="o", AllowUnauthenticatedIdentities=False,
                                OpenIdConnectProviderARNs=[f"arn:aws:iam::{ACCOUNT}:oidc-provider/nowhere.example.com"])
    assert error_code(excinfo) == "InvalidParameterException"


def test_roles_role_mappings_and_tag_maps(ci):
    pool_id = ci.create_identity_pool(IdentityPoolName="r", AllowUnauthenticatedIdentities=True)["IdentityPoolId"]
    auth, guest = f"arn:aws:iam::{ACCOUNT}:role/a", f"arn:aws:iam::{ACCOUNT}:role/g"
    mappings = {
        f"{provider_name('us-east-1_abc')}:client1": {"Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"},
        "issuer.example.com": {
            "Type": "Rules", "AmbiguousRoleResolution": "Deny",
            "RulesConfiguration": {"Rules": [{"Claim": "dept", "MatchType": "Equals", "Value": "eng", "RoleARN": auth}]},
        },
    }
    ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": auth, "unauthenticated": guest}, RoleMappings=mappings)
    got = ci.get_identity_pool_roles(IdentityPoolId=pool_id)
    assert got["Roles"] == {"authenticated": auth, "unauthenticated": guest} and got["RoleMappings"] == mappings
    with pytest.raises(ClientError) as excinfo:
        ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"admins": auth})
    assert error_code(excinfo) == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:
        ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={}, RoleMappings={"x": {"Type": "Rules", "AmbiguousRoleResolution": "Deny"}})
    assert error_code(excinfo) == "InvalidParameterException"
    out = ci.set_principal_tag_attribute_map(IdentityPoolId=pool_id, IdentityProviderName="issuer.example.com", UseDefaults=False,
                                             PrincipalTags={"dept": "custom:dept"})
    assert out["PrincipalTags"] == {"dept": "custom:dept"} and out["UseDefaults"] is False
    got = ci.get_principal_tag_attribute_map(IdentityPoolId=pool_id, IdentityProviderName="issuer.example.com")
    assert got["PrincipalTags"] == {"dept": "custom:dept"} and got["IdentityProviderName"] == "issuer.example.com"


def test_tags(ci):
    pool_id = ci.create_identity_pool(IdentityPoolName="t", AllowUnauthenticatedIdentities=True)["IdentityPoolId"]
    arn = f"arn:aws:cognito-identity:us-east-1:{ACCOUNT}:identitypool/{pool_id}"
    ci.tag_resource(ResourceArn=arn, Tags={"a": "1", "b": "2"})
    ci.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert ci.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"b": "2"}
    with pytest.raises(ClientError) as excinfo:
        ci.list_tags_for_resource(ResourceArn=arn.replace(pool_id, "us-east-1:00000000-0000-0000-0000-000000000000"))
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_identities_list_describe_delete(live_server, ci):
    pool_id = ci.create_identity_pool(IdentityPoolName="g", AllowUnauthenticatedIdentities=True)["IdentityPoolId"]
    anonymous = unsigned(live_server.url)
    made = {anonymous.get_id(IdentityPoolId=pool_id)["IdentityId"] for _ in range(3)}
    assert len(made) == 3  # each guest GetId without logins is a new identity
    page = ci.list_identities(IdentityPoolId=pool_id, MaxResults=2)
    rest = ci.list_identities(IdentityPoolId=pool_id, MaxResults=2, NextToken=page["NextToken"])
    assert {i["IdentityId"] for i in page["Identities"] + rest["Identities"]} == made
    one = sorted(made)[0]
    described = ci.describe_identity(IdentityId=one)
    assert described["IdentityId"] == one and described["Logins"] == [] and described["CreationDate"]
    assert ci.delete_identities(IdentityIdsToDelete=[one])["UnprocessedIdentityIds"] == []
    with pytest.raises(ClientError) as excinfo:
        ci.describe_identity(IdentityId=one)
    assert error_code(excinfo) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        anonymous.get_credentials_for_identity(IdentityId=one)
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_signed_operations_are_authorized_by_iam(live_server, ci):
    iam = root_clients(live_server.url)["iam"]
    allowed = ci.create_identity_pool(IdentityPoolName="mine", AllowUnauthenticatedIdentities=True)["IdentityPoolId"]
    other = ci.create_identity_pool(IdentityPoolName="theirs", AllowUnauthenticatedIdentities=True)["IdentityPoolId"]
    key = user_with_key(iam, "pool-reader", doc(allow("cognito-identity:DescribeIdentityPool",
                                                      f"arn:aws:cognito-identity:us-east-1:{ACCOUNT}:identitypool/{allowed}")))
    reader = client_for(live_server.url, "cognito-identity", *key)
    assert reader.describe_identity_pool(IdentityPoolId=allowed)["IdentityPoolName"] == "mine"
    with pytest.raises(ClientError) as excinfo:
        reader.describe_identity_pool(IdentityPoolId=other)
    assert error_code(excinfo) == "AccessDeniedException"
    with pytest.raises(ClientError) as excinfo:
        reader.create_identity_pool(IdentityPoolName="nope", AllowUnauthenticatedIdentities=True)
    assert error_code(excinfo) == "AccessDeniedException"
    with pytest.raises(ClientError) as excinfo:  # management operations need a signature
        unsigned(live_server.url).describe_identity_pool(IdentityPoolId=allowed)
    assert error_code(excinfo) in ("MissingAuthenticationTokenException", "UnrecognizedClientException", "AccessDeniedException")
