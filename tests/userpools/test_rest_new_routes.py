"""REST routes for user import jobs, MFA, devices, admin password reset and sign-out, over real
HTTP: admin routes SigV4-signed by botocore, the user's own routes with their access token."""
from __future__ import annotations

import time

import pytest

from tests.userpools.import_support import build_csv, upload
from tests.userpools.mfa_support import configure_mfa, rfc6238
from tests.userpools.signin_support import PASSWORD, _fresh_throttle_counters, make_client, make_user, sign_in  # noqa: F401
from tests.userpools.test_account import call
from tests.userpools.test_devices import confirm, track_devices
from tests.userpools.test_rest_api import RestClient

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def api(live_server, settings) -> RestClient:
    settings.PUBLIC_URL = live_server.url
    return RestClient(live_server.url)


def test_import_job_over_rest(api, idp):
    pool = idp.create_user_pool(PoolName="rest-import", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    header = api.get(f"/userpools/{pool}/import-jobs/csv-header")
    assert header.status == 200 and header.json["CSVHeader"][-1] == "cognito:username"
    created = api.post(f"/userpools/{pool}/import-jobs", {"JobName": "rest", "CloudWatchLogsRoleArn": "arn:aws:iam::000000000000:role/x"})
    assert created.status == 201
    job = created.json["UserImportJob"]
    body, expected = build_csv(header.json["CSVHeader"], 1100)
    assert upload(job["PreSignedUrl"], body).status_code == 200
    started = api.post(f"/userpools/{pool}/import-jobs/{job['JobId']}/start")
    assert started.status == 200 and started.json["UserImportJob"]["Status"] in ("Pending", "InProgress")
    deadline = time.monotonic() + 120
    while (described := api.get(f"/userpools/{pool}/import-jobs/{job['JobId']}").json["UserImportJob"])["Status"] != "Succeeded":
        assert time.monotonic() < deadline and described["Status"] in ("Pending", "InProgress"), described
        time.sleep(0.2)
    assert described["FailedUsers"] + described["SkippedUsers"] == len(expected)
    listed = api.get(f"/userpools/{pool}/import-jobs")
    assert [item["JobId"] for item in listed.json["UserImportJobs"]] == [job["JobId"]]

    first = api.get(f"/userpools/{pool}/import-jobs/{job['JobId']}/lines", max_results=2)
    assert first.status == 200 and len(first.json["Lines"]) == 2
    rest = api.get(f"/userpools/{pool}/import-jobs/{job['JobId']}/lines", next_token=first.json["NextToken"])
    lines = first.json["Lines"] + rest.json["Lines"]
    assert {(line["LineNumber"], line["Outcome"]) for line in lines} == {(number, outcome) for number, (outcome, _) in expected.items()}
    assert api.post(f"/userpools/{pool}/import-jobs/{job['JobId']}/stop").json["__type"] == "PreconditionNotMetException"
    unsigned = RestClient(api.base_url, sign=False).get(f"/userpools/{pool}/import-jobs/{job['JobId']}/lines")
    assert unsigned.status == 401


@pytest.fixture
def signed_in(idp, pool_id):
    """alice signed in to a pool with optional TOTP MFA and device tracking."""
    configure_mfa(idp, pool_id, "OPTIONAL", totp=True)
    track_devices(idp, pool_id)
    client_id = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id)
    return client_id, sign_in(idp, client_id)["AuthenticationResult"]


def test_mfa_routes(api, idp, live_server, pool_id, signed_in):
    _, tokens = signed_in
    token = tokens["AccessToken"]
    status, body = call(live_server, "POST", "me/software-token", token, {})
    assert status == 200 and body["SecretCode"]
    status, body = call(live_server, "POST", "me/software-token/verify", token, {"UserCode": rfc6238(body["SecretCode"], time.time()),
                                                                                  "FriendlyDeviceName": "phone"})
    assert status == 200 and body["Status"] == "SUCCESS"
    status, _ = call(live_server, "PUT", "me/mfa-preference", token, {"SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True}})
    assert status in (200, 204)
    assert idp.admin_get_user(UserPoolId=pool_id, Username="alice")["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    reply = api.put(f"/userpools/{pool_id}/users/alice/mfa-preference", {"SoftwareTokenMfaSettings": {"Enabled": False, "PreferredMfa": False}})
    assert reply.status in (200, 204), reply.raw
    assert "PreferredMfaSetting" not in idp.admin_get_user(UserPoolId=pool_id, Username="alice")


def test_device_routes(api, idp, unsigned_idp, live_server, pool_id, signed_in):
    _, tokens = signed_in
    token = tokens["AccessToken"]
    metadata, _, _ = confirm(unsigned_idp, tokens)
    key = metadata["DeviceKey"]
    status, body = call(live_server, "GET", "me/devices", token)
    assert status == 200 and [device["DeviceKey"] for device in body["Devices"]] == [key]
    status, body = call(live_server, "GET", f"me/devices/{key}", token)
    assert status == 200 and body["Device"]["DeviceKey"] == key
    status, _ = call(live_server, "PUT", f"me/devices/{key}/status", token, {"DeviceRememberedStatus": "remembered"})
    assert status in (200, 204)
    admin_list = api.get(f"/userpools/{pool_id}/users/alice/devices")
    assert admin_list.status == 200 and admin_list.json["Devices"][0]["DeviceKey"] == key
    assert api.get(f"/userpools/{pool_id}/users/alice/devices/{key}").json["Device"]["DeviceKey"] == key
    assert api.put(f"/userpools/{pool_id}/users/alice/devices/{key}/status", {"DeviceRememberedStatus": "not_remembered"}).status in (200, 204)
    status, _ = call(live_server, "DELETE", f"me/devices/{key}", token)
    assert status == 204
    gone = api.get(f"/userpools/{pool_id}/users/alice/devices/{key}")
    assert gone.json["__type"] == "ResourceNotFoundException"
    assert api.delete(f"/userpools/{pool_id}/users/alice/devices/{key}").json["__type"] == "ResourceNotFoundException"


def test_admin_sign_out_and_reset_password(api, idp, live_server, pool_id, signed_in):
    _, tokens = signed_in
    assert call(live_server, "GET", "me", tokens["AccessToken"])[0] == 200
    assert api.post(f"/userpools/{pool_id}/users/alice/sign-out").status == 204
    status, body = call(live_server, "GET", "me", tokens["AccessToken"])
    assert body["__type"] == "NotAuthorizedException"
    idp.admin_update_user_attributes(UserPoolId=pool_id, Username="alice", UserAttributes=[
        {"Name": "email", "Value": "alice@example.com"}, {"Name": "email_verified", "Value": "true"}])
    assert api.post(f"/userpools/{pool_id}/users/alice/reset-password").status == 204
    assert idp.admin_get_user(UserPoolId=pool_id, Username="alice")["UserStatus"] == "RESET_REQUIRED"
    assert api.post(f"/userpools/{pool_id}/users/nobody/reset-password").json["__type"] == "UserNotFoundException"
