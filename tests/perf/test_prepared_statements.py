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


def test_prepared_reads_give_the_timestamps_the_orm_gives():
    """Their cursors load timestamptz with psycopg's own loader in a UTC session: the same values."""
    from userpools import hot_reads
    from userpools.models import User

    _pool_calls()
    made = User.objects.get(username="alice")
    read = hot_reads.user_by_name(made.pool_id, made.username_key, with_attributes=False)
    assert (read.created, read.modified) == (made.created, made.modified)
    assert read.created.tzinfo is made.created.tzinfo
    with connection.prepared_cursor() as cursor:
        assert cursor.adapters.get_loader(1184, 0).__module__.startswith("psycopg_binary")  # timestamptz, text
        cursor.execute("SELECT %s::timestamptz", ["2020-02-29 23:59:59.123456+05:30"])
        assert cursor.fetchone()[0].isoformat() == "2020-02-29T18:29:59.123456+00:00"


def _underlying(wrapped) -> object:
    return wrapped.cursor  # Django's CursorWrapper around the psycopg cursor


def test_one_cursor_is_kept_per_connection_and_lent_to_one_statement_at_a_time():
    with connection.prepared_cursor() as first:
        first.execute("SELECT %s::int", [1])
        with connection.prepared_cursor() as nested:  # the kept one is lent: this one is another
            nested.execute("SELECT %s::int", [2])
            assert _underlying(nested) is not _underlying(first)
            assert nested.fetchone() == (2,)
        assert _underlying(nested).closed  # a cursor made for one nested statement does not outlive it
        assert first.fetchone() == (1,)  # the nested statement left the first's rows alone
        kept = _underlying(first)
    assert not kept.closed  # the kept one outlives its loans
    with connection.prepared_cursor() as again:
        assert _underlying(again) is kept
        again.execute("SELECT %s::text", ["again"])
        assert again.fetchone() == ("again",)


def test_a_new_connection_gets_a_new_kept_cursor():
    with connection.prepared_cursor() as cursor:
        cursor.execute("SELECT 1")
        kept = _underlying(cursor)
    connection.close()
    with connection.prepared_cursor() as cursor:
        assert _underlying(cursor) is not kept
        cursor.execute("SELECT %s::int", [3])
        assert cursor.fetchone() == (3,)


def test_a_failed_statement_leaves_the_kept_cursor_usable():
    from django.db import DatabaseError

    with pytest.raises(DatabaseError), connection.prepared_cursor() as cursor:
        cursor.execute("SELECT 1 / %s::int", [0])
    with connection.prepared_cursor() as cursor:
        cursor.execute("SELECT %s::int", [4])
        assert cursor.fetchone() == (4,)


def test_statements_on_the_kept_cursor_are_still_counted():
    from django.test.utils import CaptureQueriesContext

    from userpools import hot_reads
    from userpools.models import User

    _pool_calls()
    made = User.objects.get(username="alice")
    with CaptureQueriesContext(connection) as captured:
        for _ in range(2):
            hot_reads.user_by_name(made.pool_id, made.username_key, with_attributes=True)
    assert len(captured) == 2, captured.captured_queries
