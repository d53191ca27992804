"""The PostgreSQL connection health check (core/postgresql): a kept connection that the server
ended is found and replaced before a request's first query; a live one is reused without the
`SELECT 1` round trip Django's own check would send."""
from __future__ import annotations

import os
import time

import psycopg
import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kept_connection():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    connection.ensure_connection()
    connection.health_check_enabled = True
    with psycopg.connect(os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1), dbname="postgres", autocommit=True) as admin:
        yield admin


def _last_statement(admin: psycopg.Connection, pid: int) -> str:
    return admin.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()[0]


def _new_request() -> None:
    connection.health_check_done = False  # as Django resets it when a request starts


def test_a_live_connection_is_reused_without_a_round_trip(kept_connection):
    pid = connection.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'before the check'")
    _new_request()
    connection.close_if_health_check_failed()
    assert connection.connection is not None and connection.connection.info.backend_pid == pid
    assert _last_statement(kept_connection, pid) == "SELECT 'before the check'"


def test_a_connection_the_server_ended_is_replaced_before_use(kept_connection):
    pid = connection.connection.info.backend_pid
    assert kept_connection.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
    deadline = time.monotonic() + 5
    while kept_connection.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()[0]:
        assert time.monotonic() < deadline, "the backend did not end"
        time.sleep(0.05)
    _new_request()
    connection.close_if_health_check_failed()
    assert connection.connection is None  # closed by the check, not by a failed request
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
