"""On PostgreSQL the hot statements (the user read, the audit INSERT) stay prepared on the
connection, unless DB_PREPARED_STATEMENTS is off (connection poolers that cannot keep them)."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings

from tests.perf.inprocess import client

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"),
]


@pytest.fixture(autouse=True)
def kept_connection(monkeypatch):
    """One connection for the whole test, as a server worker keeps it (the test settings close it
    after every request), starting with nothing prepared."""
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", None)
    yield
    connection.close()


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def _pool_calls() -> None:
    admin = client()
    pool_id = admin.create_user_pool(PoolName="prepared")["UserPool"]["Id"]
    admin.admin_create_user(UserPoolId=pool_id, Username="alice", MessageAction="SUPPRESS")
    for _ in range(2):
        assert admin.admin_get_user(UserPoolId=pool_id, Username="alice")["Username"] == "alice"


def test_the_user_read_and_the_audit_insert_are_prepared():
    _pool_calls()
    prepared = _prepared()
    assert any(sql.startswith('INSERT INTO "audit_event"') for sql in prepared), prepared
    assert any(sql.startswith('SELECT "userpools_user"') for sql in prepared), prepared


@override_settings(DB_PREPARED_STATEMENTS=False)
def test_nothing_is_prepared_when_turned_off():
    _pool_calls()
    assert _prepared() == []
