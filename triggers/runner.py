"""Invoking a pool's trigger: the one entry point services call (`invoke`).

Synchronous triggers run on a Celery worker (queue "triggers") when a broker is configured and
in-process otherwise; either way the caller waits at most TRIGGER_TIMEOUT_SECONDS per attempt and
makes up to TRIGGER_ATTEMPTS attempts when an attempt times out or fails to run, as Cognito does.
Errors come back as Cognito's: the plugin raised -> UserLambdaValidationException; no answer or no
plugin -> UnexpectedLambdaException; an answer without a usable `response` ->
InvalidLambdaResponseException. The caller's transaction then rolls back, so nothing the operation
started stays written. Asynchronous triggers (the custom senders) are sent after commit.
Every attempt is recorded as a TriggerInvocation.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from core.errors import InvalidLambdaResponseException, UnexpectedLambdaException, UserLambdaValidationException
from triggers import execution, records
from triggers.conf import trigger_settings
from triggers.models import TriggerInvocation
from triggers.registry import function_name_from_arn

log = logging.getLogger(__name__)

# Cognito names admin-initiated calls' client this way in callerContext.
NO_CLIENT = "CLIENT_ID_NOT_APPLICABLE"
SDK_VERSION = "aws-sdk-unknown-unknown"
# LambdaConfig members that hold {"LambdaVersion", "LambdaArn"} instead of a bare ARN.
_VERSIONED_KEYS = {"CustomEmailSender", "CustomSMSSender", "PreTokenGenerationConfig"}
_EVENT_VERSIONS = {"V1_0": "1", "V2_0": "2", "V3_0": "3"}
_RETRYABLE = {execution.TIMEOUT, execution.CRASHED}
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
    config_key: str  # the LambdaConfig member, also the trigger's name in Cognito's error messages
    name: str  # the plugin's function name
    arn: str
    event_version: str


@dataclass(frozen=True)
class AsyncCall:
    pool_id: str
    trigger_source: str
    config_key: str
    function_name: str
    invoked_arn: str
    event_json: str


def config_key_for(trigger_source: str) -> str:
    """`PreSignUp_SignUp` -> `PreSignUp`; `TokenGeneration_*` -> `PreTokenGeneration`."""
    prefix = trigger_source.split("_", 1)[0]
    return "PreTokenGeneration" if prefix == "TokenGeneration" else prefix


def configured_function(pool: Any, config_key: str) -> Function | None:
    lambda_config = (pool.config or {}).get("LambdaConfig") or {}
    version = "1"
    arn = lambda_config.get(config_key)
    if config_key == "PreTokenGeneration" and lambda_config.get("PreTokenGenerationConfig"):
        # The newer member wins and chooses the event version (V2_0 adds access-token customisation).
        token_config = lambda_config["PreTokenGenerationConfig"]
        arn = token_config.get("LambdaArn") or arn
        version = _EVENT_VERSIONS.get(token_config.get("LambdaVersion", "V1_0"), "1")
    elif config_key in _VERSIONED_KEYS and isinstance(arn, dict):
        arn = arn.get("LambdaArn")
    if not arn:
        return None
    name = function_name_from_arn(arn)
    if name is None:
        raise UnexpectedLambdaException(f"{config_key} invocation failed due to error InvalidParameterValueException.")
    return Function(config_key, name, arn, version)


def build_event(
    pool: Any, function: Function, trigger_source: str, request: dict, *, user_name: str | None,
    client_id: str | None, response: dict | None = None,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "version": function.event_version,
        "triggerSource": trigger_source,
        "region": settings.REGION,
        "userPoolId": pool.id,
    }
    if user_name is not None:
        event["userName"] = user_name
    event["callerContext"] = {"awsSdkVersion": SDK_VERSION, "clientId": client_id or NO_CLIENT}
    event["request"] = request
    event["response"] = response if response is not None else {}
    return event


def invoke(
    pool: Any,
    trigger_source: str,
    event_request: dict,
    *,
    user_name: str | None,
    client_id: str | None = None,
    synchronous: bool = True,
    lambda_config_key: str | None = None,
    response: dict | None = None,
) -> dict | None:
    """Run the pool's function for `trigger_source` and return its event's `response`.

    None when the pool has no function for this trigger, and for asynchronous triggers (sent after
    the caller's transaction commits). `response` pre-fills the event's response member, as Cognito
    does for some triggers (e.g. CustomMessage's null message fields).
    """
    function = configured_function(pool, lambda_config_key or config_key_for(trigger_source))
    if function is None:
        return None
    event = build_event(pool, function, trigger_source, event_request, user_name=user_name, client_id=client_id, response=response)
    event_json = json.dumps(event)
    if not synchronous:
        call = AsyncCall(pool.id, trigger_source, function.config_key, function.name, function.arn, event_json)
        transaction.on_commit(lambda: _send_async(call))
        return None
    answer = _call_with_retries(pool.id, trigger_source, function, event_json)
    return response_of(function.config_key, answer)


def response_of(config_key: str, answer: dict[str, Any]) -> dict:
    """The `response` of a successful answer, or Cognito's error for a failed one."""
    status = answer["status"]
    if status == execution.HANDLER_ERROR:
        raise UserLambdaValidationException(f"{config_key} failed with error {answer.get('error', '')}.")
    if status == execution.TIMEOUT:
        raise UnexpectedLambdaException(
            f"{config_key} invocation failed due to error Socket timeout while invoking Lambda function."
        )
    if status in {execution.NOT_FOUND, execution.CRASHED}:
        raise UnexpectedLambdaException(f"{config_key} invocation failed due to error {answer.get('error', 'Unknown')}.")
    result = answer.get("result")
    if status == execution.INVALID_JSON or result is None:  # nothing, or nothing JSON can carry
        raise InvalidLambdaResponseException("Invalid lambda function output : Invalid JSON")
    if not _has_response(result):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    return result["response"]


def _call_with_retries(pool_id: str, trigger_source: str, function: Function, event_json: str) -> dict[str, Any]:
    options = trigger_settings()
    answer: dict[str, Any] = {"status": execution.TIMEOUT}
    for attempt in range(1, options.attempts + 1):
        started = timezone.now()
        began = time.monotonic()
        answer = _attempt(function, event_json, options.timeout_seconds)
        _record(pool_id, trigger_source, function.name, attempt, True, started, began, answer)
        if answer["status"] not in _RETRYABLE:
            break
    return answer


def _attempt(function: Function, event_json: str, timeout: float) -> dict[str, Any]:
    deadline = time.time() + timeout
    if trigger_settings().use_workers:
        return _attempt_on_worker(function, event_json, deadline, timeout)
    return _attempt_in_process(function, event_json, deadline, timeout)


def _attempt_in_process(function: Function, event_json: str, deadline: float, timeout: float) -> dict[str, Any]:
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


def _attempt_on_worker(function: Function, event_json: str, deadline: float, timeout: float) -> dict[str, Any]:
    from celery.exceptions import TimeoutError as CeleryTimeout

    from triggers.tasks import run_attempt

    try:
        # `expires`: a worker that picks the message up after we stopped waiting discards it.
        pending = run_attempt.apply_async((function.name, function.arn, event_json, deadline), expires=timeout)
    except Exception as exc:  # broker unreachable: the function cannot be invoked
        log.exception("could not send trigger %s to the broker", function.name)
        return {"status": execution.CRASHED, "error": type(exc).__name__}
    try:
        answer = pending.get(timeout=timeout, propagate=False, disable_sync_subtasks=False)
    except CeleryTimeout:
        return {"status": execution.TIMEOUT}
    if isinstance(answer, dict) and "status" in answer:
        return answer
    return {"status": execution.CRASHED, "error": type(answer).__name__}  # the task itself failed


def _send_async(call: AsyncCall) -> None:
    if trigger_settings().use_workers:
        from triggers.tasks import run_async

        run_async.apply_async((asdict(call),))
        return
    # In-process there is no queue to wait in: the attempts run now, without backoff pauses.
    for attempt in range(1, trigger_settings().attempts + 1):
        if attempt_async(call, attempt):
            return


def attempt_async(call: AsyncCall, attempt: int) -> bool:
    """One recorded attempt at an asynchronous trigger; False when it should be retried."""
    options = trigger_settings()
    function = Function(call.config_key, call.function_name, call.invoked_arn, "1")
    started, began = timezone.now(), time.monotonic()
    answer = _attempt_in_process(function, call.event_json, time.time() + options.timeout_seconds, options.timeout_seconds)
    _record(call.pool_id, call.trigger_source, call.function_name, attempt, False, started, began, answer)
    if answer["status"] == execution.OK:
        return True
    log.warning("asynchronous trigger %s attempt %d: %s", call.trigger_source, attempt, answer)
    return answer["status"] == execution.NOT_FOUND  # retrying cannot make a missing plugin appear


def _record(
    pool_id: str, trigger_source: str, function_name: str, attempt: int, synchronous: bool,
    started: Any, began: float, answer: dict[str, Any],
) -> None:
    outcome, error = _OUTCOMES[answer["status"]], str(answer.get("error", ""))
    # An asynchronous trigger's answer is ignored (a sender returns nothing), so any answer is a success.
    if synchronous and outcome == TriggerInvocation.Outcome.SUCCESS and not _has_response(answer.get("result")):
        outcome, error = TriggerInvocation.Outcome.INVALID_RESPONSE, "Unrecognizable lambda output"
    records.record(
        pool_id=pool_id,
        trigger_source=trigger_source,
        function_name=function_name,
        attempt=attempt,
        synchronous=synchronous,
        started_at=started,
        duration_ms=int((time.monotonic() - began) * 1000),
        outcome=outcome,
        error=error[:2000],
    )


def _has_response(result: Any) -> bool:
    return isinstance(result, dict) and isinstance(result.get("response"), dict)
