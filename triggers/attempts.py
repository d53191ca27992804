"""One recorded attempt at a function, in this process: shared by the runner (synchronous triggers
without workers) and the outbox handler that runs asynchronous triggers wherever the outbox
delivers them (a worker, or this process without a broker)."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.utils import timezone

from core import metrics
from triggers import execution, records
from triggers.conf import trigger_settings
from triggers.models import TriggerInvocation

log = logging.getLogger(__name__)

_OUTCOMES = {
    execution.OK: TriggerInvocation.Outcome.SUCCESS,
    execution.HANDLER_ERROR: TriggerInvocation.Outcome.HANDLER_ERROR,
    execution.INVALID_JSON: TriggerInvocation.Outcome.INVALID_RESPONSE,
    execution.NOT_FOUND: TriggerInvocation.Outcome.FAILED,
    execution.CRASHED: TriggerInvocation.Outcome.FAILED,
    execution.TIMEOUT: TriggerInvocation.Outcome.TIMEOUT,
}


@dataclass(frozen=True)
class Function:
    """A configured function: which LambdaConfig member named it, its plugin name, ARN and event version."""

    config_key: str  # the LambdaConfig member, also the trigger's name in Cognito's error messages
    name: str  # the plugin's function name
    arn: str
    event_version: str


@dataclass(frozen=True)
class AsyncCall:
    """An asynchronous invocation as JSON values, so it can travel to a Celery worker."""

    pool_id: str
    trigger_source: str
    config_key: str
    function_name: str
    invoked_arn: str
    event_json: str


def in_process(function: Function, event_json: str, deadline: float, timeout: float) -> dict[str, Any]:
    """Run in a thread so the timeout holds in-process too; a late thread is abandoned, as Lambda's is."""
    answer: dict[str, Any] = {}

    def target() -> None:
        try:
            answer.update(execution.run_attempt(function.name, function.arn, event_json, deadline))
        finally:
            connections.close_all()  # this thread's own connections, if the plugin used the ORM

    thread = threading.Thread(target=target, name=f"trigger-{function.name}", daemon=True)
    thread.start()
    thread.join(timeout)
    return dict(answer) if not thread.is_alive() and answer else {"status": execution.TIMEOUT}


def attempt_async(call: AsyncCall, attempt: int) -> bool:
    """One recorded attempt at an asynchronous trigger; False when it should be retried."""
    options = trigger_settings()
    function = Function(call.config_key, call.function_name, call.invoked_arn, "1")
    started, began = timezone.now(), time.monotonic()
    answer = in_process(function, call.event_json, time.time() + options.timeout_seconds, options.timeout_seconds)
    record(call.pool_id, call.trigger_source, call.function_name, attempt, False, started, began, answer)
    if answer["status"] == execution.OK:
        return True
    log.warning("asynchronous trigger %s attempt %d: %s", call.trigger_source, attempt, answer)
    return answer["status"] == execution.NOT_FOUND  # retrying cannot make a missing plugin appear


ASYNC_TRIGGER = "triggers.async"  # the outbox kind of an asynchronous invocation


class AsyncTriggerFailed(Exception):
    """An asynchronous attempt failed and should be retried (the outbox backs off)."""


def attempt_from_outbox(call: dict[str, Any], attempt: int) -> None:
    """The outbox handler of ASYNC_TRIGGER rows: one recorded attempt, raising for a retry."""
    if not attempt_async(AsyncCall(**call), attempt):
        raise AsyncTriggerFailed(call["trigger_source"])


def record(
    pool_id: str, trigger_source: str, function_name: str, attempt: int, synchronous: bool,
    started: Any, began: float, answer: dict[str, Any],
) -> None:
    """Record one attempt's outcome as a TriggerInvocation (kept even when the caller rolls back)."""
    outcome, error = _OUTCOMES[answer["status"]], str(answer.get("error", ""))
    # An asynchronous trigger's answer is ignored (a sender returns nothing), so any answer is a success.
    if synchronous and outcome == TriggerInvocation.Outcome.SUCCESS and not has_response(answer.get("result")):
        outcome, error = TriggerInvocation.Outcome.INVALID_RESPONSE, "Unrecognizable lambda output"
    seconds = time.monotonic() - began
    metrics.TRIGGER_ATTEMPTS.labels(trigger_source, outcome).inc()
    metrics.TRIGGER_SECONDS.labels(trigger_source).observe(seconds)
    records.record(
        pool_id=pool_id,
        trigger_source=trigger_source,
        function_name=function_name,
        attempt=attempt,
        synchronous=synchronous,
        started_at=started,
        duration_ms=int(seconds * 1000),
        outcome=outcome,
        error=error[:2000],
    )


def has_response(result: Any) -> bool:
    """Whether an answer carries the event back with a `response` object, as Cognito requires."""
    return isinstance(result, dict) and isinstance(result.get("response"), dict)
