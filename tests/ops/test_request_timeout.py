"""A request that never ends does not take its worker out of service for good: past
WEB_REQUEST_TIMEOUT_SECONDS the worker ends itself and the server starts a fresh one
(core/watchdog.py), after its audit writer wrote what it had queued. The request here waits on a
user row this test keeps locked."""
from __future__ import annotations

import os
import time

import psycopg
import pytest
import requests
from botocore.exceptions import BotoCoreError, ClientError

from tests.ops.servers import scratch_database, server_env, web_server  # noqa: F401  (fixture)
from tests.ops.wire import aws_client

LIMIT_SECONDS = 2
QUEUED = 3


def test_a_worker_held_past_the_limit_is_replaced(tmp_path, scratch_database):  # noqa: F811
    database_url, _, _ = scratch_database
    extra = {"DATABASE_URL": database_url, "WEB_REQUEST_TIMEOUT_SECONDS": str(LIMIT_SECONDS),
             "AUDIT_WRITE_BEHIND_MS": "600000"}  # nothing queued is written but by the exit
    if os.environ.get("REDIS_URL"):
        extra["REDIS_URL"] = os.environ["REDIS_URL"]
    with web_server(server_env(tmp_path, **extra), workers=1) as server:
        idp = aws_client(server.url)
        pool_id = idp.create_user_pool(PoolName="held")["UserPool"]["Id"]
        idp.admin_create_user(UserPoolId=pool_id, Username="held", MessageAction="SUPPRESS")
        for _ in range(QUEUED):
            idp.admin_get_user(UserPoolId=pool_id, Username="held")  # a read: its record is queued
        with psycopg.connect(database_url) as holder:  # a transaction that keeps the user's row locked
            holder.execute("SELECT id FROM userpools_user WHERE username = 'held' FOR UPDATE")
            started = time.monotonic()
            with pytest.raises((BotoCoreError, ClientError)):  # the connection is cut (or the proxy-less 5xx)
                idp.admin_update_user_attributes(UserPoolId=pool_id, Username="held",
                                                 UserAttributes=[{"Name": "name", "Value": "Held"}])
            assert time.monotonic() - started < LIMIT_SECONDS + 10
            holder.rollback()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the fresh worker comes up
            try:
                if requests.get(server.url + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        with psycopg.connect(database_url) as reader:
            (written,) = reader.execute("SELECT count(*) FROM audit_event WHERE event_name = 'AdminGetUser'").fetchone()
        assert written == QUEUED
        assert idp.admin_get_user(UserPoolId=pool_id, Username="held")["Username"] == "held"
        assert f"POST / has run for more than {LIMIT_SECONDS} s" in server.log.read_text()
