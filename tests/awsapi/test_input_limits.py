"""Input limits before work, and the inputs the fuzz test found answering 500, each as a regression."""
from __future__ import annotations

import json

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from django.conf import settings
from django.test import Client, override_settings

from awsapi.fronts import limits
from core.errors import SerializationException
from tests.awsapi import wire

pytestmark = pytest.mark.django_db

IDP = "cognito-idp"


def _json_error(response) -> tuple[int, str, str]:
    body = json.loads(response.content)
    return response.status_code, body["__type"], body["message"]


def _raw(model_name: str, name: str, body: bytes, signed: bool = True):
    op = wire.operation(model_name, name)
    _, headers = wire.encode(op, {})
    return wire.post(op, body, headers, signed)


@pytest.fixture
def pool() -> str:
    return wire.ok(IDP, "CreateUserPool", {"PoolName": "limits"})["UserPool"]["Id"]


# Body size and JSON depth: refused before authentication, parsing or validation.

def test_deep_json_is_a_serialization_error_not_a_recursion():
    status, kind, message = _json_error(_raw(IDP, "SignUp", b"[" * 100_000 + b"]" * 100_000, signed=False))
    assert (status, kind) == (400, "SerializationException")
    assert "nesting" in message


def test_depth_scan_ignores_brackets_in_strings_and_stays_linear():
    limits.check_depth(json.dumps({"a": "[" * 10_000}).encode(), 32)
    limits.check_depth(b'"\\"' * 200_000, 32)  # an unterminated string of escaped quotes
    with pytest.raises(SerializationException):
        limits.check_depth(b"[" * 33, 32)
    limits.check_depth(b"[" * 32 + b"]" * 32, 32)


def test_nan_and_infinity_are_not_json():
    status, kind, _ = _json_error(_raw(IDP, "SignUp", b'{"ClientId": NaN}', signed=False))
    assert (status, kind) == (400, "SerializationException")


@override_settings(AWS_MAX_REQUEST_BYTES=1000)
def test_oversized_json_body_is_413():
    status, kind, message = _json_error(_raw(IDP, "SignUp", json.dumps({"ClientId": "x" * 2000}).encode(), signed=False))
    assert (status, kind) == (413, "RequestEntityTooLargeException")
    assert "1000 bytes" in message


def test_body_over_djangos_own_cap_is_413_not_500():
    response = _raw(IDP, "SignUp", b'{"ClientId": "' + b"x" * 3_000_000 + b'"}', signed=False)
    assert response.status_code == 413


@override_settings(AWS_MAX_REQUEST_BYTES=1000)
def test_oversized_query_body_is_413():
    op = wire.operation("iam", "GetUser")
    response = wire.post(op, ("Action=GetUser&Version=2010-05-08&UserName=" + "x" * 2000).encode(),
                         {"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    assert b"<Code>RequestEntityTooLarge</Code>" in response.content


def test_signature_is_checked_before_the_body_is_parsed():
    """A signed operation's body is not parsed for a caller whose signature fails: no parser work,
    and no hint about the body's shape, for someone who may not call."""
    op = wire.operation(IDP, "AdminCreateUser")
    _, headers = wire.encode(op, {})
    status, kind, _ = _json_error(wire.post(op, b"[" * 10_000 + b"]" * 10_000, headers, signed=False))
    assert (status, kind) == (400, "MissingAuthenticationTokenException")
    status, kind, _ = _json_error(wire.post(op, b"{not json", headers, signed=False))
    assert (status, kind) == (400, "MissingAuthenticationTokenException")
    # Signed, the same body is parsed and refused for what it is.
    status, kind, _ = _json_error(wire.post(op, b"{not json", headers))
    assert (status, kind) == (400, "SerializationException")


# Characters and integers the model cannot hold.

def test_nul_in_an_attribute_value_is_refused_in_aws_form(pool):
    response = wire.call(wire.operation(IDP, "AdminCreateUser"), {
        "UserPoolId": pool, "Username": "nul", "MessageAction": "SUPPRESS", "UserAttributes": [{"Name": "name", "Value": "a\x00b"}],
    })
    status, kind, message = _json_error(response)
    assert (status, kind) == (400, "InvalidParameterException")
    assert message == ("1 validation error detected: Value at 'userAttributes.1.member.value' failed to satisfy constraint: "
                       "Member must not contain NUL or unpaired surrogate characters")  # attribute values are sensitive


def test_lone_surrogate_in_a_group_name_is_refused(pool):
    body = b'{"UserPoolId": "%s", "GroupName": "g\\ud800", "Description": "d\\udfff\\u0000"}' % pool.encode()
    status, kind, message = _json_error(_raw(IDP, "CreateGroup", body))
    assert (status, kind) == (400, "InvalidParameterException")
    assert message.startswith("2 validation errors detected: Value 'g\ufffd' at 'groupName' failed to satisfy constraint: ")
    assert "Value 'd\ufffd\ufffd' at 'description'" in message


def test_sensitive_values_are_never_echoed(pool):
    response = wire.call(wire.operation(IDP, "AdminSetUserPassword"), {"UserPoolId": pool, "Username": "u", "Password": "zq\x00zq"})
    status, kind, message = _json_error(response)
    assert (status, kind) == (400, "InvalidParameterException")
    assert "Value at 'password'" in message and "zq" not in message


def test_precedence_beyond_the_integer_range_is_refused(pool):
    response = wire.call(wire.operation(IDP, "CreateGroup"), {"UserPoolId": pool, "GroupName": "big", "Precedence": 2**40})
    status, kind, message = _json_error(response)
    assert (status, kind) == (400, "InvalidParameterException")
    assert "Member must have value less than or equal to 2147483647" in message


def test_long_members_take_64_bit_values_only():
    response = wire.call(wire.operation("cloudtrail", "LookupEvents"), {"StartTime": 0, "MaxResults": 2**40})
    assert response.status_code == 400


@pytest.mark.parametrize("start", [1e300, -1e300, 2**70, 10**400, float(2**62)])
def test_timestamps_beyond_any_datetime_are_refused(start):
    status, kind, message = _json_error(wire.call(wire.operation("cloudtrail", "LookupEvents"), {"StartTime": start}))
    assert (status, kind) == (400, "InvalidParameterException")
    assert "at 'startTime' failed to satisfy constraint: Member must be a timestamp between years 1 and 9999" in message


def test_an_infinite_double_is_refused():
    op = wire.operation("cloudtrail", "LookupEvents")
    _, headers = wire.encode(op, {})
    status, kind, message = _json_error(wire.post(op, b'{"StartTime": 1e999}', headers))
    assert (status, kind) == (400, "InvalidParameterException")
    assert "Member must be a finite number" in message


# Members the model marks optional that a handler cannot do without.

@pytest.mark.parametrize("operation", ["GetDevice", "ForgetDevice"])
def test_device_calls_without_an_access_token(operation):
    response = wire.call(wire.operation(IDP, operation), {"DeviceKey": "us-east-1_0f0f"}, signed=False)
    status, kind, message = _json_error(response)
    assert (status, kind) == (400, "InvalidParameterException")
    assert message == "1 validation error detected: Value null at 'accessToken' failed to satisfy constraint: Member must not be null"


def test_kms_decrypt_without_a_ciphertext():
    status, kind, message = _json_error(wire.call(wire.operation("kms", "Decrypt"), {}))
    assert (status, kind) == (400, "ValidationException")
    assert "ciphertextBlob" in message


def test_kms_generate_data_key_with_null_members():
    response = wire.call(wire.operation("kms", "GenerateDataKey"), {"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "NumberOfBytes": None, "KeySpec": None})
    assert _json_error(response)[:2] == (400, "ValidationException")


# The REST adapter (`/api/v1/...`) shares the limits.

def _rest_post(body: bytes):
    url = "http://testserver/api/v1/userpools"
    request = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(settings.ROOT_ACCESS_KEY_ID, settings.ROOT_SECRET_ACCESS_KEY), "cognito-idp", wire.REGION).add_auth(request)
    extra = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in request.headers.items() if k.lower() != "content-type"}
    return Client().post("/api/v1/userpools", data=body, content_type="application/json", HTTP_HOST="testserver", **extra)


def test_rest_deep_json_is_a_serialization_error():
    status, kind, _ = _json_error(_rest_post(b"[" * 100_000 + b"]" * 100_000))
    assert (status, kind) == (400, "SerializationException")


def test_rest_body_over_djangos_cap_is_413():
    status, kind, _ = _json_error(_rest_post(b"x" * 3_000_000))
    assert (status, kind) == (413, "RequestEntityTooLargeException")


@override_settings(AWS_MAX_REQUEST_BYTES=1000)
def test_rest_body_over_the_limit_is_413():
    status, kind, _ = _json_error(_rest_post(json.dumps({"PoolName": "x" * 2000}).encode()))
    assert (status, kind) == (413, "RequestEntityTooLargeException")


def test_query_integer_of_5000_digits_is_a_validation_error():
    op = wire.operation("iam", "ListUsers")
    response = wire.post(op, b"Action=ListUsers&Version=2010-05-08&MaxItems=" + b"9" * 5000, {"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400
    assert b"<Code>ValidationError</Code>" in response.content
