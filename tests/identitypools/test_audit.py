"""cognito-identity calls are in the audit trail, tokens hidden, refusals with their error code."""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.conftest import make_client
from tests.identitypools.support import unsigned


def test_calls_are_recorded_with_logins_hidden(live_server):
    ci = make_client(live_server.url, "cognito-identity")
    pool_id = ci.create_identity_pool(IdentityPoolName="audited", AllowUnauthenticatedIdentities=False)["IdentityPoolId"]
    ci.describe_identity_pool(IdentityPoolId=pool_id)
    with pytest.raises(ClientError):
        unsigned(live_server.url).get_id(IdentityPoolId=pool_id, Logins={"accounts.example.com": "secret-token-value"})
    trail = make_client(live_server.url, "cloudtrail")
    events = trail.lookup_events(LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "cognito-identity.amazonaws.com"}])["Events"]
    names = {e["EventName"] for e in events}
    assert {"CreateIdentityPool", "GetId"} <= names
    get_id = next(json.loads(e["CloudTrailEvent"]) for e in events if e["EventName"] == "GetId")
    assert get_id["errorCode"] == "NotAuthorizedException"
    assert "secret-token-value" not in json.dumps(get_id)
    described = next(e for e in events if e["EventName"] == "DescribeIdentityPool")
    assert {"ResourceType": "AWS::Cognito::IdentityPool", "ResourceName": pool_id} in described["Resources"]
