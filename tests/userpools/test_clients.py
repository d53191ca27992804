import re

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_create_client_has_cognito_defaults(idp, pool_id):
    client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web")["UserPoolClient"]
    assert re.fullmatch(r"[a-z0-9]{26}", client["ClientId"])
    assert "ClientSecret" not in client
    assert client["UserPoolId"] == pool_id and client["ClientName"] == "web"
    assert client["RefreshTokenValidity"] == 30
    assert client["AccessTokenValidity"] == 60 and client["IdTokenValidity"] == 60
    assert client["TokenValidityUnits"] == {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"}
    assert client["ExplicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"]
    assert client["PreventUserExistenceErrors"] == "LEGACY"
    assert client["EnableTokenRevocation"] is True
    assert client["AuthSessionValidity"] == 3
    assert client["AllowedOAuthFlowsUserPoolClient"] is False
    assert "ReadAttributes" not in client and "CallbackURLs" not in client
    assert client["CreationDate"].year >= 2024


def test_generated_secret_is_returned_by_create_and_describe(idp, pool_id):
    created = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="server", GenerateSecret=True)["UserPoolClient"]
    assert re.fullmatch(r"[a-z0-9]{51,52}", created["ClientSecret"])
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=created["ClientId"])["UserPoolClient"]
    assert described["ClientSecret"] == created["ClientSecret"]
    other = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="server", GenerateSecret=True)["UserPoolClient"]
    assert other["ClientSecret"] != created["ClientSecret"] and other["ClientId"] != created["ClientId"]


def test_custom_secret_and_conflict_with_generate(idp, pool_id):
    secret = "my-own-secret-value-0123456789".replace("-", "")
    created = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c", ClientSecret=secret)["UserPoolClient"]
    assert created["ClientSecret"] == secret
    with pytest.raises(ClientError) as excinfo:
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c", ClientSecret=secret, GenerateSecret=True)
    assert error_code(excinfo) == "InvalidParameterException"


def test_token_validity_units_and_ranges(idp, pool_id):
    client = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", AccessTokenValidity=2, IdTokenValidity=30, RefreshTokenValidity=7,
        TokenValidityUnits={"IdToken": "minutes"},
    )["UserPoolClient"]
    assert client["AccessTokenValidity"] == 2 and client["TokenValidityUnits"]["AccessToken"] == "hours"
    assert client["IdTokenValidity"] == 30 and client["TokenValidityUnits"]["IdToken"] == "minutes"
    assert client["RefreshTokenValidity"] == 7 and client["TokenValidityUnits"]["RefreshToken"] == "days"
    for bad in (
        {"AccessTokenValidity": 2, "TokenValidityUnits": {"AccessToken": "days"}},  # more than a day
        {"IdTokenValidity": 4, "TokenValidityUnits": {"IdToken": "minutes"}},  # less than five minutes
        {"RefreshTokenValidity": 30, "TokenValidityUnits": {"RefreshToken": "minutes"}},  # less than an hour
        {"RefreshTokenValidity": 3651},  # more than ten years
    ):
        with pytest.raises(ClientError) as excinfo:
            idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c", **bad)
        assert error_code(excinfo) == "InvalidParameterException"
        assert excinfo.value.response["Error"]["Message"] == "Invalid range for token validity."


def test_unit_without_value_keeps_the_default_duration(idp, pool_id):
    client = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", TokenValidityUnits={"AccessToken": "seconds", "RefreshToken": "hours"}
    )["UserPoolClient"]
    assert client["AccessTokenValidity"] == 3600 and client["TokenValidityUnits"]["AccessToken"] == "seconds"
    assert client["RefreshTokenValidity"] == 720 and client["TokenValidityUnits"]["RefreshToken"] == "hours"


def test_refresh_validity_zero_means_default(idp, pool_id):
    client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c", RefreshTokenValidity=0)["UserPoolClient"]
    assert client["RefreshTokenValidity"] == 30 and client["TokenValidityUnits"]["RefreshToken"] == "days"


def test_explicit_auth_flows(idp, pool_id):
    client = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]
    assert client["ExplicitAuthFlows"] == ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    legacy = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH"])
    assert legacy["UserPoolClient"]["ExplicitAuthFlows"] == ["ADMIN_NO_SRP_AUTH"]
    with pytest.raises(ClientError) as excinfo:
        idp.create_user_pool_client(
            UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH", "ALLOW_USER_SRP_AUTH"]
        )
    assert error_code(excinfo) == "InvalidParameterException"


def test_read_and_write_attributes_must_be_in_schema(idp):
    pool_id = idp.create_user_pool(
        PoolName="attrs", Schema=[{"Name": "tenant", "AttributeDataType": "String", "Mutable": True}]
    )["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", ReadAttributes=["email", "custom:tenant"], WriteAttributes=["email"]
    )["UserPoolClient"]
    assert client["ReadAttributes"] == ["email", "custom:tenant"] and client["WriteAttributes"] == ["email"]
    with pytest.raises(ClientError) as excinfo:
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c", ReadAttributes=["custom:nope"])
    assert error_code(excinfo) == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c", WriteAttributes=["sub"])
    assert error_code(excinfo) == "InvalidParameterException"


def test_oauth_settings_are_stored(idp, pool_id):
    idp.create_resource_server(
        UserPoolId=pool_id, Identifier="https://api.example.com", Name="api", Scopes=[{"ScopeName": "read", "ScopeDescription": "r"}]
    )
    client = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email", "https://api.example.com/read"],
        CallbackURLs=["https://app.example.com/cb", "http://localhost:3000/cb", "myapp://cb"],
        LogoutURLs=["https://app.example.com/bye"], DefaultRedirectURI="https://app.example.com/cb",
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"])["UserPoolClient"]
    assert described["AllowedOAuthFlowsUserPoolClient"] is True
    assert described["AllowedOAuthFlows"] == ["code"]
    assert described["AllowedOAuthScopes"] == ["openid", "email", "https://api.example.com/read"]
    assert described["CallbackURLs"][0] == "https://app.example.com/cb"
    assert described["LogoutURLs"] == ["https://app.example.com/bye"]
    assert described["DefaultRedirectURI"] == "https://app.example.com/cb"
    assert described["SupportedIdentityProviders"] == ["COGNITO"]


@pytest.mark.parametrize(
    ("settings", "code"),
    [
        ({"AllowedOAuthFlowsUserPoolClient": True, "AllowedOAuthFlows": ["code"]}, "InvalidParameterException"),
        ({"AllowedOAuthFlowsUserPoolClient": True, "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid"]}, "InvalidOAuthFlowException"),
        ({"AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthScopes": ["x/y"]}, "InvalidOAuthFlowException"),
        ({"AllowedOAuthFlows": ["client_credentials", "code"], "GenerateSecret": True, "CallbackURLs": ["https://a.example/cb"]}, "InvalidOAuthFlowException"),
        ({"AllowedOAuthScopes": ["https://nowhere.example/read"]}, "ScopeDoesNotExistException"),
        ({"AllowedOAuthScopes": ["not-a-standard-scope"]}, "ScopeDoesNotExistException"),
        ({"CallbackURLs": ["http://app.example.com/cb"]}, "InvalidParameterException"),
        ({"CallbackURLs": ["https://app.example.com/cb#frag"]}, "InvalidParameterException"),
        ({"CallbackURLs": ["https://a.example/cb"], "DefaultRedirectURI": "https://b.example/cb"}, "InvalidParameterException"),
    ],
)
def test_invalid_oauth_settings(idp, pool_id, settings, code):
    with pytest.raises(ClientError) as excinfo:
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c", **settings)
    assert error_code(excinfo) == code


def test_client_credentials_with_secret_and_custom_scope(idp, pool_id):
    idp.create_resource_server(UserPoolId=pool_id, Identifier="orders", Name="orders", Scopes=[{"ScopeName": "write", "ScopeDescription": "w"}])
    client = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="m2m", GenerateSecret=True, AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"], AllowedOAuthScopes=["orders/write"],
    )["UserPoolClient"]
    assert client["AllowedOAuthFlows"] == ["client_credentials"] and client["ClientSecret"]
    with pytest.raises(ClientError) as excinfo:
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName="m2m", AllowedOAuthScopes=["orders/read"])
    assert error_code(excinfo) == "ScopeDoesNotExistException"


def test_update_client_resets_omitted_members_and_keeps_secret(idp, pool_id):
    created = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", GenerateSecret=True, PreventUserExistenceErrors="ENABLED",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"], AccessTokenValidity=2, ReadAttributes=["email"],
    )["UserPoolClient"]
    updated = idp.update_user_pool_client(
        UserPoolId=pool_id, ClientId=created["ClientId"], ClientName="renamed", EnableTokenRevocation=False
    )["UserPoolClient"]
    assert updated["ClientName"] == "renamed"
    assert updated["ClientSecret"] == created["ClientSecret"]
    assert updated["PreventUserExistenceErrors"] == "LEGACY"
    assert updated["ExplicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"]
    assert updated["AccessTokenValidity"] == 60 and updated["TokenValidityUnits"]["AccessToken"] == "minutes"
    assert updated["EnableTokenRevocation"] is False
    assert "ReadAttributes" not in updated
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=created["ClientId"])["UserPoolClient"]
    assert described == updated


def test_update_client_validates_like_create(idp, pool_id):
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c")["UserPoolClient"]["ClientId"]
    with pytest.raises(ClientError) as excinfo:
        idp.update_user_pool_client(UserPoolId=pool_id, ClientId=client_id, AllowedOAuthFlows=["client_credentials"])
    assert error_code(excinfo) == "InvalidOAuthFlowException"
    assert idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"].get("AllowedOAuthFlows") is None


def test_delete_and_missing_clients(idp, pool_id):
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c")["UserPoolClient"]["ClientId"]
    idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    for call in (
        lambda: idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id),
        lambda: idp.update_user_pool_client(UserPoolId=pool_id, ClientId=client_id),
        lambda: idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_code(excinfo) == "ResourceNotFoundException"
        assert excinfo.value.response["Error"]["Message"] == f"User pool client {client_id} does not exist."


def test_client_of_another_pool_is_not_found(idp, pool_id):
    other_pool = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=other_pool, ClientName="c")["UserPoolClient"]["ClientId"]
    with pytest.raises(ClientError) as excinfo:
        idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    assert error_code(excinfo) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        idp.create_user_pool_client(UserPoolId="us-east-1_missing00", ClientName="c")
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_list_clients_paginates(idp, pool_id):
    ids = {idp.create_user_pool_client(UserPoolId=pool_id, ClientName=f"c{i}")["UserPoolClient"]["ClientId"] for i in range(5)}
    other_pool = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    idp.create_user_pool_client(UserPoolId=other_pool, ClientName="elsewhere")
    seen, token = [], None
    while True:
        page = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=2, **({"NextToken": token} if token else {}))
        assert len(page["UserPoolClients"]) <= 2
        assert all(set(c) == {"ClientId", "UserPoolId", "ClientName"} for c in page["UserPoolClients"])
        seen += [c["ClientId"] for c in page["UserPoolClients"]]
        token = page.get("NextToken")
        if not token:
            break
    assert set(seen) == ids and len(seen) == 5
    paginator = idp.get_paginator("list_user_pool_clients")
    assert sum(len(p["UserPoolClients"]) for p in paginator.paginate(UserPoolId=pool_id, MaxResults=3)) == 5
    with pytest.raises(ClientError) as excinfo:
        idp.list_user_pool_clients(UserPoolId=other_pool, MaxResults=2, NextToken=page.get("NextToken") or "bogus")
    assert error_code(excinfo) == "InvalidParameterException"
