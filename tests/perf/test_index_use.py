"""Every query of the sign-in, GetUser and ListUsers paths can be answered from an index.

The calls run against a pool of a few thousand users (createusers) with fresh statistics; the
SQL each sends is captured and EXPLAINed with sequential scans priced out (enable_seqscan off):
a Seq Scan that remains means no index can serve the query. The ListUsers pages (first and next,
keyset) must also come in index order, without sorting the matching users.
"""
from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import connection
from pycognito import aws_srp

from tests.perf.inprocess import client, statements

PASSWORD = "Passw0rd!"
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _plan(sql: str, params: list) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            found = cursor.fetchone()[0]  # psycopg parses the JSON already
            return (json.loads(found) if isinstance(found, str) else found)[0]["Plan"]
        finally:
            cursor.execute("RESET enable_seqscan")


def selects(call) -> list[tuple[str, list]]:
    return [(sql, params) for sql, params in statements(call) if sql.lstrip().upper().startswith("SELECT")]


@pytest.fixture
def big_pool():
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's")
    admin, public = client(), client(signed=False)
    pool_id = admin.create_user_pool(PoolName="scale", AliasAttributes=["email"])["UserPool"]["Id"]
    flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    client_id = admin.create_user_pool_client(UserPoolId=pool_id, ClientName="scale", ExplicitAuthFlows=flows)["UserPoolClient"]["ClientId"]
    call_command("createusers", pool_id, count=3000, srp_every=1000, verbosity=0)
    return admin, public, pool_id, client_id


def test_hot_paths_use_indexes(big_pool):
    admin, public, pool_id, client_id = big_pool
    calls = {}
    tokens = public.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": "user0001234", "PASSWORD": PASSWORD})["AuthenticationResult"]
    calls["USER_PASSWORD_AUTH"] = selects(lambda: public.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "user0002345", "PASSWORD": PASSWORD}))
    calls["sign-in by email"] = selects(lambda: public.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "user0002346@example.com", "PASSWORD": PASSWORD}))
    calls["REFRESH_TOKEN_AUTH"] = selects(lambda: public.initiate_auth(
        ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]}))
    calls["GetUser"] = selects(lambda: public.get_user(AccessToken=tokens["AccessToken"]))
    calls["AdminGetUser"] = selects(lambda: admin.admin_get_user(UserPoolId=pool_id, Username="user0000042"))

    def srp_sign_in():
        srp = aws_srp.AWSSRP("user0002000", PASSWORD, pool_id, client_id, client=public)
        params = srp.get_auth_params()
        challenge = public.initiate_auth(ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=params)
        responses = srp.process_challenge(challenge["ChallengeParameters"], params)
        public.respond_to_auth_challenge(ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses)

    calls["USER_SRP_AUTH"] = selects(srp_sign_in)
    calls["DescribeUserPool"] = selects(lambda: admin.describe_user_pool(UserPoolId=pool_id))  # the bounded user count
    listings = {}
    for name, expression in (("ListUsers", ""), ("ListUsers email", 'email ^= "user00"'), ("ListUsers username", 'username ^= "user0"'),
                             ("ListUsers status", 'cognito:user_status = "CONFIRMED"')):
        first = admin.list_users(UserPoolId=pool_id, Filter=expression, Limit=60)
        listings[name + " page 2"] = selects(lambda e=expression, t=first["PaginationToken"]: admin.list_users(
            UserPoolId=pool_id, Filter=e, Limit=60, PaginationToken=t))
        listings[name] = selects(lambda e=expression: admin.list_users(UserPoolId=pool_id, Filter=e, Limit=60))
    calls.update(listings)

    for name, sqls in calls.items():
        assert sqls, name
        for sql, params in sqls:
            nodes = list(_nodes(_plan(sql, params)))
            scans = [node.get("Relation Name") for node in nodes if node["Node Type"] == "Seq Scan"]
            assert not scans, (name, scans, sql)
            if name in listings:
                # An Incremental Sort only orders rows that tie on the index's leading key (equal
                # attribute values, by user id); a full Sort would read and sort the whole match.
                sorts = [node for node in nodes if node["Node Type"] == "Sort"]
                assert not sorts, (name, sql)
