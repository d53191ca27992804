"""Database connections stay bounded under the web server on PostgreSQL: 200 requests, each on a fresh
HTTP connection, leave at most two connections per worker (the requests' and the audit writer's;
three without Redis: the shared cache's own) plus the probe's. Runserver's thread per HTTP connection once left 86 idle ones."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import psycopg
import requests

from tests.ops.servers import scratch_database, server_env, web_server
from tests.ops.wire import call

WORKERS = 2
REQUESTS = 200


def _connections(admin_url: str, name: str) -> int:
    with psycopg.connect(admin_url, autocommit=True) as admin:
        row = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [name]).fetchone()
        assert row is not None
        return row[0]


def test_connections_stay_bounded_by_the_workers(tmp_path, scratch_database):
    database_url, admin_url, name = scratch_database
    extra = {"DATABASE_URL": database_url}
    if os.environ.get("REDIS_URL"):
        extra["REDIS_URL"] = os.environ["REDIS_URL"]
    per_worker = (1 if "REDIS_URL" in extra else 2) + 1  # + the audit writer's (audit/write_behind.py)
    with web_server(server_env(tmp_path, **extra), WORKERS) as server:

        def one(i: int) -> int:
            if i % 2:
                return requests.get(server.url + "/readyz", headers={"Connection": "close"}, timeout=30).status_code
            body = {"ClientId": "nosuchclient", "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "a", "PASSWORD": "b"}}
            return call(server.url, "InitiateAuth", body).status_code

        with ThreadPoolExecutor(max_workers=8) as threads:
            statuses = list(threads.map(one, range(REQUESTS)))
        assert statuses.count(500) == 0 and set(statuses) <= {200, 400}
        held = _connections(admin_url, name)
        # Connections are kept (DB_CONN_MAX_AGE) but never more than the workers can use at once.
        assert 1 <= held <= WORKERS * per_worker, held
