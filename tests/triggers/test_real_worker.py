"""Triggers on a real Celery worker over real Redis (PostgreSQL; skipped without them unless CI=true)."""
from __future__ import annotations

import os
import time

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from config.celery import app
from core.errors import InvalidLambdaResponseException, UnexpectedLambdaException, UserLambdaValidationException
from triggers import records, runner
from triggers.models import TriggerInvocation
from userpools.models import Group

from .support import PLUGINS, arn, make_pool
from .worker import Worker, purge_queues, require_worker_services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis, pytest.mark.postgres]


@pytest.fixture
def on_workers(transactional_db):
    """Switch off the test settings' eager Celery, so the runner sends triggers to the broker."""
    require_worker_services()
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    purge_queues()
    try:
        with override_settings(TRIGGER_PLUGINS=PLUGINS, TRIGGER_TIMEOUT_SECONDS=2, TRIGGER_ATTEMPTS=3):
            yield
    finally:
        app.conf.task_always_eager = previous
        purge_queues()


@pytest.fixture
def worker(on_workers, tmp_path):
    running = Worker(tmp_path / "worker.log")
    running.start()
    yield running
    running.stop()


def invoke(pool, source, request, **kwargs):
    kwargs.setdefault("user_name", "alice")
    return runner.invoke(pool, source, request, **kwargs)


def wait_for(predicate, timeout: float = 15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_trigger_runs_on_the_worker(worker):
    pool = make_pool(PreSignUp=arn("whoami"))
    response = invoke(pool, "PreSignUp_SignUp", {"userAttributes": {}})
    assert response["pid"] == worker.process.pid != os.getpid()
    assert TriggerInvocation.objects.get().outcome == "SUCCESS"


def test_worker_errors_are_cognitos(worker):
    pool = make_pool(PreSignUp=arn("reject"), CustomMessage=arn("drop_response"))
    with pytest.raises(UserLambdaValidationException) as excinfo:
        invoke(pool, "PreSignUp_SignUp", {"userAttributes": {}})
    assert excinfo.value.message == "PreSignUp failed with error Sign-ups from this domain are not allowed."
    with pytest.raises(InvalidLambdaResponseException) as excinfo:
        invoke(pool, "CustomMessage_SignUp", {"codeParameter": "{####}"})
    assert excinfo.value.message == "Unrecognizable lambda output"


@override_settings(TRIGGER_TIMEOUT_SECONDS=1, TRIGGER_ATTEMPTS=2)
def test_slow_plugin_on_the_worker_times_out_and_late_attempts_expire(worker, tmp_path):
    counter = tmp_path / "calls"
    pool = make_pool(PreAuthentication=arn("count_calls"))
    with pytest.raises(UnexpectedLambdaException) as excinfo:
        invoke(pool, "PreAuthentication_Authentication", {"counterFile": str(counter), "sleep": 2.5})
    assert "Socket timeout while invoking Lambda function" in excinfo.value.message
    assert [row.outcome for row in TriggerInvocation.objects.order_by("attempt")] == ["TIMEOUT", "TIMEOUT"]
    # The single-process worker was busy with attempt 1 past attempt 2's expiry, so attempt 2
    # never runs; a fresh call afterwards is answered normally.
    invoke(pool, "PreAuthentication_Authentication", {"counterFile": str(counter)})
    assert counter.read_text().splitlines() == ["PreAuthentication_Authentication"] * 2


def test_worker_stopped_is_a_timeout_and_nothing_is_created(on_workers, tmp_path):
    counter = tmp_path / "calls"
    pool = make_pool(PreSignUp=arn("count_calls"))
    with override_settings(TRIGGER_TIMEOUT_SECONDS=1):
        began = time.monotonic()
        with pytest.raises(UnexpectedLambdaException) as excinfo:
            with transaction.atomic():
                Group.objects.create(pool=pool, name="made-before-the-trigger")
                invoke(pool, "PreSignUp_SignUp", {"counterFile": str(counter)})
        assert 3 <= time.monotonic() - began < 5  # three attempts of one second
    records.flush()
    assert excinfo.value.message == (
        "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function."
    )
    assert not Group.objects.filter(pool=pool).exists()
    assert [row.outcome for row in TriggerInvocation.objects.order_by("attempt")] == ["TIMEOUT"] * 3

    # A worker that starts later discards the expired attempts instead of running them.
    running = Worker(tmp_path / "worker.log")
    running.start()
    try:
        invoke(pool, "PreSignUp_SignUp", {"counterFile": str(counter)})
    finally:
        running.stop()
    assert counter.read_text().splitlines() == ["PreSignUp_SignUp"]


def test_asynchronous_trigger_retries_on_the_worker_with_backoff(worker, tmp_path):
    counter = tmp_path / "calls"
    pool = make_pool(CustomEmailSender={"LambdaVersion": "V1_0", "LambdaArn": arn("flaky_async")})
    request = {"type": "customEmailSenderRequestV1", "code": "opaque", "counterFile": str(counter), "failUntil": 2}
    with transaction.atomic():
        invoke(pool, "CustomEmailSender_SignUp", request, synchronous=False)
    wait_for(lambda: TriggerInvocation.objects.filter(outcome="SUCCESS").exists())
    rows = list(TriggerInvocation.objects.order_by("attempt"))
    assert [(row.attempt, row.synchronous, row.outcome) for row in rows] == [
        (1, False, "HANDLER_ERROR"), (2, False, "SUCCESS"),
    ]
    assert (rows[1].started_at - rows[0].started_at).total_seconds() >= 2  # the first backoff pause


@pytest.fixture
def sms_file(tmp_path, monkeypatch):
    """The worker's SMS sender appends to this file; it starts as a directory, so sending fails."""
    path = tmp_path / "sms.jsonl"
    path.mkdir()
    monkeypatch.setenv("SMS_BACKEND", "userpools.delivery.sms.FileSmsSender")
    monkeypatch.setenv("SMS_FILE_PATH", str(path))
    return path


def test_sms_delivery_is_retried_with_backoff_on_the_worker(on_workers, sms_file, tmp_path):
    from outbox import dispatch
    from outbox.models import OutboxMessage
    from userpools.delivery import transport

    running = Worker(tmp_path / "worker.log")
    running.start()
    try:
        with transaction.atomic():
            dispatch.enqueue(transport.SMS_KIND, {"phone_number": "+15555550100", "message": "Your code is 123456"})
        wait_for(lambda: OutboxMessage.objects.filter(attempts=1, claim="").exists(), timeout=10)
        failed = OutboxMessage.objects.get()
        assert failed.last_error == "IsADirectoryError"  # the first attempt fails: the path is a directory
        assert (failed.due_at - timezone.now()).total_seconds() <= 2
        sms_file.rmdir()
        wait_for(lambda: sms_file.is_file() and "123456" in sms_file.read_text(), timeout=10)
    finally:
        running.stop()
    assert not OutboxMessage.objects.exists()  # delivered rows leave the outbox
    assert len(sms_file.read_text().splitlines()) == 1


def test_events_and_answers_travel_sealed(on_workers):
    """A synchronous trigger's event (challenge answers, private challenge parameters, attributes)
    is sealed in the broker's queue, and its answer in the result backend."""
    import base64
    import json

    from core import crypto
    from triggers import tasks

    marker = "sealed-marker-7f3a"
    pool = make_pool(PreSignUp=arn("echo"))
    with pytest.raises(UnexpectedLambdaException):  # no worker runs: every attempt stays queued
        invoke(pool, "PreSignUp_SignUp", {"userAttributes": {"email": f"{marker}@example.com"}})
    with app.connection_for_write() as conn:
        queued = conn.default_channel.client.lrange("triggers", 0, -1)
    assert queued, "the attempts should still be queued"
    for raw in queued:
        body = base64.b64decode(json.loads(raw)["body"])
        assert marker.encode() not in raw and marker.encode() not in body
        sealed_event = json.loads(body)[0][2]
        assert marker in crypto.decrypt(sealed_event)
    answer = tasks.run_attempt("echo", arn("echo"), sealed_event, time.time() + 5)
    assert marker not in answer and json.loads(crypto.decrypt(answer))["status"] == "OK"
