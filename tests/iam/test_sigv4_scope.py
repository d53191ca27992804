"""The SigV4 credential scope must name our region and the service the request is for, and a
signed JSON call must sign its X-Amz-Target (issue 13, parts 6 and 7). Each refusal failed
before the fix; the acceptances are the compatibility the fix keeps.

AWS's wording: "Credential should be scoped to a valid region." and "Credential should be scoped
to correct service: '<signing name>'.", as InvalidSignatureException on JSON services and
SignatureDoesNotMatch (403) on the query protocol (IAM, STS).
"""
from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from django.conf import settings

from tests.conftest import REGION, error_code

pytestmark = pytest.mark.django_db(transaction=True)

WRONG_REGION = "Credential should be scoped to a valid region."
TARGET = "AWSCognitoIdentityProviderService.ListUserPools"


def _client(live_server, service: str, region: str):
    return boto3.client(
        service, endpoint_url=live_server.url, region_name=region,
        aws_access_key_id=settings.ROOT_ACCESS_KEY_ID, aws_secret_access_key=settings.ROOT_SECRET_ACCESS_KEY,
        config=Config(retries={"max_attempts": 1}),
    )


def _send(live_server, method: str, path: str, body: bytes, headers: dict[str, str], *, service: str = "cognito-idp",
          region: str = REGION, unsigned_after: dict[str, str] | None = None) -> tuple[int, dict]:
    """A request signed by botocore's signer for `service`/`region`; `unsigned_after` headers are
    added after signing (so they are not among the SignedHeaders)."""
    request = AWSRequest(method=method, url=live_server.url + path, data=body, headers=headers)
    SigV4Auth(Credentials(settings.ROOT_ACCESS_KEY_ID, settings.ROOT_SECRET_ACCESS_KEY), service, region).add_auth(request)
    sent = {**dict(request.headers.items()), **(unsigned_after or {})}
    connection = http.client.HTTPConnection(urlsplit(live_server.url).netloc, timeout=30)
    try:
        connection.request(method, path, body=body or None, headers=sent)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def _json_call(live_server, **kwargs) -> tuple[int, dict]:
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET}
    headers.update(kwargs.pop("headers", {}))
    return _send(live_server, "POST", "/", b'{"MaxResults": 10}', headers, **kwargs)


# --- region ----------------------------------------------------------------------------------

def test_json_call_scoped_to_another_region_is_refused(live_server):
    assert "UserPools" in _client(live_server, "cognito-idp", REGION).list_user_pools(MaxResults=10)
    with pytest.raises(Exception) as refused:
        _client(live_server, "cognito-idp", "eu-west-1").list_user_pools(MaxResults=10)
    assert error_code(refused) == "InvalidSignatureException"
    assert refused.value.response["Error"]["Message"] == WRONG_REGION


def test_query_call_scoped_to_another_region_is_refused(live_server):
    assert _client(live_server, "sts", REGION).get_caller_identity()["Account"]
    with pytest.raises(Exception) as refused:
        _client(live_server, "sts", "eu-west-1").get_caller_identity()
    assert error_code(refused) == "SignatureDoesNotMatch"
    assert refused.value.response["Error"]["Message"] == WRONG_REGION
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_rest_call_scoped_to_another_region_is_refused(live_server):
    status, body = _send(live_server, "GET", "/api/v1/userpools?max_results=10", b"", {}, region="eu-west-1")
    assert status in (401, 403), body
    assert "InvalidSignatureException" in json.dumps(body) and WRONG_REGION in json.dumps(body)


# --- service ---------------------------------------------------------------------------------

def test_json_call_scoped_to_another_service_is_refused(live_server):
    status, body = _json_call(live_server)
    assert status == 200, body
    status, body = _json_call(live_server, service="kms")
    assert status == 400
    assert body["__type"] == "InvalidSignatureException"
    assert body["message"] == "Credential should be scoped to correct service: 'cognito-idp'."


def test_rest_call_scoped_to_another_service_is_refused(live_server):
    status, body = _send(live_server, "GET", "/api/v1/userpools?max_results=10", b"", {})
    assert status == 200, body
    status, body = _send(live_server, "GET", "/api/v1/userpools?max_results=10", b"", {}, service="iam")
    assert status in (401, 403), body
    assert "Credential should be scoped to correct service: 'cognito-idp'." in json.dumps(body)


def test_each_json_service_wants_its_own_signing_name(live_server):
    """Identity pools signed as cognito-idp are refused; signed as cognito-identity they work (boto3)."""
    status, body = _send(live_server, "POST", "/", b'{"MaxResults": 10}', {
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityService.ListIdentityPools"})
    assert status == 400 and body["message"] == "Credential should be scoped to correct service: 'cognito-identity'.", body
    assert "IdentityPools" in _client(live_server, "cognito-identity", REGION).list_identity_pools(MaxResults=10)


# --- signed headers --------------------------------------------------------------------------

def test_an_unsigned_x_amz_target_is_refused(live_server):
    """Else a captured signed body could be replayed as another operation (AdminGetUser's body as
    AdminDeleteUser's). AWS's SigV4 guide: every x-amz-* header sent must be signed."""
    status, body = _send(live_server, "POST", "/", b'{"MaxResults": 10}', {"Content-Type": "application/x-amz-json-1.1"},
                         unsigned_after={"X-Amz-Target": TARGET})
    assert status == 400, body
    assert body["__type"] == "IncompleteSignatureException"
    assert body["message"] == "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization."


def test_an_unsigned_content_type_is_accepted(live_server):
    """The AWS SDK for JavaScript v2 never signs Content-Type and AWS accepts its calls, so we do too."""
    status, body = _send(live_server, "POST", "/", b'{"MaxResults": 10}', {"X-Amz-Target": TARGET},
                         unsigned_after={"Content-Type": "application/x-amz-json-1.1"})
    assert status == 200, body
