"""The query protocol front (IAM, STS) over a live server, driven by boto3 and raw signed posts."""
from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import boto3
import pytest
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from django.conf import settings

from iam.models import Principal
from iam.services import create_access_key
from tests.conftest import REGION, error_code, make_client

pytestmark = pytest.mark.django_db(transaction=True)
FORM = "application/x-www-form-urlencoded; charset=utf-8"


def post_query(url: str, form: dict, service: str = "sts", secret: str | None = None, sign: bool = True):
    """POST a form to / signed for `service`; returns (status, XML root)."""
    body = urlencode(form).encode()
    request = AWSRequest(method="POST", url=url + "/", data=body, headers={"Content-Type": FORM})
    if sign:
        credentials = Credentials(settings.ROOT_ACCESS_KEY_ID, secret or settings.ROOT_SECRET_ACCESS_KEY)
        SigV4Auth(credentials, service, REGION).add_auth(request)
    prepared = urllib.request.Request(url + "/", data=body, headers=dict(request.headers.items()), method="POST")
    try:
        with urllib.request.urlopen(prepared) as response:
            return response.status, ET.fromstring(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, ET.fromstring(exc.read())


def error_of(root: ET.Element) -> dict[str, str]:
    return {child.tag.split("}")[-1]: child.text or "" for child in root.find("{*}Error")}


def unsigned(live_server, service: str):
    return boto3.client(service, endpoint_url=live_server.url, region_name=REGION, config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))


def test_get_caller_identity_names_the_root_key(live_server):
    identity = make_client(live_server.url, "sts").get_caller_identity()
    assert identity["Account"] == settings.ACCOUNT_ID
    assert identity["Arn"] == f"arn:aws:iam::{settings.ACCOUNT_ID}:root"
    assert identity["UserId"] == settings.ACCOUNT_ID


def test_response_is_aws_xml(live_server):
    status, root = post_query(live_server.url, {"Action": "GetCallerIdentity", "Version": "2011-06-15"})
    assert status == 200
    assert root.tag == "{https://sts.amazonaws.com/doc/2011-06-15/}GetCallerIdentityResponse"
    ns = {"s": "https://sts.amazonaws.com/doc/2011-06-15/"}
    assert root.findtext("s:GetCallerIdentityResult/s:Account", namespaces=ns) == settings.ACCOUNT_ID
    assert len(root.findtext("s:ResponseMetadata/s:RequestId", namespaces=ns)) == 36


def test_unsigned_call_is_missing_authentication_token(live_server):
    with pytest.raises(ClientError) as excinfo:
        unsigned(live_server, "sts").get_caller_identity()
    assert error_code(excinfo) == "MissingAuthenticationToken"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_unsigned_web_identity_reaches_sts(live_server):
    # AWS takes AssumeRoleWithWebIdentity unsigned: it is routed to STS, which refuses a token it cannot verify.
    with pytest.raises(ClientError) as excinfo:
        unsigned(live_server, "sts").assume_role_with_web_identity(
            RoleArn="arn:aws:iam::000000000000:role/web", RoleSessionName="session", WebIdentityToken="t" * 10
        )
    assert error_code(excinfo) == "InvalidIdentityToken"


def test_wrong_secret_is_signature_does_not_match(live_server):
    sts = make_client(live_server.url, "sts", secret="not-the-secret")
    with pytest.raises(ClientError) as excinfo:
        sts.get_caller_identity()
    assert error_code(excinfo) == "SignatureDoesNotMatch"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_unknown_key_is_invalid_client_token_id(live_server):
    sts = make_client(live_server.url, "sts", key_id="AKIANOSUCHKEY0000000", secret="x")
    with pytest.raises(ClientError) as excinfo:
        sts.get_caller_identity()
    assert error_code(excinfo) == "InvalidClientTokenId"


def test_non_root_principal_is_access_denied(live_server):
    key = create_access_key(Principal.objects.create(name="alice"))
    sts = make_client(live_server.url, "sts", key_id=key.access_key_id, secret=key.secret_access_key)
    assert sts.get_caller_identity()["Arn"].endswith(":user/alice")  # AWS never refuses GetCallerIdentity
    with pytest.raises(ClientError) as excinfo:
        sts.get_session_token()  # a user with no policies may do nothing else
    assert error_code(excinfo) == "AccessDenied"
    assert "user/alice" in excinfo.value.response["Error"]["Message"]
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_unknown_action_and_version(live_server):
    status, root = post_query(live_server.url, {"Action": "NoSuchAction", "Version": "2011-06-15"})
    assert status == 400 and error_of(root)["Code"] == "InvalidAction"
    assert error_of(root)["Type"] == "Sender"
    assert root.tag.endswith("ErrorResponse") and root.findtext("{*}RequestId")
    status, root = post_query(live_server.url, {"Action": "GetCallerIdentity", "Version": "1999-01-01"})
    assert status == 400 and error_of(root)["Code"] == "InvalidAction"


def test_iam_calls_reach_iam_and_get_a_clean_error(live_server):
    iam = make_client(live_server.url, "iam")
    with pytest.raises(ClientError) as excinfo:
        iam.list_instance_profiles()  # an IAM operation this server does not offer
    assert error_code(excinfo) == "InvalidAction"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    status, root = post_query(live_server.url, {"Action": "ListInstanceProfiles", "Version": "2010-05-08"}, service="iam")
    assert root.tag == "{https://iam.amazonaws.com/doc/2010-05-08/}ErrorResponse"


def test_a_scope_for_a_json_service_is_refused(live_server):
    status, root = post_query(live_server.url, {"Action": "GetCallerIdentity", "Version": "2011-06-15"}, service="cognito-idp")
    assert status == 403 and error_of(root)["Code"] == "SignatureDoesNotMatch"


def test_internal_fault_is_internal_failure_without_traceback(live_server, monkeypatch):
    from iam import services

    def explode(principal):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "caller_identity", explode)
    status, root = post_query(live_server.url, {"Action": "GetCallerIdentity", "Version": "2011-06-15"})
    assert status == 500
    assert error_of(root) == {"Type": "Receiver", "Code": "InternalFailure", "Message": "Internal server error."}
