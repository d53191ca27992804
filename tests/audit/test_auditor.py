"""An auditor holding only `cloudtrail:LookupEvents` reads the trail and nothing else.

This needs real IAM users and policies (the iam app's CreateUser, PutUserPolicy, CreateAccessKey
and the policy evaluator in `iam.services.authorize`); until the registry has them the test is
skipped, so it starts running the moment they land.
"""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from django.conf import settings

from awsapi import registry
from tests.audit.support import all_events, cloudtrail, table_dump, trail
from tests.conftest import error_code, make_client

pytestmark = pytest.mark.django_db(transaction=True)
_NEEDED = ("CreateUser", "PutUserPolicy", "CreateAccessKey")


def _iam_ready() -> bool:
    service = registry.REGISTRY.service_for_signing_name("iam")
    return service is not None and all(registry.REGISTRY.operation(service, name) for name in _NEEDED)


@pytest.fixture
def auditor(live_server):
    if not _iam_ready():
        pytest.skip("IAM users and policies are not registered yet (iam CreateUser/PutUserPolicy/CreateAccessKey)")
    iam = make_client(live_server.url, "iam")
    iam.create_user(UserName="auditor")
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "cloudtrail:LookupEvents", "Resource": "*"}]}
    iam.put_user_policy(UserName="auditor", PolicyName="read-trail", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    return key


def test_an_auditor_reads_the_trail_and_nothing_else(live_server, auditor):
    key_id, secret = auditor["AccessKeyId"], auditor["SecretAccessKey"]
    make_client(live_server.url).create_user_pool(PoolName="watched")

    trail_reader = cloudtrail(live_server.url, key_id=key_id, secret=secret)
    names = [event["EventName"] for event in all_events(trail_reader)]
    assert "CreateUserPool" in names and "CreateAccessKey" in names and "PutUserPolicy" in names

    with pytest.raises(ClientError) as pools:
        make_client(live_server.url, key_id=key_id, secret=secret).list_user_pools(MaxResults=10)
    assert error_code(pools) == "AccessDeniedException"
    with pytest.raises(ClientError) as users:
        make_client(live_server.url, "iam", key_id=key_id, secret=secret).list_users()
    assert error_code(users) == "AccessDenied"

    refusals = all_events(make_client(live_server.url, "cloudtrail"), LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "auditor"}])
    refused = {event["EventName"]: trail(event) for event in refusals if "errorCode" in trail(event)}
    assert set(refused) == {"ListUserPools", "ListUsers"}
    for record in refused.values():
        assert record["userIdentity"]["type"] == "IAMUser"
        assert record["userIdentity"]["arn"] == f"arn:aws:iam::{settings.ACCOUNT_ID}:user/auditor"
        assert record["userIdentity"]["accessKeyId"] == key_id
    assert secret not in table_dump()  # CreateAccessKey's secret is in its response only, never stored
