"""REST paths with reserved characters verify however the client escaped them (botocore, curl)."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from django.conf import settings

from tests.userpools.test_rest_api import RestClient

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pool_with_dave(live_server) -> str:
    api = RestClient(live_server.url)
    pool = api.post("/userpools", {"PoolName": "at-sign", "UsernameAttributes": ["email"]}).json["UserPool"]["Id"]
    created = api.post(f"/userpools/{pool}/users", {"Username": "dave@example.com", "MessageAction": "SUPPRESS"})
    assert created.status == 201, created.raw
    return pool


@pytest.mark.parametrize("username", ["dave@example.com", "dave%40example.com"])
def test_botocore_signed_path_with_at_sign(live_server, pool_with_dave, username):
    reply = RestClient(live_server.url).get(f"/userpools/{pool_with_dave}/users/{username}")
    assert reply.status == 200, reply.raw
    assert {"Name": "email", "Value": "dave@example.com"} in reply.json["UserAttributes"]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
@pytest.mark.parametrize("username", ["dave@example.com", "dave%40example.com"])
def test_curl_aws_sigv4_path_with_at_sign(live_server, pool_with_dave, username):
    url = f"{live_server.url}/api/v1/userpools/{pool_with_dave}/users/{username}"
    result = subprocess.run(
        ["curl", "-sS", "--aws-sigv4", "aws:amz:us-east-1:cognito-idp",
         "--user", f"{settings.ROOT_ACCESS_KEY_ID}:{settings.ROOT_SECRET_ACCESS_KEY}", "-w", "\n%{http_code}", url],
        capture_output=True, text=True, timeout=30, check=True,
    )
    body, _, status = result.stdout.rpartition("\n")
    assert status == "200", body
    assert {"Name": "email", "Value": "dave@example.com"} in json.loads(body)["UserAttributes"]
