"""`make run`'s shape, tested on the real thing: the web server with several workers on SQLite and
no Redis (config/serve.py, the real settings), started by the test. What one worker learns
(a throttle count, a used SRP secret block) every worker must know, writers must not fail with
"database is locked", the admin's styles load, and /metrics adds up every worker."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from pycognito.aws_srp import AWSSRP

from tests.ops.servers import server_env, web_server
from tests.ops.wire import aws_client, call, scrape

WORKERS = 3
THROTTLE_LIMIT = 10
PASSWORD = "Correct#Horse1"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("multiprocess-sqlite")
    env = server_env(var_dir, SIGN_IN_IP_FAILURE_LIMIT=str(THROTTLE_LIMIT), TRUSTED_PROXY_COUNT="1", LOG_FORMAT="json", LOG_LEVEL="DEBUG")
    with web_server(env, WORKERS) as running:
        yield running


@pytest.fixture(scope="module")
def pool(server):
    idp = aws_client(server.url)
    pool_id = idp.create_user_pool(PoolName="ops")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]
    return idp, pool_id, client_id


def test_the_admin_styles_load(server):
    page = requests.get(server.url + "/admin/login/", timeout=10)
    assert page.status_code == 200
    assert "/static/admin/css/base.css" in page.text
    css = requests.get(server.url + "/static/admin/css/base.css", timeout=10)
    assert css.status_code == 200
    assert css.headers["Content-Type"].startswith("text/css")
    assert "body" in css.text


def test_concurrent_sign_ups_all_commit(server, pool):
    _, pool_id, client_id = pool
    usernames = [f"writer{i}" for i in range(40)]
    with ThreadPoolExecutor(max_workers=8) as threads:
        answers = list(threads.map(lambda name: call(server.url, "SignUp", {"ClientId": client_id, "Username": name, "Password": PASSWORD}), usernames))
    assert [answer.status_code for answer in answers] == [200] * len(usernames), [a.text for a in answers if a.status_code != 200]
    listed = aws_client(server.url).list_users(UserPoolId=pool_id, Limit=60)["Users"]
    assert {user["Username"] for user in listed} >= set(usernames)


def test_the_sign_in_throttle_counts_across_workers(server, pool):
    _, _, client_id = pool
    outcomes = []
    for i in range(3 * THROTTLE_LIMIT):
        body = {"ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": f"nobody{i}", "PASSWORD": "Wrong#Pass1"}}
        outcomes.append(call(server.url, "InitiateAuth", body, source_ip="198.51.100.7").json()["__type"])
    # One count for all workers: each worker alone would let THROTTLE_LIMIT through.
    assert outcomes.count("TooManyRequestsException") == 2 * THROTTLE_LIMIT
    assert outcomes[THROTTLE_LIMIT:] == ["TooManyRequestsException"] * (2 * THROTTLE_LIMIT)


def test_an_srp_secret_block_answers_once_across_workers(server, pool):
    idp, pool_id, client_id = pool
    idp.admin_create_user(UserPoolId=pool_id, Username="srp-user", TemporaryPassword="Temp#Pass1", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="srp-user", Password=PASSWORD, Permanent=True)
    srp = AWSSRP(username="srp-user", password=PASSWORD, pool_id=pool_id, client_id=client_id, client=idp)
    params = srp.get_auth_params()
    challenge = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=params)
    responses = srp.process_challenge(challenge["ChallengeParameters"], params)
    body = {"ClientId": client_id, "ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": responses}
    with ThreadPoolExecutor(max_workers=6) as threads:
        answers = list(threads.map(lambda _: call(server.url, "RespondToAuthChallenge", body, source_ip="203.0.113.9"), range(6)))
    signed_in = [answer for answer in answers if answer.status_code == 200]
    assert len(signed_in) == 1 and "AuthenticationResult" in signed_in[0].json()
    assert {answer.json()["__type"] for answer in answers if answer.status_code != 200} == {"NotAuthorizedException"}


def test_metrics_add_up_every_worker(server, pool):
    idp, _, client_id = pool
    before = scrape(server.url)
    key = ("identity_aws_requests_total", (("operation", "DescribeUserPool"), ("outcome", "ResourceNotFoundException"), ("service", "cognito-idp")))
    calls = 12
    for _ in range(calls):
        with pytest.raises(idp.exceptions.ResourceNotFoundException):
            aws_client(server.url).describe_user_pool(UserPoolId="us-east-1_Missing00")
    # Five wrong passwords lock a user: one lockout.
    idp.admin_create_user(UserPoolId=pool[1], Username="lock-me", TemporaryPassword="Temp#Pass1", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool[1], Username="lock-me", Password=PASSWORD, Permanent=True)
    for _ in range(5):
        body = {"ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "lock-me", "PASSWORD": "Wrong#Pass1"}}
        assert call(server.url, "InitiateAuth", body, source_ip="192.0.2.44").status_code == 400
    after = scrape(server.url)
    assert after[key] - before.get(key, 0) == calls
    latency = ("identity_aws_request_seconds_count", key[1])
    assert after[latency] - before.get(latency, 0) == calls
    sign_in = ("identity_sign_ins_total", (("operation", "InitiateAuth"), ("outcome", "NotAuthorizedException")))
    assert after[sign_in] - before.get(sign_in, 0) == 5
    assert after[("identity_lockouts_total", ())] - before.get(("identity_lockouts_total", ()), 0) == 1


def test_every_log_line_is_json_naming_its_request(server, pool):
    answer = call(server.url, "InitiateAuth", {"ClientId": "nosuchclient", "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {}})
    request_id = answer.headers["x-amzn-RequestId"]
    lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")]
    mine = [line for line in lines if line["request_id"] == request_id]
    assert mine, "the call's audit line (DEBUG) carries its request id"
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in mine)
