"""Every call through the pipeline, allowed or refused, reaches the audit receivers, secrets hidden."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from django.conf import settings

from awsapi import audit
from iam.models import Principal
from iam.services import create_access_key
from tests.conftest import make_client
from tests.userpools.test_rest_api import RestClient

pytestmark = pytest.mark.django_db(transaction=True)
HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"


@pytest.fixture
def records():
    seen: list[audit.CallRecord] = []
    audit.add_receiver(seen.append)
    yield seen
    audit.remove_receiver(seen.append)


def test_allowed_and_refused_calls_are_recorded_with_secrets_hidden(live_server, records):
    idp = make_client(live_server.url)
    pool = idp.create_user_pool(PoolName="audited")["UserPool"]["Id"]
    idp.admin_create_user(UserPoolId=pool, Username="dave", TemporaryPassword="Temp-Pass-123!", MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": "dave@example.com"}])
    key = create_access_key(Principal.objects.create(name="mallory"))
    other = make_client(live_server.url, key_id=key.access_key_id, secret=key.secret_access_key)
    with pytest.raises(ClientError):
        other.admin_set_user_password(UserPoolId=pool, Username="dave", Password="Stolen-Pass-123!", Permanent=True)
    with pytest.raises(ClientError):
        make_client(live_server.url, secret="wrong-secret").describe_user_pool(UserPoolId=pool)

    created, made_user, denied, bad_signature = records
    root_arn = f"arn:aws:iam::{settings.ACCOUNT_ID}:root"
    assert (created.event_source, created.event_name, created.error_code) == ("cognito-idp.amazonaws.com", "CreateUserPool", None)
    assert created.principal_arn == root_arn and created.access_key_id == settings.ROOT_ACCESS_KEY_ID
    assert created.source_ip == "127.0.0.1"
    assert made_user.request_parameters["TemporaryPassword"] == HIDDEN
    assert made_user.request_parameters["UserAttributes"] == [{"Name": "email", "Value": HIDDEN}]  # values are sensitive
    assert made_user.request_parameters["Username"] == HIDDEN  # botocore marks usernames sensitive too
    assert (denied.event_name, denied.error_code) == ("AdminSetUserPassword", "AccessDeniedException")
    assert denied.principal_arn == f"arn:aws:iam::{settings.ACCOUNT_ID}:user/mallory" and denied.access_key_id == key.access_key_id
    assert denied.request_parameters["Password"] == HIDDEN and denied.request_parameters["UserPoolId"] == pool
    assert (bad_signature.event_name, bad_signature.error_code) == ("DescribeUserPool", "InvalidSignatureException")
    assert bad_signature.principal_arn is None and bad_signature.access_key_id == settings.ROOT_ACCESS_KEY_ID
    assert "Stolen-Pass-123!" not in repr(records) and "Temp-Pass-123!" not in repr(records)


def test_query_and_rest_calls_are_recorded(live_server, records):
    make_client(live_server.url, "sts").get_caller_identity()
    RestClient(live_server.url).get("/userpools")
    RestClient(live_server.url, secret="wrong").get("/userpools")
    RestClient(live_server.url, sign=False).get("/userpools")
    assert [(r.event_source, r.event_name, r.error_code) for r in records] == [
        ("sts.amazonaws.com", "GetCallerIdentity", None),
        ("cognito-idp.amazonaws.com", "ListUserPools", None),
        ("cognito-idp.amazonaws.com", "ListUserPools", "InvalidSignatureException"),
        ("cognito-idp.amazonaws.com", "ListUserPools", "MissingAuthenticationTokenException"),
    ]


def test_a_failing_receiver_does_not_fail_the_call(live_server):
    def broken(record):
        raise RuntimeError("receiver down")

    audit.add_receiver(broken)
    try:
        assert make_client(live_server.url, "sts").get_caller_identity()["Account"] == settings.ACCOUNT_ID
    finally:
        audit.remove_receiver(broken)
