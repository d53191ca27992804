import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code

pytestmark = pytest.mark.django_db(transaction=True)

SCOPES = [{"ScopeName": "read", "ScopeDescription": "Read"}, {"ScopeName": "write", "ScopeDescription": "Write"}]


def test_create_and_describe(idp, pool_id):
    created = idp.create_resource_server(UserPoolId=pool_id, Identifier="https://api.example.com", Name="api", Scopes=SCOPES)
    assert created["ResourceServer"] == {
        "UserPoolId": pool_id, "Identifier": "https://api.example.com", "Name": "api", "Scopes": SCOPES
    }
    described = idp.describe_resource_server(UserPoolId=pool_id, Identifier="https://api.example.com")
    assert described["ResourceServer"] == created["ResourceServer"]
    bare = idp.create_resource_server(UserPoolId=pool_id, Identifier="bare", Name="bare")["ResourceServer"]
    assert bare["Scopes"] == []


def test_duplicate_identifier_is_rejected(idp, pool_id):
    idp.create_resource_server(UserPoolId=pool_id, Identifier="orders", Name="orders")
    with pytest.raises(ClientError) as excinfo:
        idp.create_resource_server(UserPoolId=pool_id, Identifier="orders", Name="again")
    assert error_code(excinfo) == "InvalidParameterException"
    other_pool = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    assert idp.create_resource_server(UserPoolId=other_pool, Identifier="orders", Name="orders")["ResourceServer"]


def test_duplicate_scope_names_are_rejected(idp, pool_id):
    with pytest.raises(ClientError) as excinfo:
        idp.create_resource_server(UserPoolId=pool_id, Identifier="x", Name="x", Scopes=[SCOPES[0], SCOPES[0]])
    assert error_code(excinfo) == "InvalidParameterException"


def test_update_replaces_name_and_scopes(idp, pool_id):
    idp.create_resource_server(UserPoolId=pool_id, Identifier="orders", Name="orders", Scopes=SCOPES)
    updated = idp.update_resource_server(UserPoolId=pool_id, Identifier="orders", Name="Orders API", Scopes=SCOPES[:1])
    assert updated["ResourceServer"]["Name"] == "Orders API" and updated["ResourceServer"]["Scopes"] == SCOPES[:1]
    idp.update_resource_server(UserPoolId=pool_id, Identifier="orders", Name="Orders API")
    described = idp.describe_resource_server(UserPoolId=pool_id, Identifier="orders")["ResourceServer"]
    assert described["Scopes"] == []  # scopes left out are removed, as AWS documents
    with pytest.raises(ClientError) as excinfo:
        idp.update_resource_server(UserPoolId=pool_id, Identifier="missing", Name="m")
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_delete_and_missing(idp, pool_id):
    idp.create_resource_server(UserPoolId=pool_id, Identifier="orders", Name="orders")
    idp.delete_resource_server(UserPoolId=pool_id, Identifier="orders")
    for call in (
        lambda: idp.describe_resource_server(UserPoolId=pool_id, Identifier="orders"),
        lambda: idp.delete_resource_server(UserPoolId=pool_id, Identifier="orders"),
        lambda: idp.create_resource_server(UserPoolId="us-east-1_missing00", Identifier="orders", Name="o"),
        lambda: idp.list_resource_servers(UserPoolId="us-east-1_missing00", MaxResults=5),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_code(excinfo) == "ResourceNotFoundException"


def test_deleted_server_scopes_no_longer_grantable(idp, pool_id):
    idp.create_resource_server(UserPoolId=pool_id, Identifier="orders", Name="orders", Scopes=SCOPES)
    idp.delete_resource_server(UserPoolId=pool_id, Identifier="orders")
    with pytest.raises(ClientError) as excinfo:
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c", AllowedOAuthScopes=["orders/read"])
    assert error_code(excinfo) == "ScopeDoesNotExistException"


def test_limit_per_pool(idp, pool_id):
    for i in range(25):
        idp.create_resource_server(UserPoolId=pool_id, Identifier=f"rs{i}", Name=f"rs{i}")
    with pytest.raises(ClientError) as excinfo:
        idp.create_resource_server(UserPoolId=pool_id, Identifier="one-too-many", Name="x")
    assert error_code(excinfo) == "LimitExceededException"


def test_list_paginates(idp, pool_id):
    identifiers = [f"https://api{i}.example.com" for i in range(5)]
    for identifier in identifiers:
        idp.create_resource_server(UserPoolId=pool_id, Identifier=identifier, Name="api", Scopes=SCOPES)
    seen, token = [], None
    while True:
        page = idp.list_resource_servers(UserPoolId=pool_id, MaxResults=2, **({"NextToken": token} if token else {}))
        assert len(page["ResourceServers"]) <= 2
        assert all(rs["Scopes"] == SCOPES and rs["UserPoolId"] == pool_id for rs in page["ResourceServers"])
        seen += [rs["Identifier"] for rs in page["ResourceServers"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == sorted(identifiers)
    paginator = idp.get_paginator("list_resource_servers")
    assert sum(len(p["ResourceServers"]) for p in paginator.paginate(UserPoolId=pool_id, MaxResults=3)) == 5
