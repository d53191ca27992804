"""The AWS JSON 1.1 protocol and SigV4 authentication, over real HTTP."""
from __future__ import annotations

import io
import json
import urllib.error
import urllib.request

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from django.conf import settings
from django.core.management import call_command

from iam.models import Principal
from iam.services import create_access_key
from tests.conftest import error_code, make_client

pytestmark = pytest.mark.django_db(transaction=True)
TARGET = "AWSCognitoIdentityProviderService."


def post(url: str, target: str, body: bytes, key_id=None, secret=None, sign=True) -> tuple[int, dict]:
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target}
    request = AWSRequest(method="POST", url=url + "/", data=body, headers=headers)
    if sign:
        credentials = Credentials(key_id or settings.ROOT_ACCESS_KEY_ID, secret or settings.ROOT_SECRET_ACCESS_KEY)
        SigV4Auth(credentials, "cognito-idp", "us-east-1").add_auth(request)
    prepared = urllib.request.Request(url + "/", data=body, headers=dict(request.headers.items()), method="POST")
    try:
        with urllib.request.urlopen(prepared) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_unknown_operation(live_server):
    status, body = post(live_server.url, TARGET + "NoSuchThing", b"{}")
    assert status == 400 and body["__type"] == "UnknownOperationException"


def test_malformed_json_is_serialization_error(live_server):
    status, body = post(live_server.url, TARGET + "ListUserPools", b"{not json")
    assert status == 400 and body["__type"] == "SerializationException"


def test_missing_member_names_it(live_server):
    status, body = post(live_server.url, TARGET + "ListUserPools", b"{}")
    assert status == 400 and body["__type"] == "InvalidParameterException"
    assert "'maxResults'" in body["message"] and "must not be null" in body["message"]


def test_mistyped_and_out_of_range_members(live_server):
    status, body = post(live_server.url, TARGET + "ListUserPools", json.dumps({"MaxResults": "ten"}).encode())
    assert body["__type"] == "InvalidParameterException" and "'maxResults'" in body["message"]
    status, body = post(live_server.url, TARGET + "ListUserPools", json.dumps({"MaxResults": 61}).encode())
    assert body["__type"] == "InvalidParameterException"
    assert "less than or equal to 60" in body["message"]
    status, body = post(live_server.url, TARGET + "DescribeUserPool", json.dumps({"UserPoolId": "bad id!"}).encode())
    assert body["__type"] == "InvalidParameterException" and "regular expression pattern" in body["message"]


def test_nested_enum_is_checked(live_server):
    payload = {"PoolName": "p", "MfaConfiguration": "SOMETIMES"}
    status, body = post(live_server.url, TARGET + "CreateUserPool", json.dumps(payload).encode())
    assert body["__type"] == "InvalidParameterException" and "enum value set" in body["message"]


def test_unsigned_admin_call_is_refused(unsigned_idp):
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.list_user_pools(MaxResults=10)
    assert error_code(excinfo) == "MissingAuthenticationTokenException"


def test_unknown_access_key(live_server):
    client = make_client(live_server.url, key_id="AKIANOTAREALKEY00000", secret="whatever")
    with pytest.raises(ClientError) as excinfo:
        client.list_user_pools(MaxResults=10)
    assert error_code(excinfo) == "UnrecognizedClientException"


def test_wrong_secret(live_server):
    client = make_client(live_server.url, secret="not-the-secret")
    with pytest.raises(ClientError) as excinfo:
        client.list_user_pools(MaxResults=10)
    assert error_code(excinfo) == "InvalidSignatureException"


def test_tampered_body_after_signing(live_server):
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + "ListUserPools"}
    request = AWSRequest(method="POST", url=live_server.url + "/", data=b'{"MaxResults": 1}', headers=headers)
    SigV4Auth(Credentials(settings.ROOT_ACCESS_KEY_ID, settings.ROOT_SECRET_ACCESS_KEY), "cognito-idp", "us-east-1").add_auth(request)
    tampered = urllib.request.Request(live_server.url + "/", data=b'{"MaxResults": 2}', headers=dict(request.headers.items()), method="POST")
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(tampered)
    assert json.loads(excinfo.value.read())["__type"] == "InvalidSignatureException"


def test_non_root_principal_is_denied_until_policies_exist(live_server):
    key = create_access_key(Principal.objects.create(name="alice"))
    client = make_client(live_server.url, key_id=key.access_key_id, secret=key.secret_access_key)
    with pytest.raises(ClientError) as excinfo:
        client.list_user_pools(MaxResults=10)
    assert error_code(excinfo) == "AccessDeniedException"
    assert "arn:aws:iam::000000000000:user/alice" in excinfo.value.response["Error"]["Message"]


def test_inactive_key_is_unrecognized(live_server):
    key = create_access_key(Principal.objects.get_or_create(name="root", defaults={"is_root": True})[0])
    client = make_client(live_server.url, key_id=key.access_key_id, secret=key.secret_access_key)
    assert "UserPools" in client.list_user_pools(MaxResults=1)
    # Deactivated as UpdateAccessKey and the admin do it: a save, which every process's key cache hears.
    stored = Principal.objects.get(name="root").access_keys.get(access_key_id=key.access_key_id)
    stored.status = "Inactive"
    stored.save(update_fields=["status"])
    with pytest.raises(ClientError) as excinfo:
        client.list_user_pools(MaxResults=1)
    assert error_code(excinfo) == "UnrecognizedClientException"


def test_createaccesskey_prints_a_working_root_key(live_server):
    out = io.StringIO()
    call_command("createaccesskey", "--root", stdout=out)
    values = dict(line.split("=", 1) for line in out.getvalue().split())
    assert values["AWS_ACCESS_KEY_ID"].startswith("AKIA") and len(values["AWS_ACCESS_KEY_ID"]) == 20
    client = make_client(live_server.url, key_id=values["AWS_ACCESS_KEY_ID"], secret=values["AWS_SECRET_ACCESS_KEY"])
    assert client.list_user_pools(MaxResults=1)["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_secrets_are_encrypted_at_rest(live_server):
    from iam.models import AccessKey

    key = create_access_key(Principal.objects.create(name="bob"))
    stored = AccessKey.objects.get(access_key_id=key.access_key_id)
    assert key.secret_access_key not in stored.secret_encrypted
    assert stored.secret == key.secret_access_key


def test_get_on_root_describes_the_service(live_server):
    with urllib.request.urlopen(live_server.url + "/") as response:
        assert json.loads(response.read())["protocols"] == ["json-1.1"]


def test_internal_fault_is_500_without_traceback(live_server, monkeypatch):
    from userpools.services import pools

    def explode(pool_id):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(pools, "get_pool", explode)
    status, body = post(live_server.url, TARGET + "DescribeUserPool", json.dumps({"UserPoolId": "us-east-1_abcdefghi"}).encode())
    assert status == 500 and body == {"__type": "InternalErrorException", "message": "Internal server error."}
