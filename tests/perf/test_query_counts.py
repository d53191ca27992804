"""Round trips per call on the hot paths, so a gain cannot silently regress.

Each call runs once to warm the per-process caches (pool, client, signing key, access key,
policy set), then once with its statements recorded (inprocess.statements). Every figure
includes the audit trail's INSERT. The calls run outside a test transaction (transactional_db), as in production, where
the caches may be filled.
"""
from __future__ import annotations

import json

import pytest
from django.db import connection
from pycognito import aws_srp

from tests.perf.inprocess import cache_reads, client, commits, statements

PASSWORD = "Perf-Passw0rd!"
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
pytestmark = pytest.mark.django_db(transaction=True)


def queries(call) -> list[str]:
    """The SQL `call` sends, once its caches are warm."""
    call()
    # Transaction control is left out: SQLite logs its BEGIN/COMMIT, PostgreSQL's driver does not.
    return [sql for sql, _ in statements(call) if not sql.startswith(("BEGIN", "COMMIT"))]


@pytest.fixture
def world():
    admin, public = client(), client(signed=False)
    pool_id = admin.create_user_pool(PoolName="perf")["UserPool"]["Id"]
    client_id = admin.create_user_pool_client(UserPoolId=pool_id, ClientName="perf", ExplicitAuthFlows=FLOWS)["UserPoolClient"]["ClientId"]
    for name in ("alice", "bob"):
        public.sign_up(ClientId=client_id, Username=name, Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}])
        admin.admin_confirm_sign_up(UserPoolId=pool_id, Username=name)
    tokens = public.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})["AuthenticationResult"]
    return {"admin": admin, "public": public, "pool_id": pool_id, "client_id": client_id, "tokens": tokens}


def test_get_user_reads_the_user_and_its_attributes(world):
    sql = queries(lambda: world["public"].get_user(AccessToken=world["tokens"]["AccessToken"]))
    assert len(sql) <= 2, sql  # user with its attributes and its refresh token's revocation (one statement), audit


def test_admin_get_user_authenticates_and_decides_from_memory(world):
    sql = queries(lambda: world["admin"].admin_get_user(UserPoolId=world["pool_id"], Username="alice"))
    assert not any("iam_" in query for query in sql), sql  # key and policy set cached
    assert len(sql) <= 2, sql  # user with its attributes, audit


def test_describe_user_pool_reads_its_count_and_domain_in_one_statement(world):
    world["admin"].create_user_pool_domain(UserPoolId=world["pool_id"], Domain="perf-login")
    described = world["admin"].describe_user_pool(UserPoolId=world["pool_id"])["UserPool"]
    assert described["EstimatedNumberOfUsers"] == 2 and described["Domain"] == "perf-login"
    sql = queries(lambda: world["admin"].describe_user_pool(UserPoolId=world["pool_id"]))
    assert len(sql) <= 2, sql  # users counted with the domain, audit


def test_signed_call_by_an_iam_user_needs_no_query_to_authenticate_or_authorize(world):
    iam = client("iam")
    iam.create_user(UserName="operator")
    iam.put_user_policy(UserName="operator", PolicyName="idp", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "cognito-idp:*", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="operator")["AccessKey"]
    operator = client(key=(key["AccessKeyId"], key["SecretAccessKey"]))
    sql = queries(lambda: operator.admin_get_user(UserPoolId=world["pool_id"], Username="alice"))
    assert not any("iam_" in query or "organizations_" in query for query in sql), sql
    assert len(sql) <= 2, sql


def test_list_users_reads_a_page_and_its_attributes(world):
    sql = queries(lambda: world["admin"].list_users(UserPoolId=world["pool_id"], Limit=60))
    assert len(sql) <= 3, sql  # page, attributes, audit
    sql = queries(lambda: world["admin"].list_users(UserPoolId=world["pool_id"], Filter='email = "bob@example.com"'))
    assert len(sql) <= 4, sql  # attribute page, users, attributes, audit


def test_refresh(world):
    refresh = world["tokens"]["RefreshToken"]
    sql = queries(lambda: world["public"].initiate_auth(ClientId=world["client_id"], AuthFlow="REFRESH_TOKEN_AUTH",
                                                        AuthParameters={"REFRESH_TOKEN": refresh}))
    assert len(sql) <= 2, sql  # refresh row with its user, attributes and groups (one statement), audit


def test_password_sign_in(world):
    sql = queries(lambda: world["public"].initiate_auth(ClientId=world["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                                                        AuthParameters={"USERNAME": "bob", "PASSWORD": PASSWORD}))
    # the user's row locked for the lockout count, with its attributes and groups (one statement), refresh token, audit
    assert len(sql) <= 3, sql


def test_a_sign_in_checks_the_password_and_issues_tokens_in_one_transaction(world):
    def sign_in():
        world["public"].initiate_auth(ClientId=world["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                                      AuthParameters={"USERNAME": "bob", "PASSWORD": PASSWORD})

    sign_in()
    assert commits(sign_in) == 1  # the row lock's and the refresh token's: the pool runs no triggers
    srp_sign_in(world)
    assert commits(lambda: srp_sign_in(world)) == 1  # the answer's; the challenge writes in autocommit only


def srp_sign_in(world) -> None:
    public = world["public"]
    srp = aws_srp.AWSSRP("bob", PASSWORD, world["pool_id"], world["client_id"], client=public)
    params = srp.get_auth_params()
    challenge = public.initiate_auth(ClientId=world["client_id"], AuthFlow="USER_SRP_AUTH", AuthParameters=params)
    responses = srp.process_challenge(challenge["ChallengeParameters"], params)
    result = public.respond_to_auth_challenge(ClientId=world["client_id"], ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses)
    assert "AuthenticationResult" in result


def test_a_sign_in_reads_the_shared_cache_once_per_call(world):
    """The generations of the per-process caches and the source address's failure count come in
    one read (one Redis round trip); two before."""
    def sign_in():
        world["public"].initiate_auth(ClientId=world["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                                      AuthParameters={"USERNAME": "bob", "PASSWORD": PASSWORD})

    sign_in()
    assert cache_reads(sign_in) == 1
    assert cache_reads(lambda: srp_sign_in(world)) == 2  # the challenge and the answer, one each


def test_srp_sign_in_both_calls(world):
    sql = queries(lambda: srp_sign_in(world))
    # the challenge: user, audit; the answer: user, the user's row locked for the lockout count with its groups, refresh token, audit
    assert len(sql) <= 6, sql


def test_sign_up(world):
    names = iter(["carol", "dave"])
    sql = queries(lambda: world["public"].sign_up(ClientId=world["client_id"], Username=next(names), Password=PASSWORD,
                                                  UserAttributes=[{"Name": "email", "Value": "new@example.com"}]))
    # the user's INSERT (no savepoint: a taken name ends the call), one INSERT for all its attributes, audit
    assert len(sql) <= 3, sql
