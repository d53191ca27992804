"""The transactional outbox (outbox/): written with the operation, sent after commit, once, with
back-off, and encrypted until the send. Runs on SQLite and on PostgreSQL."""
from __future__ import annotations

import base64
import json
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from config.celery import app
from outbox import dispatch, registry, store
from outbox.models import OutboxMessage
from userpools.delivery import transport

pytestmark = pytest.mark.django_db(transaction=True)

SENT: list[tuple[dict, int]] = []
FAILURES_LEFT = {"count": 0}


def _record(message: dict, attempt: int) -> None:
    if FAILURES_LEFT["count"] > 0:
        FAILURES_LEFT["count"] -= 1
        raise ConnectionRefusedError("the provider is down")
    SENT.append((message, attempt))


registry.register("tests.record", _record, 4)


@pytest.fixture(autouse=True)
def clean():
    SENT.clear()
    FAILURES_LEFT["count"] = 0
    dispatch._broker_down_until = 0.0
    yield
    dispatch._broker_down_until = 0.0


def test_a_message_goes_out_only_after_commit_and_then_leaves_the_outbox():
    with transaction.atomic():
        dispatch.enqueue("tests.record", {"code": "123456"})
        assert OutboxMessage.objects.count() == 1
        assert SENT == []
    assert SENT == [({"code": "123456"}, 1)]
    assert not OutboxMessage.objects.exists()


def test_a_rolled_back_operation_leaves_no_message():
    with pytest.raises(RuntimeError), transaction.atomic():
        dispatch.enqueue("tests.record", {"code": "123456"})
        raise RuntimeError("the operation failed")
    assert SENT == [] and not OutboxMessage.objects.exists()


def test_the_payload_is_stored_encrypted():
    with transaction.atomic():
        row_id = store.write(transport.EMAIL_KIND, {"to": "a@example.com", "subject": "s", "body": "code 918273", "html": False})
        stored = OutboxMessage.objects.get(pk=row_id).payload
        transaction.set_rollback(True)
    assert "918273" not in stored and "a@example.com" not in stored


def test_a_claimed_row_is_sent_once_until_its_claim_lapses(settings):
    row_id = store.write("tests.record", {"n": 1})
    now = timezone.now()
    OutboxMessage.objects.filter(pk=row_id).update(claim="another-sender", claimed_until=now + timedelta(seconds=60))
    assert store.deliver(row_id).delivered is False  # another sender holds it
    assert store.relay() == 0 and SENT == []
    OutboxMessage.objects.filter(pk=row_id).update(claimed_until=now - timedelta(seconds=1))  # that sender died
    assert store.relay() == 1
    assert store.deliver(row_id).delivered is False  # gone: delivered rows are deleted
    assert SENT == [({"n": 1}, 1)]


def test_failures_back_off_then_give_up_and_show_in_the_backlog():
    FAILURES_LEFT["count"] = 10
    row_id = store.write("tests.record", {"n": 1})
    first = store.deliver(row_id)
    assert not first.delivered and first.retry_at is not None
    row = OutboxMessage.objects.get(pk=row_id)
    assert (row.attempts, row.last_error, row.claim) == (1, "ConnectionRefusedError", "")
    assert 1 <= (row.due_at - timezone.now()).total_seconds() <= 2
    assert store.deliver(row_id).delivered is False and OutboxMessage.objects.get(pk=row_id).attempts == 1  # not due yet
    for _ in range(3):
        store.deliver(row_id, even_if_not_due=True)
    row = OutboxMessage.objects.get(pk=row_id)
    assert row.attempts == 4 and row.failed_at is not None  # the kind allows 4 attempts
    assert store.deliver(row_id, even_if_not_due=True).delivered is False
    backlog = store.backlog()
    assert (backlog.pending, backlog.failed) == (0, 1)


def test_backlog_counts_pending_rows_and_the_oldest_age():
    assert store.backlog() == store.Backlog(0, 0.0, 0)
    row_id = store.write("tests.record", {"n": 1})
    OutboxMessage.objects.filter(pk=row_id).update(created_at=timezone.now() - timedelta(seconds=90))
    store.write("tests.record", {"n": 2})
    backlog = store.backlog()
    assert backlog.pending == 2 and 89 <= backlog.oldest_pending_age_seconds <= 120


def test_without_a_broker_failures_are_retried_at_once_then_left_for_the_relay():
    FAILURES_LEFT["count"] = dispatch.INLINE_ATTEMPTS
    with transaction.atomic():
        dispatch.enqueue("tests.record", {"n": 1})
    assert SENT == []  # the attempts at once all failed
    row = OutboxMessage.objects.get()
    assert row.attempts == dispatch.INLINE_ATTEMPTS and row.failed_at is None
    OutboxMessage.objects.update(due_at=timezone.now())
    call_command("relayoutbox", stdout=open("/dev/null", "w"))
    assert SENT == [({"n": 1}, dispatch.INLINE_ATTEMPTS + 1)]


def test_without_a_broker_a_failed_delivery_does_not_also_relay_other_rows():
    """A provider that is down costs a request its own attempts, not ten other rows' as well."""
    left_behind = store.write("tests.record", {"n": 0})
    FAILURES_LEFT["count"] = dispatch.INLINE_ATTEMPTS
    with transaction.atomic():
        dispatch.enqueue("tests.record", {"n": 1})
    assert SENT == [] and OutboxMessage.objects.filter(pk=left_behind).exists()
    with transaction.atomic():
        dispatch.enqueue("tests.record", {"n": 2})  # goes through, and takes the waiting row along
    assert sorted(message["n"] for message, _ in SENT) == [0, 2]


def test_relayoutbox_sends_what_a_dead_process_left_behind(capsys):
    for n in range(3):
        store.write("tests.record", {"n": n})  # committed, but the process died before handing them off
    call_command("relayoutbox")
    assert sorted(message["n"] for message, _ in SENT) == [0, 1, 2]
    assert "sent 3; pending 0; failed 0" in capsys.readouterr().out


def test_sign_up_mail_goes_through_the_outbox(client):
    from userpools.delivery import messaging
    from userpools.models import User, UserPool

    pool = UserPool.objects.create(id="us-east-1_outbox001", name="p", config={})
    user = User.objects.create(pool=pool, username="alice", username_key="alice")
    with transaction.atomic():
        messaging.send_secret(user, "SIGN_UP", "424242", {messaging.EMAIL: "alice@example.com"}, messaging.verification_texts(pool))
        assert mail.outbox == [] and OutboxMessage.objects.filter(kind=transport.EMAIL_KIND).count() == 1
    assert [m.to for m in mail.outbox] == [["alice@example.com"]] and "424242" in mail.outbox[0].body
    assert not OutboxMessage.objects.exists()


def _drop_broker_connections() -> None:
    """Make Celery take its connections for whatever app.conf.broker_url says now."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def test_an_unreachable_broker_fails_fast_and_leaves_the_row_for_the_relay(settings):
    dead = "redis://127.0.0.1:9/0"  # nothing listens on port 9
    previous = app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_write_url
    settings.CELERY_BROKER_URL = dead  # after reading app.conf: Celery reads Django's settings lazily
    app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_write_url = False, dead, dead
    _drop_broker_connections()
    try:
        began = time.monotonic()
        with transaction.atomic():
            dispatch.enqueue("tests.record", {"n": 1})
        first = time.monotonic() - began
        began = time.monotonic()
        with transaction.atomic():
            dispatch.enqueue("tests.record", {"n": 2})
        second = time.monotonic() - began
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_write_url = previous
        _drop_broker_connections()
    assert first < 5 and second < 0.5  # then the broker is skipped for a few seconds
    assert SENT == [] and OutboxMessage.objects.count() == 2
    assert store.relay() == 2


@pytest.mark.redis
def test_a_queued_message_carries_the_row_id_and_no_code(settings):
    """On a real broker the task message names the outbox row; the code stays encrypted in the database."""
    import redis

    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    broker = redis.Redis.from_url(settings.REDIS_URL)
    queue = app.amqp.default_queue.name
    broker.delete(queue)
    app.conf.task_always_eager = False
    try:
        with transaction.atomic():
            messaging_payload = {"to": "bob@example.com", "subject": "Your code", "body": "Your code is 615243.", "html": False}
            dispatch.enqueue(transport.EMAIL_KIND, messaging_payload)
        queued = broker.lrange(queue, 0, -1)
    finally:
        app.conf.task_always_eager = True
        broker.delete(queue)
    row = OutboxMessage.objects.get()
    assert len(queued) == 1
    envelope = json.loads(queued[0])
    body = base64.b64decode(envelope["body"])  # kombu's Redis transport base64-encodes the body
    args, kwargs, _ = json.loads(body)
    assert (args, kwargs, envelope["headers"]["task"]) == ([row.pk], {}, "outbox.deliver")
    for secret in (b"615243", b"bob@example.com"):
        assert secret not in body and secret not in queued[0]
