"""The REST API over real HTTP, signed with botocore's SigV4 signer like any AWS SDK would."""
from __future__ import annotations

import http.client
import json
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

import pytest
import yaml
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from django.conf import settings

from awsapi import registry
from userpools.api.operations import COGNITO_IDP

pytestmark = pytest.mark.django_db(transaction=True)

API = "/api/v1"


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    raw: bytes

    @property
    def json(self):
        return json.loads(self.raw)


class RestClient:
    def __init__(self, base_url: str, secret: str | None = None, sign: bool = True):
        self.base_url = base_url
        self.netloc = urlsplit(base_url).netloc
        self.credentials = Credentials(settings.ROOT_ACCESS_KEY_ID, secret or settings.ROOT_SECRET_ACCESS_KEY)
        self.sign = sign

    def call(self, method: str, path: str, body=None, query: dict | list | None = None) -> Reply:
        target = API + path + (f"?{urlencode(query, doseq=True, quote_via=quote)}" if query else "")  # SDKs send %20, not +
        data = json.dumps(body).encode() if body is not None else b""
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if self.sign:
            request = AWSRequest(method=method, url=self.base_url + target, data=data, headers=headers)
            SigV4Auth(self.credentials, "cognito-idp", "us-east-1").add_auth(request)
            headers = dict(request.headers.items())
        connection = http.client.HTTPConnection(self.netloc, timeout=30)
        try:
            connection.request(method, target, body=data or None, headers=headers)
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()

    def get(self, path, **query):
        return self.call("GET", path, query=query)

    def post(self, path, body=None):
        return self.call("POST", path, body)

    def put(self, path, body=None):
        return self.call("PUT", path, body)

    def delete(self, path, body=None):
        return self.call("DELETE", path, body)


def has_operation(name: str) -> bool:
    return registry.find(COGNITO_IDP.target_prefix, name) is not None


@pytest.fixture
def api(live_server) -> RestClient:
    return RestClient(live_server.url)


@pytest.fixture
def pool(api) -> str:
    reply = api.post("/userpools", {"PoolName": "rest-pool"})
    assert reply.status == 201, reply.raw
    return reply.json["UserPool"]["Id"]


def assert_error(reply: Reply, status: int, error_type: str) -> dict:
    assert reply.status == status, reply.raw
    body = reply.json
    assert body["__type"] == error_type, body
    assert body["message"]
    return body


# Pools


def test_pool_lifecycle(api):
    created = api.post("/userpools", {"PoolName": "first", "MfaConfiguration": "OFF"})
    assert created.status == 201
    pool = created.json["UserPool"]
    assert pool["Name"] == "first" and pool["Id"].startswith("us-east-1_")
    assert pool["CreationDate"].endswith("Z") and "T" in pool["CreationDate"]  # ISO 8601, not epoch seconds

    described = api.get(f"/userpools/{pool['Id']}")
    assert described.status == 200
    assert described.json["UserPool"]["Policies"]["PasswordPolicy"]["MinimumLength"] == 8

    updated = api.put(f"/userpools/{pool['Id']}", {"Policies": {"PasswordPolicy": {"MinimumLength": 12}}})
    assert updated.status == 204 and updated.raw == b""
    policy = api.get(f"/userpools/{pool['Id']}").json["UserPool"]["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] == 12

    deleted = api.delete(f"/userpools/{pool['Id']}")
    assert deleted.status == 204
    assert_error(api.get(f"/userpools/{pool['Id']}"), 404, "ResourceNotFoundException")


def test_list_pools_paginates_with_query_parameters(api):
    ids = {api.post("/userpools", {"PoolName": f"p{n}"}).json["UserPool"]["Id"] for n in range(3)}
    first = api.get("/userpools", max_results=2)
    assert first.status == 200
    assert len(first.json["UserPools"]) == 2 and first.json["NextToken"]
    rest = api.get("/userpools", max_results=2, next_token=first.json["NextToken"])
    seen = {p["Id"] for p in first.json["UserPools"] + rest.json["UserPools"]}
    assert seen == ids and "NextToken" not in rest.json
    assert {p["Id"] for p in api.get("/userpools").json["UserPools"]} == ids  # MaxResults defaults in REST


def test_custom_attributes(api, pool):
    reply = api.post(f"/userpools/{pool}/custom-attributes", {"CustomAttributes": [{"Name": "tenant", "AttributeDataType": "String"}]})
    assert reply.status == 204
    names = {a["Name"] for a in api.get(f"/userpools/{pool}").json["UserPool"]["SchemaAttributes"]}
    assert "custom:tenant" in names


def test_tags(api, pool):
    if not has_operation("TagResource"):
        pytest.skip("tag operations not registered")
    assert api.put(f"/userpools/{pool}/tags", {"Tags": {"team": "a", "env": "dev"}}).status == 204
    assert api.get(f"/userpools/{pool}/tags").json["Tags"] == {"team": "a", "env": "dev"}
    assert api.delete(f"/userpools/{pool}/tags", {"TagKeys": ["env"]}).status == 204
    assert api.get(f"/userpools/{pool}/tags").json["Tags"] == {"team": "a"}


# Errors and authentication


def test_validation_error_names_the_member(api):
    body = assert_error(api.post("/userpools", {}), 400, "InvalidParameterException")
    assert "'poolName'" in body["message"]
    body = assert_error(api.get("/userpools", max_results="many"), 400, "InvalidParameterException")
    assert "'maxResults'" in body["message"]


def test_unknown_members_and_path_members_in_the_body_are_rejected(api, pool):
    assert "PoolNme" in assert_error(api.post("/userpools", {"PoolNme": "x"}), 400, "InvalidParameterException")["message"]
    body = assert_error(api.put(f"/userpools/{pool}", {"UserPoolId": "us-east-1_other0000"}), 400, "InvalidParameterException")
    assert "URL" in body["message"]
    assert_error(api.get("/userpools", bogus="1"), 400, "InvalidParameterException")
    assert_error(api.call("POST", "/userpools", body=["not", "an", "object"]), 400, "SerializationException")


def test_unsigned_request_is_401(live_server):
    reply = RestClient(live_server.url, sign=False).get("/userpools")
    assert_error(reply, 401, "MissingAuthenticationTokenException")
    assert reply.headers["WWW-Authenticate"] == "AWS4-HMAC-SHA256"


def test_bad_signature_is_401(live_server):
    reply = RestClient(live_server.url, secret="not-the-secret").post("/userpools", {"PoolName": "x"})
    assert_error(reply, 401, "InvalidSignatureException")


def test_tampered_body_is_401(live_server, api):
    request = AWSRequest(method="POST", url=live_server.url + API + "/userpools", data=b'{"PoolName": "a"}',
                         headers={"Content-Type": "application/json"})
    SigV4Auth(api.credentials, "cognito-idp", "us-east-1").add_auth(request)
    connection = http.client.HTTPConnection(api.netloc, timeout=30)
    connection.request("POST", API + "/userpools", body=b'{"PoolName": "b"}', headers=dict(request.headers.items()))
    response = connection.getresponse()
    assert response.status == 401 and json.loads(response.read())["__type"] == "InvalidSignatureException"
    connection.close()


def test_not_found_is_404(api):
    assert_error(api.get("/userpools/us-east-1_missing00"), 404, "ResourceNotFoundException")
    assert_error(api.delete("/userpools/us-east-1_missing00"), 404, "ResourceNotFoundException")


def test_unknown_route_is_a_json_404(api):
    assert "/api/v1/nothing/here" in assert_error(api.get("/nothing/here"), 404, "ResourceNotFoundException")["message"]


def test_wrong_method_is_405(api, pool):
    assert_error(api.post(f"/userpools/{pool}", {}), 405, "MethodNotAllowedException")


# App clients


def test_client_lifecycle_never_leaks_the_secret_in_lists(api, pool):
    created = api.post(f"/userpools/{pool}/clients", {"ClientName": "web", "GenerateSecret": True})
    assert created.status == 201
    client = created.json["UserPoolClient"]
    assert client["ClientSecret"] and client["UserPoolId"] == pool
    path = f"/userpools/{pool}/clients/{client['ClientId']}"
    assert api.get(path).json["UserPoolClient"]["ClientName"] == "web"
    updated = api.put(path, {"ClientName": "web2"})
    assert updated.status == 200 and updated.json["UserPoolClient"]["ClientName"] == "web2"
    listed = api.get(f"/userpools/{pool}/clients", max_results=10).json["UserPoolClients"]
    assert listed == [{"ClientId": client["ClientId"], "UserPoolId": pool, "ClientName": "web2"}]
    assert api.delete(path).status == 204
    assert_error(api.get(path), 404, "ResourceNotFoundException")


# Groups


def test_group_lifecycle_and_duplicate_is_409(api, pool):
    created = api.post(f"/userpools/{pool}/groups", {"GroupName": "admins", "Precedence": 1})
    assert created.status == 201 and created.json["Group"]["GroupName"] == "admins"
    assert_error(api.post(f"/userpools/{pool}/groups", {"GroupName": "admins"}), 409, "GroupExistsException")
    path = f"/userpools/{pool}/groups/admins"
    assert api.put(path, {"Description": "the admins"}).json["Group"]["Description"] == "the admins"
    assert api.get(path).json["Group"]["Precedence"] == 1
    assert [g["GroupName"] for g in api.get(f"/userpools/{pool}/groups").json["Groups"]] == ["admins"]
    assert api.delete(path).status == 204
    assert_error(api.get(path), 404, "ResourceNotFoundException")


# Resource servers: identifiers may hold ':' and '/'


def test_resource_server_with_url_identifier(api, pool):
    identifier = "https://api.example.com/v1"
    created = api.post(f"/userpools/{pool}/resource-servers",
                       {"Identifier": identifier, "Name": "api", "Scopes": [{"ScopeName": "read", "ScopeDescription": "Read"}]})
    assert created.status == 201
    path = f"/userpools/{pool}/resource-servers/{quote(identifier, safe='/')}"
    assert api.get(path).json["ResourceServer"]["Identifier"] == identifier
    assert api.put(path, {"Name": "api2"}).json["ResourceServer"]["Name"] == "api2"
    assert [s["Identifier"] for s in api.get(f"/userpools/{pool}/resource-servers").json["ResourceServers"]] == [identifier]
    assert api.delete(path).status == 204
    assert_error(api.get(path), 404, "ResourceNotFoundException")


# Users (helper B's operations)

needs_users = pytest.mark.skipif(not has_operation("AdminCreateUser"), reason="user operations not registered yet")


@needs_users
def test_user_lifecycle(api, pool):
    created = api.post(f"/userpools/{pool}/users", {
        "Username": "alice", "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}], "MessageAction": "SUPPRESS",
    })
    assert created.status == 201 and created.json["User"]["Username"] == "alice"
    assert_error(api.post(f"/userpools/{pool}/users", {"Username": "alice", "MessageAction": "SUPPRESS"}), 409, "UsernameExistsException")
    user = f"/userpools/{pool}/users/alice"
    got = api.get(user).json
    assert got["UserStatus"] == "FORCE_CHANGE_PASSWORD" and got["UserCreateDate"].endswith("Z")

    assert api.put(f"{user}/attributes", {"UserAttributes": [{"Name": "name", "Value": "Alice"}]}).status == 204
    assert api.delete(f"{user}/attributes", {"UserAttributeNames": ["name"]}).status == 204
    assert "name" not in {a["Name"] for a in api.get(user).json["UserAttributes"]}

    assert api.put(f"{user}/password", {"Password": "Sup3r-Secret!", "Permanent": True}).status == 204
    assert api.get(user).json["UserStatus"] == "CONFIRMED"
    assert api.post(f"{user}/disable").status == 204
    assert api.get(user).json["Enabled"] is False
    assert api.post(f"{user}/enable").status == 204

    listed = api.get(f"/userpools/{pool}/users", filter='username = "alice"', attributes_to_get=["email"], limit=10).json
    assert [u["Username"] for u in listed["Users"]] == ["alice"]
    assert [a["Name"] for a in listed["Users"][0]["Attributes"]] == ["email"]

    assert api.delete(user).status == 204
    assert_error(api.get(user), 404, "UserNotFoundException")


@needs_users
def test_group_membership(api, pool):
    api.post(f"/userpools/{pool}/users", {"Username": "bob", "MessageAction": "SUPPRESS"})
    api.post(f"/userpools/{pool}/groups", {"GroupName": "staff"})
    assert api.post(f"/userpools/{pool}/groups/staff/users", {"Username": "bob"}).status == 204
    assert [u["Username"] for u in api.get(f"/userpools/{pool}/groups/staff/users").json["Users"]] == ["bob"]
    assert [g["GroupName"] for g in api.get(f"/userpools/{pool}/users/bob/groups").json["Groups"]] == ["staff"]
    assert api.delete(f"/userpools/{pool}/groups/staff/users/bob").status == 204
    assert api.get(f"/userpools/{pool}/users/bob/groups").json["Groups"] == []


@needs_users
@pytest.mark.skipif(not has_operation("SignUp"), reason="SignUp not registered yet")
def test_confirm_sign_up(api, pool, idp):
    client_id = idp.create_user_pool_client(UserPoolId=pool, ClientName="app")["UserPoolClient"]["ClientId"]
    idp.sign_up(ClientId=client_id, Username="carol", Password="Sup3r-Secret!")
    assert api.get(f"/userpools/{pool}/users/carol").json["UserStatus"] == "UNCONFIRMED"
    assert api.post(f"/userpools/{pool}/users/carol/confirm").status == 204
    assert api.get(f"/userpools/{pool}/users/carol").json["UserStatus"] == "CONFIRMED"
    assert_error(api.post(f"/userpools/{pool}/users/nobody/confirm"), 404, "UserNotFoundException")


# Routes whose operation is not registered answer 501


def test_route_without_registered_operation_is_501(api, pool, monkeypatch):
    real_find = registry.find
    monkeypatch.setattr(registry, "find", lambda prefix, name: None if name == "ListGroups" else real_find(prefix, name))
    body = assert_error(api.get(f"/userpools/{pool}/groups"), 501, "UnknownOperationException")
    assert "ListGroups" in body["message"]


# OpenAPI


def test_schema_lists_every_route(live_server):
    with urllib.request.urlopen(live_server.url + "/api/schema/", timeout=30) as reply:
        assert reply.status == 200
        document = yaml.safe_load(reply.read())
    assert document["openapi"].startswith("3.")
    operations = {op["operationId"]: (path, method) for path, item in document["paths"].items() for method, op in item.items()}
    assert operations["CreateUserPool"] == ("/api/v1/userpools", "post")
    assert operations["DescribeResourceServer"] == ("/api/v1/userpools/{pool_id}/resource-servers/{identifier}", "get")
    assert operations["AdminAddUserToGroup"] == ("/api/v1/userpools/{pool_id}/groups/{group_name}/users", "post")
    create = document["paths"]["/api/v1/userpools"]["post"]
    assert create["summary"] == "CreateUserPool"
    assert create["requestBody"]["content"]["application/json"]["schema"]["required"] == ["PoolName"]
    assert create["responses"]["201"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/CreateUserPoolResponse"}
    assert "UserPoolType" in document["components"]["schemas"]


def test_schema_generates_without_warnings_and_validates(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/userpools/{pool_id}/users" in yaml.safe_load((tmp_path / "schema.yaml").read_text())["paths"]
