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
import time
from dataclasses import asdict
from typing import Any

from celery.exceptions import TimeoutError as CeleryTimeout
from django.conf import settings
from django.utils import timezone

from core import crypto
from core.errors import (
    InvalidLambdaResponseException,
    UnexpectedLambdaException,
    UserLambdaValidationException,
)
from outbox import dispatch
from triggers import execution, tasks
from triggers.attempts import (
    ASYNC_TRIGGER,
    AsyncCall,
    Function,
    has_response,
    in_process,
    record,
)
from triggers.conf import trigger_settings
from triggers.registry import function_name_from_arn

log = logging.getLogger(__name__)

# Cognito names admin-initiated calls' client this way in callerContext.
NO_CLIENT = "CLIENT_ID_NOT_APPLICABLE"
SDK_VERSION = "aws-sdk-unknown-unknown"
# LambdaConfig members that hold {"LambdaVersion", "LambdaArn"} instead of a bare ARN.
_VERSIONED_KEYS = {"CustomEmailSender", "CustomSMSSender", "PreTokenGenerationConfig"}
_EVENT_VERSIONS = {"V1_0": "1", "V2_0": "2", "V3_0": "3"}
_RETRYABLE = {execution.TIMEOUT, execution.CRASHED}


def config_key_for(trigger_source: str) -> str:
    """`PreSignUp_SignUp` -> `PreSignUp`; `TokenGeneration_*` -> `PreTokenGeneration`."""
    prefix = trigger_source.split("_", 1)[0]
    return "PreTokenGeneration" if prefix == "TokenGeneration" else prefix


def any_configured(pool: Any) -> bool:
    """Whether the pool's LambdaConfig names anything at all (even only a KMSKeyID): the coarse
    test for "this pool runs no triggers" (`pool` needs `config`)."""
    return bool((pool.config or {}).get("LambdaConfig"))


def configured_function(pool: Any, config_key: str) -> Function | None:
    """The function a pool's LambdaConfig names for `config_key`, or None (`pool` needs `id` and `config`)."""
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
    """The Lambda event envelope Cognito sends: version, source, region, pool, user, caller, request, response."""
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
        dispatch.enqueue(ASYNC_TRIGGER, asdict(call))  # in the caller's transaction, sent after commit
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
    if not has_response(result):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    return result["response"]


def _call_with_retries(pool_id: str, trigger_source: str, function: Function, event_json: str) -> dict[str, Any]:
    options = trigger_settings()
    answer: dict[str, Any] = {"status": execution.TIMEOUT}
    for attempt in range(1, options.attempts + 1):
        started = timezone.now()
        began = time.monotonic()
        answer = _attempt(function, event_json, options.timeout_seconds)
        record(pool_id, trigger_source, function.name, attempt, True, started, began, answer)
        if answer["status"] not in _RETRYABLE:
            break
    return answer


def _attempt(function: Function, event_json: str, timeout: float) -> dict[str, Any]:
    deadline = time.time() + timeout
    if trigger_settings().use_workers:
        return _attempt_on_worker(function, event_json, deadline, timeout)
    return in_process(function, event_json, deadline, timeout)


def _attempt_on_worker(function: Function, event_json: str, deadline: float, timeout: float) -> dict[str, Any]:
    try:
        # `expires`: a worker that picks the message up after we stopped waiting discards it.
        pending = tasks.run_attempt.apply_async((function.name, function.arn, crypto.encrypt(event_json), deadline), expires=timeout)
    except Exception as exc:  # broker unreachable: the function cannot be invoked
        log.exception("could not send trigger %s to the broker", function.name)
        return {"status": execution.CRASHED, "error": type(exc).__name__}
    try:
        sealed = pending.get(timeout=timeout, propagate=False, disable_sync_subtasks=False)
    except CeleryTimeout:
        return {"status": execution.TIMEOUT}
    finally:
        pending.forget()  # the result backend keeps nothing once we have read it
    answer = json.loads(crypto.decrypt(sealed)) if isinstance(sealed, str) else sealed
    if isinstance(answer, dict) and "status" in answer:
        return answer
    return {"status": execution.CRASHED, "error": type(answer).__name__}  # the task itself failed
