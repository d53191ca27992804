"""Records that commit with nothing else are written behind, in batches (audit/write_behind.py):
queued at once, in the table within the window, every one of them before LookupEvents answers,
a refused row dropped without its batch, and a lost connection survived."""
from __future__ import annotations

import time
import uuid

import pytest
from django.db import connection, transaction

from audit import write_behind
from audit.models import Event
from tests.audit.support import cloudtrail, trail
from tests.conftest import make_client
from userpools.models import UserPool

pytestmark = pytest.mark.django_db(transaction=True)
WINDOW_MS = 30


@pytest.fixture(autouse=True)
def writing_behind(settings):
    settings.AUDIT_WRITE_BEHIND_MS = WINDOW_MS
    yield
    write_behind.writer.write_queued()  # nothing of this test's left to land in the next one's tables


def _names() -> list[str]:
    return list(Event.objects.order_by("event_time").values_list("event_name", flat=True))


def _until(check, seconds: float = 5.0):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not written in time"
        time.sleep(0.01)


def test_a_reads_record_is_queued_then_written_within_the_window(live_server):
    idp = make_client(live_server.url)
    pool_id = idp.create_user_pool(PoolName="behind")["UserPool"]["Id"]
    assert _names() == ["CreateUserPool"]  # a change's record: written with the change
    asked = time.monotonic()
    idp.describe_user_pool(UserPoolId=pool_id)
    idp.list_users(UserPoolId=pool_id)
    _until(lambda: _names() == ["CreateUserPool", "DescribeUserPool", "ListUsers"])
    assert time.monotonic() - asked < 2  # a window and a write, not a retry's second


def test_a_record_after_a_quiet_window_is_written_by_its_call_as_it_answers(live_server):
    idp = make_client(live_server.url)
    pool_id = idp.create_user_pool(PoolName="quiet")["UserPool"]["Id"]
    time.sleep(2 * WINDOW_MS / 1000)
    idp.describe_user_pool(UserPoolId=pool_id)
    assert _names() == ["CreateUserPool", "DescribeUserPool"]  # at once: no batch to wait for
    assert not write_behind.writer._queue


def test_records_are_queued_only_while_they_come_at_least_once_a_window(settings):
    settings.AUDIT_WRITE_BEHIND_MS = 10_000
    writer = write_behind.Writer()
    assert not writer.gathers()  # the first one: a batch of its own
    assert writer.gathers() and writer.gathers()  # each within a window of the one before
    settings.AUDIT_WRITE_BEHIND_MS = 1
    time.sleep(0.05)
    assert not writer.gathers()


def test_a_refusals_record_is_written_behind_too(live_server):
    idp = make_client(live_server.url)
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.describe_user_pool(UserPoolId="us-east-1_nothere00")
    _until(lambda: list(Event.objects.values_list("event_name", "error_code")) == [("DescribeUserPool", "ResourceNotFoundException")])


def test_a_change_and_its_record_still_commit_together():
    from audit import services
    from awsapi.audit import CallRecord

    with transaction.atomic():
        UserPool.objects.create(name="together", id="us-east-1_together1")
        services.store(CallRecord(request_id="r", event_source="cognito-idp.amazonaws.com", event_name="CreateUserPool",
                                  source_ip="127.0.0.1", principal_arn=None, access_key_id=None, request_parameters={}))
        assert _names() == ["CreateUserPool"]  # in the transaction, before its commit
    assert not write_behind.writer._queue


def test_lookup_events_returns_the_calls_made_just_before_it(live_server):
    idp = make_client(live_server.url)
    pool_id = idp.create_user_pool(PoolName="looked-up")["UserPool"]["Id"]
    for _ in range(3):
        idp.describe_user_pool(UserPoolId=pool_id)
    found = cloudtrail(live_server.url).lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "DescribeUserPool"}])
    assert len(found["Events"]) == 3
    assert {trail(event)["requestParameters"]["UserPoolId"] for event in found["Events"]} == {pool_id}


def test_a_flush_has_the_writer_thread_write_at_once_not_at_the_windows_end(settings):
    settings.AUDIT_WRITE_BEHIND_MS = 10_000
    write_behind.writer.add(_event("Early"))
    asked = time.monotonic()
    assert write_behind.writer.flush(5)
    assert time.monotonic() - asked < 2
    assert _names() == ["Early"]
    assert not write_behind.writer._queue


def _event(name: str, event_id: uuid.UUID | None = None) -> dict:
    """An event as the writer queues it: its fields' values (those left out take their defaults)."""
    from django.utils import timezone

    return {"event_id": event_id or uuid.uuid4(), "event_time": timezone.now(), "event_source": "test.amazonaws.com", "event_name": name,
            "aws_region": "us-east-1", "identity_type": "Unknown", "read_only": True}


def test_a_row_the_database_refuses_is_dropped_and_the_rest_of_its_batch_written():
    taken = uuid.uuid4()
    Event(**_event("First", taken)).save()
    for event in (_event("Before"), _event("Duplicate", taken), _event("After")):
        write_behind.writer._queue.append(event)  # one batch, written by the call below
    assert write_behind.writer.write_queued()
    assert sorted(_names()) == ["After", "Before", "First"]
    assert not write_behind.writer._queue


def test_a_batch_survives_its_connection_being_cut():
    if connection.vendor != "postgresql":
        pytest.skip("cuts the writer's PostgreSQL connection")
    write_behind.writer._queue.append(_event("Warm"))
    assert write_behind.writer.write_queued()
    with connection.cursor() as cursor:  # the writer is this thread here: cut its connection from another
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    other = connection.copy()
    try:
        with other.cursor() as killer:
            killer.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    write_behind.writer._queue.extend([_event("One"), _event("Two")])
    assert write_behind.writer.write_queued()  # the batch fails on the dead connection; row by row, on a new one
    assert sorted(_names()) == ["One", "Two", "Warm"]
